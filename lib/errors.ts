/**
 * The one error hierarchy of the toolkit. Every error a user can cause says what went wrong,
 * where (file:line, JSON path, URL) and what to do, in its `message`; the structured parts are
 * kept as fields so that callers (scripts, notebooks, the batch engine) can act on them.
 *
 * ```
 * ItkpdError
 * ├── UsageError          bad command-line use (exit code 2)
 * ├── InputError          bad input data: a file, a JSON document, a value (exit code 1)
 * │   └── ParseError      a file that cannot be parsed, with file and line
 * ├── NetworkError        the site could not be reached, the connection dropped
 * │   └── TimeoutError    no answer within the time limit
 * ├── AuthError           no token, bad access codes, a token that fails its checks
 * └── ServerError         the service answered with an error (carries uuAppErrorMap)
 *     ├── ApiValidationError  HTTP 400 invalidDtoIn: missing / invalid keys
 *     └── NotFoundError       the object asked for does not exist
 * ```
 *
 * @module
 */

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
    options: ItkpdErrorOptions = {},
  ) {
    const where = line === undefined ? file : `${file}:${line}`;
    super(`${where}: ${message}`, [], options);
    this.name = "ParseError";
    this.file = file;
    this.line = line;
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
    for (const m of missing) lines.push(`  missing: ${m}`);
    for (const p of invalid) lines.push(`  invalid: ${p.path}: ${p.message}`);
    for (const u of unsupported) lines.push(`  unsupported key (ignored): ${u}`);
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

/** Formats problems one per line, indented, for a message. */
export function formatProblems(problems: Problem[]): string {
  return problems.map((p) => `  ${p.path}: ${p.message}`).join("\n");
}

/** Reads the missingKeyMap / invalidValueKeyMap / unsupportedKeyList of every entry. */
export function collectDtoInProblems(map: UuAppErrorMap): {
  missing: string[];
  invalid: Problem[];
  unsupported: string[];
} {
  const missing = new Set<string>();
  const invalid: Problem[] = [];
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
        if (!invalid.some((p) => p.path === path && p.message === text)) {
          invalid.push({ path, message: text });
        }
      }
    }
    const uns = params.unsupportedKeyList;
    if (Array.isArray(uns)) { for (const key of uns) unsupported.add(String(key)); }
  }
  return { missing: [...missing], invalid, unsupported: [...unsupported] };
}

/** A short description of an error map's entries, for messages; `skip` hides some codes. */
export function describeErrorMap(map: UuAppErrorMap, skip?: RegExp): string {
  const parts: string[] = [];
  for (const [code, entry] of Object.entries(map)) {
    if (skip?.test(code)) continue;
    parts.push(`\n  ${entry?.type ?? "error"} ${code}: ${entry?.message ?? ""}`.trimEnd());
  }
  return parts.join("");
}

/** The warnings of an answer's uuAppErrorMap (e.g. unsupported keys), as readable lines. */
export function warningsOf(map: UuAppErrorMap | undefined): string[] {
  if (!map) return [];
  const out: string[] = [];
  for (const [code, entry] of Object.entries(map)) {
    if (entry?.type !== "warning") continue;
    const uns = (entry.paramMap as Record<string, unknown> | undefined)?.unsupportedKeyList;
    const extra = Array.isArray(uns) && uns.length ? ` (${uns.join(", ")})` : "";
    out.push(`${code}: ${entry.message ?? "warning"}${extra}`);
  }
  return out;
}
