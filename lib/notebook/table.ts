/**
 * Tables of records: an escaped HTML table in the kernel, an aligned text table elsewhere.
 *
 * @example
 * ```ts
 * import { table } from "./table.ts";
 * const t = table([{ module: "20UPGM22110001", mean: 8.7026, passed: true }], {
 *   title: "Wire pull",
 * });
 * console.log(t.toString());
 * ```
 *
 * @module
 */

import { $display, type Displayable, type MimeBundle } from "../display/mime.ts";
import { escapeHtml } from "../escape.ts";
import { formatValue, type NumberStyle, numberStyle, oneLine, textWidth } from "./_format.ts";

/** Writes one cell of a column; gets the value and its whole row. */
export type CellFormatter = (value: unknown, row: Record<string, unknown>) => string;

/** A link in a table cell: where it goes, and the text shown. */
export interface CellLink {
  /** A `data:`, `http(s):` or relative URL; any other scheme is not made a link. */
  href: string;
  /** The text shown; by default the cell's text. */
  text?: string;
  /** File name to save as (the `download` attribute). */
  download?: string;
}

/** Makes one cell of a column a link (or not, with `undefined`). */
export type CellLinker = (value: unknown, row: Record<string, unknown>) => CellLink | undefined;

/** Options of {@linkcode table}. */
export interface TableOptions {
  /** The columns (keys of the rows) in order; by default every key, in order of appearance. */
  columns?: string[];
  /** A caption above the table. */
  title?: string;
  /** Formatters by column key, replacing the default formatting of that column. */
  format?: Record<string, CellFormatter>;
  /** Rows shown at most; the rest are counted in a last line. Default 500. */
  maxRows?: number;
  /** Links by column key: in HTML the cell is a link; in text, its text. */
  links?: Record<string, CellLinker>;
}

/** One formatted cell. */
interface Cell {
  text: string;
  /** "pass" / "fail" for booleans. */
  kind?: "pass" | "fail";
  /** A link (HTML only). */
  link?: CellLink;
}

/** Schemes a cell may link to: data (an embedded file), http(s), or none (relative). */
const SAFE_HREF = /^(data:|https?:|[^:]*$)/i;

const PASS_STYLE = "color:#1a7f37;font-weight:bold";
/**
 * The class by which Jupyter's MathJax leaves an element alone (classic Notebook, JupyterLab):
 * without it, two `$` in a table ("a.csv $.institution", "b.csv $.institution") are typeset as
 * a formula.
 */
export const NO_MATH = "tex2jax_ignore";

/** Cells of at most this many characters never wrap in HTML. */
export const NOWRAP_MAX = 32;
const FAIL_STYLE = "color:#cf222e;font-weight:bold";

/**
 * A table of records. Renders as HTML in the kernel; `toString()` gives aligned text.
 *
 * @example
 * ```ts
 * import { table } from "./table.ts";
 * const t = table([{ a: 1 }, { a: 22 }]);
 * t.columns; // ["a"]
 * ```
 */
export class Table implements Displayable {
  /** The column keys, in order. */
  readonly columns: readonly string[];
  /** The rows (all of them, including those not shown). */
  readonly rows: readonly Record<string, unknown>[];
  /** The caption, if any. */
  readonly title?: string;
  readonly #cells: Cell[][];
  readonly #rightAligned: boolean[];
  readonly #hidden: number;

