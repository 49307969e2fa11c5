/**
 * The one error hierarchy of the toolkit. Every error a user can cause says what went wrong,
 * where (file:line, JSON path, URL) and what to do, in its `message`; the structured parts are
 * kept as fields so that callers (scripts, notebooks, the batch engine) can act on them. A script
 * exits with the error's `exitCode` (1 unless said).
 *
 * The general classes live here; a class that belongs to one concern lives beside the code that
 * throws it (the file in brackets) and extends one of these:
 *
 * ```
 * ItkpdError
 * ├── UsageError              bad command-line use (exit code 2)
 * ├── InputError              bad input data: a file, a JSON document, a value
 * │   └── ParseError          a file that cannot be parsed, with file and line
 * ├── OutputError             an output file that cannot be written (full disk, read-only, exists)
 * ├── NetworkError            the site could not be reached, the connection dropped
 * │   ├── TimeoutError        no answer within the time limit
 * │   └── OutcomeUnknownError a write sent, its outcome still unknown [upload/upload_once.ts]
 * ├── AuthError               no token, bad access codes, a token that fails its checks
 * ├── ServerError             the service answered with an error (carries uuAppErrorMap)
 * │   ├── ApiValidationError  HTTP 400 invalidDtoIn: missing / invalid keys
 * │   ├── NotFoundError       the object asked for does not exist
 * │   └── UnexpectedAnswerError  an answer not of the shape its command promises
 * │                           [client/errors_map.ts]
 * ├── JournalWriteError       the batch journal cannot be written [batch/journal.ts]
 * ├── StageNotSetError        registered, but its stage could not be set [register/register.ts]
 * ├── RegistrationCancelled   an interactive registration cancelled, or its input ended
 * │                           [register/conversation.ts]
 * ├── CellOrderError          a notebook cell run before the cells it needs
 * │                           [notebook/cell_order.ts]
 * └── NotebookSetupError      Python or Jupyter missing for `deno task notebooks`
 *                             [scripts/_notebook_runner.ts, tooling]
 * ```
 *
 * Two errors stay outside on purpose, since no user ever sees them: the sandbox's
 * `CommandError` (sandbox/command_error.ts) is how the stand-in answers with an HTTP error, and
 * the batch runner's `ItemFailure` (batch/runner.ts) carries one item's outcome to the runner
 * and never leaves `runBatch`.
 *
 * Problems are shown one per line with every control character of their text escaped
 * (`formatProblems`), so that a crafted file name or key cannot forge a line.
 *
 * @module
 */
import { escapeControls } from "./escape.ts";

/** One problem at one place: a JSON path (`$.results.MEAN_LOAD`) or `file:line`. */
export interface Problem {
  /** Where: a JSON path like `$.component`, or `file.csv:12`. */
  path: string;
  /** What is wrong, in words. */
  message: string;
}

/** Options common to every toolkit error. */
export interface ItkpdErrorOptions {
  /** What the user can do about it. Appended to the message. */
  hint?: string;
  /** The underlying error. */
  cause?: unknown;
}

/** Base class of every error the toolkit throws on purpose. */
export class ItkpdError extends Error {
  /** What the user can do about it, if known. */
  readonly hint?: string;
  /** Process exit code a script should use for this error. */
  readonly exitCode: number = 1;

  constructor(message: string, options: ItkpdErrorOptions = {}) {
    super(options.hint ? `${message}\n  hint: ${options.hint}` : message, {
      cause: options.cause,
    });
    this.name = "ItkpdError";
    this.hint = options.hint;
  }
}

/** Wrong use of a command: unknown flag, missing argument. Scripts exit with code 2. */
export class UsageError extends ItkpdError {
  override readonly exitCode: number = 2;
  constructor(message: string, options: ItkpdErrorOptions = {}) {
    super(message, options);
    this.name = "UsageError";
  }
}

