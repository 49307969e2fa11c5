/**
 * Reading and writing the files of the upload steps: test-run JSON documents (with the place of
 * a JSON mistake as file:line:column), input files, and output files. A missing Deno permission
 * is never hidden behind another error: it reaches the script as it is (exit code 3).
 *
 * @module
 */
import { InputError } from "../errors.ts";
import { MAX_INPUT_BYTES, MAX_JSON_BYTES, readInputText as readBounded } from "../io/read_input.ts";
import { parseJsonDocument } from "../parsers/json.ts";

export { MAX_INPUT_BYTES, MAX_JSON_BYTES } from "../io/read_input.ts";
import { writeOutputFile, type WriteOutputOptions, type WriteStatus } from "../io/write_output.ts";

/** True for the errors Deno throws when a permission is missing. */
export function isPermissionError(e: unknown): boolean {
  return e instanceof Deno.errors.NotCapable || e instanceof Deno.errors.PermissionDenied;
}

/**
 * A file a step reads, and the name its messages give it: the path as the user typed it (the
 * path read may be resolved against the folder `deno task` ran in).
 */
export interface NamedInputFile {
  /** Path to read. */
  path: string;
  /** Name in messages (default `path`), e.g. as the user typed it. */
  name?: string;
}

/**
 * Reads a text file bounded and strictly decoded (see `lib/io/read_input.ts`: regular files
 * only, at most {@link MAX_INPUT_BYTES}, UTF-8 or UTF-16 with a byte-order mark, invalid UTF-8
 * refused with file:line). A missing permission is rethrown unchanged; any other failure (no
 * such file, a folder, a FIFO, too large, …) is an {@link InputError} naming the file.
 *
 * @example
 * ```ts ignore
 * import { readInputText } from "./files.ts";
 * const text = await readInputText("20UPGM20000001.csv", "DAGE file");
 * ```
 */
export async function readInputText(
  path: string,
  what = "file",
  name = path,
  maxBytes = MAX_INPUT_BYTES,
): Promise<string> {
  return await readBounded(path, { what, name, maxBytes });
}

/** A JSON object read from a file, as it was written. */
export type JsonObject = Record<string, unknown>;

/** Top-level keys of a test run whose strings are free text (line breaks allowed). */
export const FREE_TEXT_KEYS: readonly string[] = ["comments", "defects"];

/**
 * Parses the text of a test-run JSON file strictly (see `lib/parsers/json.ts`). Throws
 * {@link ParseError} (with file, line and column) when it is not JSON or is nested too deep,
 * and {@link InputError} when it is JSON but not an object, or holds a key given twice, a
 * number that is not finite, or a string with control characters (each with its JSON path).
 *
 * @example
 * ```ts
 * import { parseTestRunJson } from "./files.ts";
 * const doc = parseTestRunJson('{"testType": "IV_MEASURE"}', "run.json");
 * doc.testType; // "IV_MEASURE"
 * ```
 */
export function parseTestRunJson(text: string, file: string): JsonObject {
  const { value: doc, problems } = parseJsonDocument(text, file, { freeTextKeys: FREE_TEXT_KEYS });
  if (doc === null || typeof doc !== "object" || Array.isArray(doc)) {
    throw new InputError(
      `${file}: a test-run file holds one JSON object {component, testType, …}, ` +
        `not ${Array.isArray(doc) ? "a list" : JSON.stringify(doc)}`,
    );
  }
  if (problems.length > 0) {
    throw new InputError(
      `${file}: not read: ${problems.length} problem${
        problems.length === 1 ? "" : "s"
      } in the JSON`,
      problems,
      { hint: "fix every listed key and run again; nothing was sent" },
    );
  }
  return doc as JsonObject;
}

/**
 * Reads and parses a test-run JSON file (see {@link parseTestRunJson}); `name` (default `path`)
 * is the file's name in messages.
 *
 * @example
 * ```ts ignore
 * import { readTestRunFile } from "./files.ts";
 * const doc = await readTestRunFile("prototype_IV_MEASURE.json");
 * ```
 */
export async function readTestRunFile(path: string, name = path): Promise<JsonObject> {
  return parseTestRunJson(await readInputText(path, "test-run file", name, MAX_JSON_BYTES), name);
}

/** A document as the JSON text the steps write: 2-space indentation, a final newline. */
export function formatJson(doc: unknown): string {
  return JSON.stringify(doc, null, 2) + "\n";
}

/**
 * Writes `doc` as JSON to `path` atomically (`lib/io/write_output.ts`: a temporary file renamed
 * into place; a link at `path` is replaced, never written through; an existing file with other
 * content is refused unless `overwrite`). Needs write permission for `path`'s folder.
 *
 * @example
 * ```ts ignore
 * import { writeJsonFile } from "./files.ts";
 * await writeJsonFile("20UPGM20000001_IV_MEASURE_iv-1a2b3c4d.json", { testType: "IV_MEASURE" });
 * ```
 */
export async function writeJsonFile(
  path: string,
  doc: unknown,
  opts: WriteOutputOptions = {},
): Promise<WriteStatus> {
  return await writeOutputFile(path, formatJson(doc), { what: "JSON", ...opts });
}