  constructor(rows: readonly Record<string, unknown>[], options: TableOptions = {}) {
    this.rows = rows;
    this.title = options.title;
    this.columns = options.columns ?? keysOf(rows);
    const maxRows = Math.max(0, options.maxRows ?? 500);
    const shown = rows.slice(0, maxRows);
    this.#hidden = rows.length - shown.length;
    const styles: NumberStyle[] = this.columns.map((key) => numberStyle(rows.map((r) => r[key])));
    this.#rightAligned = this.columns.map((key) =>
      rows.some((r) => typeof r[key] === "number") &&
      rows.every((r) => r[key] === undefined || r[key] === null || typeof r[key] === "number")
    );
    this.#cells = shown.map((row) =>
      this.columns.map((key, i): Cell => {
        const value = row[key];
        const custom = options.format?.[key];
        const link = options.links?.[key]?.(value, row);
        const safe = link && SAFE_HREF.test(link.href) ? link : undefined;
        const text = safe?.text !== undefined
          ? oneLine(safe.text)
          : custom
          ? oneLine(custom(value, row))
          : formatValue(value, styles[i]);
        const kind = typeof value === "boolean" ? (value ? "pass" : "fail") : undefined;
        return { text, kind, link: safe };
      })
    );
  }

  /** The table as aligned plain text: numbers right-aligned, a rule under the header. */
  toString(): string {
    const widths = this.columns.map((key, i) =>
      Math.max(textWidth(oneLine(key)), ...this.#cells.map((row) => textWidth(row[i].text)))
    );
    const line = (texts: string[]) =>
      texts.map((t, i) => pad(t, widths[i], this.#rightAligned[i])).join("  ").trimEnd();
    const out: string[] = [];
    if (this.title) out.push(oneLine(this.title));
    out.push(line(this.columns.map(oneLine)));
    out.push(widths.map((w) => "-".repeat(w)).join("  "));
    for (const row of this.#cells) out.push(line(row.map((c) => c.text)));
    if (this.#hidden > 0) out.push(`… ${this.#hidden} more rows (${this.rows.length} in all)`);
    if (this.rows.length === 0) out.push("(no rows)");
    return out.join("\n");
  }

  /**
   * The table as HTML; every text is escaped. The title is a line above the table (not a
   * `<caption>`, which wraps word by word above a narrow table); short cells (up to
   * {@linkcode NOWRAP_MAX} characters: serial numbers, numbers, "to create") never wrap, so that
   * only long texts take more lines when the table is wider than the page. MathJax leaves it
   * alone ({@linkcode NO_MATH}).
   */
  toHtml(): string {
    const align = (i: number) => this.#rightAligned[i] ? "right" : "left";
    const wrap = (text: string) => textWidth(text) <= NOWRAP_MAX ? ";white-space:nowrap" : "";
    const out: string[] = [];
    if (this.title) {
      out.push(
        `<div class="itkpd-table-title ${NO_MATH}" style="font-weight:bold;margin:0.2em 0">${
          escapeHtml(oneLine(this.title))
        }</div>`,
      );
    }
    out.push(`<table class="itkpd-table ${NO_MATH}">`);
    out.push(
      "<thead><tr>" +
        this.columns.map((key, i) =>
          `<th style="text-align:${align(i)}${wrap(oneLine(key))}">${escapeHtml(oneLine(key))}</th>`
        ).join("") +
        "</tr></thead>",
    );
    out.push("<tbody>");
    for (const row of this.#cells) {
      out.push(
        "<tr>" + row.map((cell, i) => {
          if (cell.kind) {
            const style = cell.kind === "pass" ? PASS_STYLE : FAIL_STYLE;
            return `<td class="itkpd-${cell.kind}" style="text-align:${align(i)};${style}">${
              escapeHtml(cell.text)
            }</td>`;
          }
          const num = this.#rightAligned[i] ? ";font-variant-numeric:tabular-nums" : "";
          const content = cell.link
            ? `<a href="${escapeHtml(cell.link.href)}"${
              cell.link.download === undefined
                ? ""
                : ` download="${escapeHtml(cell.link.download)}"`
            }>${escapeHtml(cell.text)}</a>`
            : escapeHtml(cell.text);
          return `<td style="text-align:${align(i)}${num}${wrap(cell.text)}">${content}</td>`;
        }).join("") + "</tr>",
      );
    }
    out.push("</tbody>");
    if (this.#hidden > 0 || this.rows.length === 0) {
      const note = this.rows.length === 0
        ? "(no rows)"
        : `… ${this.#hidden} more rows (${this.rows.length} in all)`;
      out.push(
        `<tfoot><tr><td colspan="${Math.max(1, this.columns.length)}">${
          escapeHtml(note)
        }</td></tr></tfoot>`,
      );
    }
    out.push("</table>");
    return out.join("\n");
  }

  /** The MIME bundle: `text/html` and `text/plain`. */
  [$display](): MimeBundle {
    return { "text/plain": this.toString(), "text/html": this.toHtml() };
  }
}

/**
 * Makes a {@linkcode Table} of records.
 *
 * @example
 * ```ts
 * import { table } from "./table.ts";
 * const t = table(
 *   [{ label: "r1 20g", load: 8.7, passed: true }, { label: "r2", load: 3.1, passed: false }],
 *   { columns: ["label", "load", "passed"], format: { load: (v) => `${v} g` } },
 * );
 * console.log(t.toString());
 * ```
 */
export function table(rows: readonly Record<string, unknown>[], options: TableOptions = {}): Table {
  return new Table(rows, options);
}

/** Every key of the rows, in order of first appearance. */
function keysOf(rows: readonly Record<string, unknown>[]): string[] {
  const keys = new Set<string>();
  for (const row of rows) for (const key of Object.keys(row)) keys.add(key);
  return [...keys];
}

function pad(text: string, width: number, right: boolean): string {
  const fill = " ".repeat(Math.max(0, width - textWidth(text)));
  return right ? fill + text : text + fill;
}