/** Bad input data (a file, a JSON document, a value), with every problem found. */
export class InputError extends ItkpdError {
  /** Every problem found, each with its place. */
  readonly problems: Problem[];
  constructor(message: string, problems: Problem[] = [], options: ItkpdErrorOptions = {}) {
    super(
      problems.length ? `${message}\n${formatProblems(problems)}` : message,
      options,
    );
    this.name = "InputError";
    this.problems = problems;
  }
}

/** A file that cannot be parsed. `file` and `line` (1-based) say where. */
export class ParseError extends InputError {
  readonly file: string;
  readonly line?: number;
  constructor(
    file: string,
    line: number | undefined,
    message: string,
    options: ItkpdErrorOptions & { problems?: Problem[] } = {},
  ) {
    const where = line === undefined ? file : `${file}:${line}`;
    super(`${where}: ${message}`, options.problems ?? [], options);
    this.name = "ParseError";
    this.file = file;
    this.line = line;
  }
}

/**
 * An output file that cannot be written: a full disk, a read-only folder, a folder in its place,
 * or a file already there that is not to be overwritten. `path` says which; the previous file,
 * if any, is unchanged.
 */
export class OutputError extends ItkpdError {
  /** The output that could not be written. */
  readonly path: string;
  constructor(path: string, message: string, options: ItkpdErrorOptions = {}) {
    super(`${path}: ${message}`, options);
    this.name = "OutputError";
    this.path = path;
  }
}

/** The site could not be reached, or the connection broke before an answer arrived. */
export class NetworkError extends ItkpdError {
  /** The URL asked (never with credentials). */
  readonly url?: string;
  /** True when the request may have reached the server (its outcome is unknown). */
  readonly maybeSent: boolean;
  /**
   * False when trying again cannot help (a certificate that does not verify, a proxy that
   * refuses): the client does not retry it.
   */
  readonly retryable: boolean;
  constructor(
    message: string,
    options: ItkpdErrorOptions & { url?: string; maybeSent?: boolean; retryable?: boolean } = {},
  ) {
    super(message, options);
    this.name = "NetworkError";
    this.url = options.url;
    this.maybeSent = options.maybeSent ?? true;
    this.retryable = options.retryable ?? true;
  }
}

/** No answer within the time limit. */
export class TimeoutError extends NetworkError {
  constructor(
    message: string,
    options: ItkpdErrorOptions & { url?: string; maybeSent?: boolean } = {},
  ) {
    super(message, options);
    this.name = "TimeoutError";
  }
}

/** Authentication failed: no token, wrong access codes, or a token that fails its checks. */
export class AuthError extends ItkpdError {
  /** uuAppErrorMap codes of the answer, if the service sent one. */
  readonly codes: string[];
  constructor(message: string, options: ItkpdErrorOptions & { codes?: string[] } = {}) {
    super(message, options);
    this.name = "AuthError";
    this.codes = options.codes ?? [];
  }
}

/** One entry of a uuAppErrorMap. */
export interface UuAppErrorEntry {
  type?: string;
  message?: string;
  id?: string;
  timestamp?: string;
  paramMap?: Record<string, unknown>;
  [key: string]: unknown;
}

/** A uuAppErrorMap: error code → entry. Empty on success. */
export type UuAppErrorMap = Record<string, UuAppErrorEntry>;

/** The service answered with an error status or an error entry. */
export class ServerError extends ItkpdError {
  /** HTTP status. */
  readonly status: number;
  /** The command called. */
  readonly command: string;
  /** The answer's uuAppErrorMap (may be empty when the answer was not JSON). */
  readonly uuAppErrorMap: UuAppErrorMap;
  constructor(
    command: string,
    status: number,
    uuAppErrorMap: UuAppErrorMap,
    message?: string,
    options: ItkpdErrorOptions = {},
  ) {
    super(
      message ??
        `${command} failed with HTTP ${status}${describeErrorMap(uuAppErrorMap)}`,
      options,
    );
    this.name = "ServerError";
    this.status = status;
    this.command = command;
    this.uuAppErrorMap = uuAppErrorMap;
  }
  /** The error codes (keys of uuAppErrorMap). */
  get codes(): string[] {
    return Object.keys(this.uuAppErrorMap);
  }
}

