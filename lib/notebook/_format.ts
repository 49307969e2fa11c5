/**
 * Formatting of cell values for tables (private): numbers per column with a shared number of
 * decimals so that they align, booleans as ✓/✗, nothing as an empty cell.
 *
 * @module
 */
import { escapeControls } from "../escape.ts";

/** How a column's numbers are written. */
export interface NumberStyle {
  /** Decimals of non-integers (fixed notation). */
  decimals: number;
  /** Exponential notation for the column's non-integers (very small or very large values). */
  exponential: boolean;
}

const MAX_DECIMALS = 3;

/** Chooses one number style for all numbers of a column. */
export function numberStyle(values: readonly unknown[]): NumberStyle {
  let decimals = 0;
  let exponential = false;
  for (const v of values) {
    if (typeof v !== "number" || !Number.isFinite(v) || Number.isInteger(v)) continue;
    const a = Math.abs(v);
    if (a < 1e-3 || a >= 1e9) exponential = true;
    decimals = Math.max(decimals, decimalsNeeded(v));
  }
  return { decimals, exponential };
}

/** The fewest decimals (at most 3) that write `v` exactly; 3 when none does. */
function decimalsNeeded(v: number): number {
  for (let d = 1; d < MAX_DECIMALS; d++) {
    if (Math.abs(Number(v.toFixed(d)) - v) <= 1e-9 * Math.max(1, Math.abs(v))) return d;
  }
  return MAX_DECIMALS;
}

/** Writes a number in a column's style. */
function formatNumber(v: number, style: NumberStyle): string {
  if (Number.isNaN(v)) return "NaN";
  if (!Number.isFinite(v)) return v > 0 ? "∞" : "−∞";
  if (style.exponential) return v.toExponential(3);
  if (style.decimals === 0 && Number.isInteger(v) && Math.abs(v) < 1e15) return String(v);
  return v.toFixed(style.decimals);
}

/** Writes any cell value as one line of text (numbers need {@linkcode formatNumber}). */
export function formatValue(v: unknown, style: NumberStyle): string {
  if (v === null || v === undefined) return "";
  if (typeof v === "number") return formatNumber(v, style);
  if (typeof v === "boolean") return v ? "✓" : "✗";
  if (typeof v === "bigint") return String(v);
  if (typeof v === "string") return oneLine(v);
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? "Invalid Date" : v.toISOString();
  if (v instanceof Error) return oneLine(`${v.name}: ${v.message}`);
  try {
    return oneLine(JSON.stringify(v) ?? String(v));
  } catch {
    return oneLine(String(v));
  }
}

/**
 * Puts a text on one line for a table cell: every control character (line breaks, tabs, ESC,
 * NUL, bidirectional overrides, …) becomes a visible escape (`\n`, `\x1b`, `\u202e`), so that a
 * value from a file can neither break the table nor act on the terminal.
 */
export function oneLine(text: string): string {
  return escapeControls(text);
}

/** The width of a text in terminal columns (code points; good enough for our texts). */
export function textWidth(text: string): number {
  let n = 0;
  for (const c of text) {
    const code = c.codePointAt(0)!;
    // Combining marks take no column.
    if (code >= 0x300 && code <= 0x36f) continue;
    n += 1;
  }
  return n;
}
