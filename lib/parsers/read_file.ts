/**
 * Reading DAGE and IV files from disk (the only I/O of the parsers).
 *
 * @module
 */
import { InputError } from "../errors.ts";
import { parseDage } from "./dage.ts";
import type { DageParseResult } from "./dage_types.ts";
import { type IvParseResult, parseIv } from "./iv.ts";

async function readText(path: string | URL): Promise<{ name: string; text: string }> {
  const name = path instanceof URL ? decodeURIComponent(path.pathname) : path;
  try {
    return { name, text: await Deno.readTextFile(path) };
  } catch (e) {
    throw new InputError(`${name}: cannot read the file (${(e as Error).message})`, [], {
      cause: e,
      hint: "check the path and that the script may read it (--allow-read)",
    });
  }
}

/**
 * Reads and parses the DAGE CSV file at `path` (UTF-8); problems name the file as `path`.
 * Throws {@link InputError} when the file cannot be read.
 *
 * @example
 * ```ts ignore
 * import { parseDageFile } from "./read_file.ts";
 * const result = await parseDageFile("20UPGM20000001.csv");
 * ```
 */
export async function parseDageFile(path: string | URL): Promise<DageParseResult> {
  const { name, text } = await readText(path);
  return parseDage(text, name);
}

/**
 * Reads and parses the IV table at `path`; throws {@link InputError} when the file cannot be
 * read and ParseError when it is not an IV table.
 */
export async function parseIvFile(path: string | URL): Promise<IvParseResult> {
  const { name, text } = await readText(path);
  return parseIv(text, name);
}
