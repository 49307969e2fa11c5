/**
 * Reading and writing the files of the upload steps: test-run JSON documents (with the place of
 * a JSON mistake as file:line:column), input files, and output files. A missing Deno permission
 * is never hidden behind another error: it reaches the script as it is (exit code 3).
 *
 * @module
 */
import { InputError, ParseError } from "../errors.ts";
import { jsonErrorOffset, lineColumn } from "./_json_position.ts";

/** True for the errors Deno throws when a permission is missing. */
export function isPermissionError(e: unknown): boolean {
  return e instanceof Deno.errors.NotCapable || e instanceof Deno.errors.PermissionDenied;
}

/**
 * Reads a text file. A missing permission is rethrown unchanged; any other failure (no such
 * file, a folder, …) becomes an {@link InputError} naming the file.
 *
 * @example
 * ```ts ignore
 * import { readInputText } from "./files.ts";
 * const text = await readInputText("prototype_IV_MEASURE.json");
 * ```
 */
export async function readInputText(
  path: string,
  what = "file",
  name = path,
): Promise<string> {
  try {
    return await Deno.readTextFile(path);
  } catch (e) {
    if (isPermissionError(e)) throw e;
    const reason = e instanceof Deno.errors.NotFound
      ? "no such file"
      : e instanceof Deno.errors.IsADirectory
      ? "it is a folder"
      : (e as Error).message;
    throw new InputError(`${name}: cannot read the ${what} (${reason})`, [], {
      cause: e,
      hint: "check the path (relative paths are taken from the folder you ran the command in)",
    });
  }
}

/** A JSON object read from a file, as it was written. */
export type JsonObject = Record<string, unknown>;

/**
 * Parses the text of a test-run JSON file. Throws {@link ParseError} (with file, line and column)
 * when it is not JSON, {@link InputError} when it is JSON but not an object.
 *
 * @example
 * ```ts
 * import { parseTestRunJson } from "./files.ts";
 * const doc = parseTestRunJson('{"testType": "IV_MEASURE"}', "run.json");
 * doc.testType; // "IV_MEASURE"
 * ```
 */
export function parseTestRunJson(text: string, file: string): JsonObject {
  let doc: unknown;
  try {
    doc = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (e) {
    const offset = jsonErrorOffset(text) ?? text.length;
    const { line, column } = lineColumn(text, offset);
    const reason = (e as Error).message
      .replace(/, ".*" is not valid JSON$/s, "")
      .replace(/ in JSON at position \d+( \(line \d+ column \d+\))?$/, "")
      .replace(/^Unexpected end of JSON input$/, "the text ends too early");
    throw new ParseError(
      file,
      line,
      `not valid JSON at line ${line}, column ${column}: ${reason}`,
      {
        hint: "fix the JSON (a missing comma or quote, a trailing comma) and run again",
      },
    );
  }
  if (doc === null || typeof doc !== "object" || Array.isArray(doc)) {
    throw new InputError(
      `${file}: a test-run file holds one JSON object {component, testType, …}, ` +
        `not ${Array.isArray(doc) ? "a list" : JSON.stringify(doc)}`,
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
  return parseTestRunJson(await readInputText(path, "test-run file", name), name);
}

/** A document as the JSON text the steps write: 2-space indentation, a final newline. */
export function formatJson(doc: unknown): string {
  return JSON.stringify(doc, null, 2) + "\n";
}

/**
 * Writes `doc` as JSON to `path` (replacing the file). Needs write permission for `path`.
 *
 * @example
 * ```ts ignore
 * import { writeJsonFile } from "./files.ts";
 * await writeJsonFile("prototype_WIREBOND_PULL_TEST.json", { testType: "WIREBOND_PULL_TEST" });
 * ```
 */
export async function writeJsonFile(path: string, doc: unknown): Promise<void> {
  await Deno.writeTextFile(path, formatJson(doc));
}
