/**
 * Writing a table as CSV (papaparse's `unparse`) or JSON, chosen by the file's extension. The
 * text is built whole before the file is opened (needing write access to that file only).
 *
 * @module
 */
// @ts-types="npm:@types/papaparse"
import Papa from "papaparse";
import { UsageError } from "../errors.ts";
import type { RowTable } from "./rows.ts";

/** The formats {@link writeTable} writes. */
export type TableFormat = "csv" | "json";

/**
 * The format of an output path, by its extension; a {@link UsageError} for any other.
 *
 * @example
 * ```ts
 * import { formatOf } from "./write.ts";
 * formatOf("runs.csv"); // "csv"
 * ```
 */
export function formatOf(path: string): TableFormat {
  const ext = /\.([^./\\]+)$/.exec(path)?.[1]?.toLowerCase();
  if (ext === "csv" || ext === "json") return ext;
  throw new UsageError(`--out must end in .csv or .json, got '${path}'`);
}

/** One CSV cell: empty for null, JSON for arrays and objects, the value otherwise. */
function cell(value: unknown): unknown {
  if (value === null || value === undefined) return "";
  if (typeof value === "object") return JSON.stringify(value);
  return value;
}

/**
 * The CSV text of a table: a header line, then one line per row; arrays and objects as JSON,
 * null as an empty cell.
 *
 * @example
 * ```ts
 * import { toCsv } from "./write.ts";
 * toCsv({ columns: ["a", "b"], rows: [{ a: 1, b: [1, 2] }] }); // 'a,b\r\n1,"[1,2]"'
 * ```
 */
export function toCsv(table: RowTable): string {
  return Papa.unparse({
    fields: table.columns,
    data: table.rows.map((row) => table.columns.map((c) => cell(row[c]))),
  });
}

/**
 * The JSON text of a table: an array of row objects (keys in column order), values as they
 * are.
 *
 * @example
 * ```ts
 * import { toJson } from "./write.ts";
 * toJson({ columns: ["a"], rows: [{ a: [1] }] }); // '[\n  {\n    "a": [\n ...'
 * ```
 */
export function toJson(table: RowTable): string {
  const rows = table.rows.map((row) =>
    Object.fromEntries(table.columns.map((c) => [c, row[c] ?? null]))
  );
  return JSON.stringify(rows, null, 2) + "\n";
}

/** Writes `table` to `path` as CSV or JSON (by extension); resolves to the format. */
export async function writeTable(path: string, table: RowTable): Promise<TableFormat> {
  const format = formatOf(path);
  const text = format === "csv" ? toCsv(table) + "\r\n" : toJson(table);
  await Deno.writeTextFile(path, text);
  return format;
}
