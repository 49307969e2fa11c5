/**
 * Reading data files from disk and parsing them: a DAGE wire-pull CSV, an IV table, a
 * break-mode mapping. Each is read bounded and strictly decoded (`lib/io/read_input.ts`), then
 * handed to its pure parser (`lib/parsers/`, `lib/analysis/break_modes.ts`), which never reads a
 * file itself.
 *
 * @example
 * ```ts ignore
 * import { parseDageFile } from "./data_files.ts";
 * const result = await parseDageFile("20UPGM20000001.csv");
 * ```
 *
 * @module
 */
import { fileURLToPath } from "node:url";
import type { BreakModeMapping } from "../analysis/break_modes.ts";
import { parseBreakModeMapping } from "../analysis/break_mode_file.ts";
import { MAX_JSON_BYTES, readInputText } from "../io/read_input.ts";
import { parseDage } from "../parsers/dage.ts";
import type { DageParseResult } from "../parsers/dage_types.ts";
import { type IvParseResult, parseIv } from "../parsers/iv.ts";

async function readText(path: string | URL, what: string): Promise<{ name: string; text: string }> {
  const name = path instanceof URL ? fileURLToPath(path) : path;
  return { name, text: await readInputText(name, { what }) };
}

/**
 * Reads and parses the DAGE CSV file at `path`; problems name the file as `path`. Throws
 * InputError when the file cannot be read (not a regular file, larger than 16 MiB, not UTF-8 or
 * UTF-16 with a byte-order mark).
 *
 * @example
 * ```ts ignore
 * import { parseDageFile } from "./data_files.ts";
 * const result = await parseDageFile("20UPGM20000001.csv");
 * ```
 */
export async function parseDageFile(path: string | URL): Promise<DageParseResult> {
  const { name, text } = await readText(path, "DAGE file");
  return parseDage(text, name);
}

/**
 * Reads and parses the IV table at `path`; throws InputError when the file cannot be read and
 * ParseError when it is not an IV table.
 *
 * @example
 * ```ts ignore
 * import { parseIvFile } from "./data_files.ts";
 * const iv = await parseIvFile("20UPGM20000001_IV.txt");
 * ```
 */
export async function parseIvFile(path: string | URL): Promise<IvParseResult> {
  const { name, text } = await readText(path, "IV table");
  return parseIv(text, name);
}

/**
 * Reads a break-mode mapping file (see `parseBreakModeMapping`); InputError if it cannot be
 * read or is not a mapping.
 *
 * @example
 * ```ts ignore
 * import { loadBreakModeMapping } from "./data_files.ts";
 * const mapping = await loadBreakModeMapping("mylab_grades.json");
 * ```
 */
export async function loadBreakModeMapping(path: string): Promise<BreakModeMapping> {
  const text = await readInputText(path, { what: "break-mode mapping", maxBytes: MAX_JSON_BYTES });
  return parseBreakModeMapping(text, path);
}
