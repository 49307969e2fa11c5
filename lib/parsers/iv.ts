/**
 * The IV curve table parser: whitespace-separated columns under a header such as
 * `U[V] Imean[uA] Isem[uA]` (voltage, mean current, and optionally its standard error of the
 * mean). Units are read from the header, never assumed.
 *
 * @module
 */
import { ParseError, type Problem } from "../errors.ts";
import { isBlank, parseDecimal, splitLines } from "./_lines.ts";

/** Units of the columns, as written in the header (e.g. `V`, `uA`). */
export interface IvUnits {
  voltage: string;
  current: string;
  /** Unit of the `Isem` column; absent when the table has no third column. */
  sem?: string;
}

/** An IV table read: one entry per valid row, and every rejected row with `file:line`. */
export interface IvParseResult {
  file: string;
  /** 1-based line of the header. */
  headerLine: number;
  /** Column names as written, e.g. `["U", "Imean", "Isem"]`. */
  columns: string[];
  units: IvUnits;
  voltage: number[];
  current: number[];
  /** Standard error of the mean current; empty when the table has no third column. */
  sem: number[];
  /** 1-based line of each valid row. */
  lines: number[];
  /** Rows that were rejected (left out), and why. */
  errors: Problem[];
}

const COLUMN = /^([A-Za-z_][A-Za-z0-9_]*)\[([^\]]*)\]$/;

/**
 * Parses an IV table. Throws {@link ParseError} when the header is missing or not of the
 * form `U[V] Imean[uA] [Isem[uA]]`, or when no row is valid; bad rows are reported in
 * `errors` (with `file:line`) and left out.
 *
 * @example
 * ```ts
 * import { parseIv } from "./iv.ts";
 * const iv = parseIv("U[V]\tImean[uA]\tIsem[uA]\n0.0\t-0.1\t0.01\n-2.0\t-0.2\t0.01\n", "iv.txt");
 * iv.voltage; // [0, -2]
 * iv.units.current; // "uA"
 * ```
 */
export function parseIv(text: string, file = "<input>"): IvParseResult {
  const lines = splitLines(text).filter((l) => !isBlank(l.text));
  const head = lines[0];
  if (head === undefined) throw new ParseError(file, undefined, "empty file: no IV table");
  const names = head.text.trim().split(/\s+/);
  const cols = names.map((c) => COLUMN.exec(c));
  const hint = "the first line must be a header like `U[V] Imean[uA] Isem[uA]`";
  if (cols.length < 2 || cols.length > 3 || cols.some((c) => c === null)) {
    throw new ParseError(
      file,
      head.number,
      `not an IV table header: ${JSON.stringify(head.text.trim())}`,
      { hint },
    );
  }
  const [u, i, s] = cols as RegExpExecArray[];
  if (!/^(U|V|Voltage)$/i.test(u[1]) || !/^I/i.test(i[1]) || (s && !/^I?(sem|err)/i.test(s[1]))) {
    throw new ParseError(
      file,
      head.number,
      `unexpected IV columns ${names.join(" ")} (expected voltage, current, optional sem)`,
      { hint },
    );
  }
  const result: IvParseResult = {
    file,
    headerLine: head.number,
    columns: cols.map((c) => (c as RegExpExecArray)[1]),
    units: s ? { voltage: u[2], current: i[2], sem: s[2] } : { voltage: u[2], current: i[2] },
    voltage: [],
    current: [],
    sem: [],
    lines: [],
    errors: [],
  };
  for (const { number, text: line } of lines.slice(1)) {
    const parts = line.trim().split(/\s+/);
    const where = `${file}:${number}`;
    if (parts.length !== cols.length) {
      result.errors.push({
        path: where,
        message: `row has ${parts.length} value(s), expected ${cols.length} (${names.join(" ")})`,
      });
      continue;
    }
    const values = parts.map(parseDecimal);
    const bad = values.findIndex((v) => v === undefined);
    if (bad !== -1) {
      result.errors.push({
        path: where,
        message: `${names[bad]} value ${JSON.stringify(parts[bad])} is not a number`,
      });
      continue;
    }
    result.voltage.push(values[0] as number);
    result.current.push(values[1] as number);
    if (s) result.sem.push(values[2] as number);
    result.lines.push(number);
  }
  if (result.voltage.length === 0) {
    const first = result.errors[0];
    throw new ParseError(
      file,
      first ? Number(first.path.slice(first.path.lastIndexOf(":") + 1)) : undefined,
      `no valid IV row` +
        (first ? ` (${result.errors.length} rejected; first: ${first.message})` : ""),
    );
  }
  return result;
}