/** HTTP 400 with invalidDtoIn: what is missing and what is invalid, by JSON path. */
export class ApiValidationError extends ServerError {
  /** Missing keys (JSON paths). */
  readonly missing: string[];
  /** Invalid keys with their reasons. */
  readonly invalid: Problem[];
  /** Keys the service does not know (a warning only). */
  readonly unsupported: string[];
  constructor(command: string, status: number, uuAppErrorMap: UuAppErrorMap) {
    const { missing, invalid, unsupported } = collectDtoInProblems(uuAppErrorMap);
    const lines: string[] = [`${command} refused the input (HTTP ${status}, invalid dtoIn):`];
    const e = (text: string) => escapeControls(text);
    for (const m of missing) lines.push(`  missing: ${e(m)}`);
    for (const p of invalid) lines.push(`  invalid: ${e(p.path)}: ${e(p.message)}`);
    for (const u of unsupported) lines.push(`  unsupported key (ignored): ${e(u)}`);
    const other = describeErrorMap(uuAppErrorMap, /invalidDtoIn|unsupportedKeys/);
    super(command, status, uuAppErrorMap, lines.join("\n") + other, {
      hint: "fix the listed keys and send again",
    });
    this.name = "ApiValidationError";
    this.missing = missing;
    this.invalid = invalid;
    this.unsupported = unsupported;
  }
}

/** The object asked for does not exist on the service. */
export class NotFoundError extends ServerError {
  constructor(command: string, status: number, uuAppErrorMap: UuAppErrorMap, message?: string) {
    super(command, status, uuAppErrorMap, message);
    this.name = "NotFoundError";
  }
}

/** Problems listed in a message at most; the rest are counted (all stay in `problems`). */
export const MAX_LISTED_PROBLEMS = 100;

/**
 * Formats problems one per line, indented, for a message: control characters in a path or a
 * message are escaped (a newline in a file name cannot start a line of its own), and beyond
 * {@link MAX_LISTED_PROBLEMS} the rest are counted in one line.
 */
export function formatProblems(problems: readonly Problem[]): string {
  const lines: string[] = [];
  const shown = Math.min(problems.length, MAX_LISTED_PROBLEMS);
  for (let i = 0; i < shown; i++) lines.push(problemLine(problems[i]));
  if (problems.length > shown) {
    lines.push(`  … and ${(problems.length - shown).toLocaleString("en")} more problems`);
  }
  return lines.join("\n");
}

/**
 * The kind of value a "got …" ending of a message names, without the value itself
 * (lib/schemas/value_words.ts writes them): `the number 7.6` → `a number`.
 */
function kindOfGot(got: string): string {
  if (got.startsWith("the number ")) return "a number";
  if (got.startsWith("the text ") || got === "an empty text") return "a text";
  if (got.startsWith("the value ")) return "true or false";
  if (got.startsWith("a list ") || got === "an empty list") return "a list";
  if (got.startsWith("an object ") || got === "an empty object") return "an object";
  return got;
}

/**
 * Problems of one kind summarised: problems whose paths differ only in list indices
 * (`$.a[0].b`, `$.a[7].b`) and whose messages say the same (a `, got <value>` ending counts by
 * the kind of value) become one problem when there are more than `keep` of them:
 * `"30,000 elements: expected a list, got a number; first at $.a[0]"`. Linear in the number of
 * problems; order of first appearance is kept.
 *
 * @example
 * ```ts
 * import { summarizeProblems } from "./errors.ts";
 * const many = [0, 1, 2, 3, 4].map((i) => ({
 *   path: `$.r.X[${i}]`,
 *   message: `expected a list, got the number ${i}`,
 * }));
 * summarizeProblems(many)[0].message;
 * // "5 elements: expected a list, got a number; first at $.r.X[0]"
 * ```
 */
