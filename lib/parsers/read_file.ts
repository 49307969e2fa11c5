/**
 * Reading DAGE and IV files from disk (the only I/O of the parsers), bounded and strictly
 * decoded (`lib/io/read_input.ts`).
 *
 * @module
 */
import { readInputText } from "../io/read_input.ts";
import { parseDage } from "./dage.ts";
import type { DageParseResult } from "./dage_types.ts";
import { type IvParseResult, parseIv } from "./iv.ts";

async function readText(path: string | URL, what: string): Promise<{ name: string; text: string }> {
  const name = path instanceof URL ? decodeURIComponent(path.pathname) : path;
  return { name, text: await readInputText(name, { what }) };
}

/**
 * Reads and parses the DAGE CSV file at `path`; problems name the file as `path`. Throws
 * InputError when the file cannot be read (not a regular file, larger than 16 MiB, not UTF-8 or
 * UTF-16 with a byte-order mark).
 *
 * @example
 * ```ts ignore
 * import { parseDageFile } from "./read_file.ts";
 * const result = await parseDageFile("20UPGM20000001.csv");
 * ```
 */
export async function parseDageFile(path: string | URL): Promise<DageParseResult> {
  const { name, text } = await readText(path, "DAGE file");
  return parseDage(text, name);
}

/**
 * Reads and parses the IV table at `path`; throws {@link InputError} when the file cannot be
 * read and ParseError when it is not an IV table.
 */
export async function parseIvFile(path: string | URL): Promise<IvParseResult> {
  const { name, text } = await readText(path, "IV table");
  return parseIv(text, name);
}