export function summarizeProblems(problems: readonly Problem[], keep = 3): Problem[] {
  const groups = new Map<string, { first: Problem[]; count: number; kind: string }>();
  for (const p of problems) {
    const pattern = p.path.replace(/\[\d+\]/g, "[*]");
    const at = p.message.lastIndexOf(", got ");
    const kind = at >= 0
      ? `${p.message.slice(0, at)}, got ${kindOfGot(p.message.slice(at + 6))}`
      : p.message;
    const key = `${pattern}\u0000${kind}`;
    const g = groups.get(key);
    if (!g) groups.set(key, { first: [p], count: 1, kind });
    else {
      g.count++;
      if (g.first.length <= keep) g.first.push(p);
    }
  }
  const out: Problem[] = [];
  for (const g of groups.values()) {
    if (g.count <= keep) {
      out.push(...g.first);
      continue;
    }
    const first = g.first[0].path;
    out.push({
      path: first.replace(/\[\d+\]/g, "[*]"),
      message: `${g.count.toLocaleString("en")} elements: ${g.kind}; first at ${first}`,
    });
  }
  return out;
}

/** One problem as one indented line (`  path: message`), its text escaped. */
export function problemLine(p: Problem, indent = "  "): string {
  return `${indent}${escapeControls(p.path)}: ${escapeControls(p.message)}`;
}

/** Reads the missingKeyMap / invalidValueKeyMap / unsupportedKeyList of every entry. */
function collectDtoInProblems(map: UuAppErrorMap): {
  missing: string[];
  invalid: Problem[];
  unsupported: string[];
} {
  const missing = new Set<string>();
  const invalid: Problem[] = [];
  const seenInvalid = new Set<string>();
  const unsupported = new Set<string>();
  for (const entry of Object.values(map)) {
    const params = (entry?.paramMap ?? {}) as Record<string, unknown>;
    const miss = params.missingKeyMap;
    if (miss && typeof miss === "object") {
      for (const key of Object.keys(miss)) missing.add(key);
    }
    const inv = params.invalidValueKeyMap;
    if (inv && typeof inv === "object") {
      for (const [path, reasons] of Object.entries(inv as Record<string, unknown>)) {
        const text = reasons && typeof reasons === "object"
          ? Object.values(reasons as Record<string, unknown>).map(String).join("; ")
          : String(reasons);
        const key = `${path}\u0000${text}`;
        if (!seenInvalid.has(key)) {
          seenInvalid.add(key);
          invalid.push({ path, message: text });
        }
      }
    }
    const uns = params.unsupportedKeyList;
    if (Array.isArray(uns)) { for (const key of uns) unsupported.add(String(key)); }
  }
  return { missing: [...missing], invalid, unsupported: [...unsupported] };
}

/**
 * The last part of a service error code in words: `cern-itkpd-main/listTestTypes/
 * componentTypeDoesNotExist` → `component type does not exist`. What a message says when the
 * service sent a code without a message: a code is never shown to a user on its own.
 *
 * @example
 * ```ts
 * import { codeWords } from "./errors.ts";
 * codeWords("cern-itkpd-main/listTestTypes/componentTypeDoesNotExist");
 * // "component type does not exist"
 * codeWords("uu-app-binarystore/getBinaryData/binaryDataDoesNotExist");
 * // "binary data does not exist"
 * ```
 */
export function codeWords(code: string): string {
  const last = code.slice(code.lastIndexOf("/") + 1);
  const words = last.replace(/[_-]+/g, " ").replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .replace(/([A-Z]+)([A-Z][a-z])/g, "$1 $2").trim().toLowerCase();
  return words === "" ? "an error without a description" : words;
}

/**
 * An error map's entries in words for messages, one line each: the service's own message, or
 * the code in words when it sent none ({@link codeWords}); never the bare code. `skip` hides
 * some codes.
 */
function describeErrorMap(map: UuAppErrorMap, skip?: RegExp): string {
  const parts: string[] = [];
  for (const [code, entry] of Object.entries(map)) {
    if (skip?.test(code)) continue;
    const said = typeof entry?.message === "string" ? entry.message.trim() : "";
    const text = `${entry?.type === "warning" ? "warning: " : ""}${said || codeWords(code)}`;
    parts.push(`\n  ${escapeControls(text)}`);
  }
  return parts.join("");
}
