/**
 * Turning an ITkPD answer (status + body) into a value or an error of the toolkit's hierarchy.
 *
 * - 2xx JSON: the answer; its warnings are returned separately.
 * - 2xx HTML (an unknown route answers with a web page): `ServerError`, "not an ITkPD API
 *   answer (HTML) — check ITKDB_API_URL".
 * - 400 with `…/invalidDtoIn`: `ApiValidationError` listing missing / invalid keys by JSON path.
 * - 401: `AuthError` (with the uuAppErrorMap codes).
 * - 404, or a code like `…DoesNotExist` / `…NotFound`: `NotFoundError`.
 * - anything else: `ServerError` with the codes.
 *
 * @module
 */
import type { z } from "zod";
import {
  ApiValidationError,
  AuthError,
  codeWords,
  NotFoundError,
  type Problem,
  ServerError,
  type UuAppErrorMap,
} from "../errors.ts";
import { problemFromIssue } from "../schemas/value_words.ts";
import { certainlyValid } from "../schemas/certain.ts";
import { redact } from "./redact.ts";
import { escapeControls } from "../escape.ts";
import { suggest } from "../suggest.ts";

/** A code of the uuAppErrorMap that says the token is missing, invalid or expired. */
const INVALID_TOKEN_CODE =
  /invalid.?token|token.?(expired|invalid|missing)|expired.?token|unauthenticated|authentication/i;
/** A code that says the object asked for does not exist. */
const NOT_FOUND_CODE = /DoesNotExist|NotFound|notExist/i;

/** An answer whose body does not have the shape its command promises. */
export class UnexpectedAnswerError extends ServerError {
  /** Where the answer differs from the expected shape. */
  readonly problems: Problem[];
  constructor(command: string, status: number, problems: Problem[], detail?: string) {
    const lines = problems.slice(0, 10).map((p) => `  ${p.path}: ${p.message}`);
    if (problems.length > 10) lines.push(`  … and ${problems.length - 10} more`);
    super(
      command,
      status,
      {},
      `${command} answered in an unexpected shape${detail ? ` (${detail})` : ""}:\n${
        lines.join("\n")
      }`,
      { hint: "the service may have changed; report this with the command and the paths" },
    );
    this.name = "UnexpectedAnswerError";
    this.problems = problems;
  }
}

/** A warning entry of an answer's uuAppErrorMap. */
export interface ApiWarning {
  /** The command that answered. */
  command: string;
  /** The code, e.g. `cern-itkpd-main/getComponent/unsupportedKeys`. */
  code: string;
  /** The service's message. */
  message: string;
  /** Unsupported keys (JSON paths), when the warning lists them. */
  unsupportedKeys: string[];
}

/** A parsed body: JSON, HTML, or other text. */
export type ParsedBody =
  | { kind: "json"; value: unknown }
  | { kind: "html"; text: string }
  | { kind: "text"; text: string };

/**
 * Parses an answer's text by its content type and its first character.
 *
 * @example
 * ```ts
 * import { parseBody } from "./errors_map.ts";
 * parseBody('{"uuAppErrorMap":{}}', "application/json").kind; // "json"
 * parseBody("<!DOCTYPE html><html></html>", "text/html").kind; // "html"
 * ```
 */
export function parseBody(text: string, contentType: string | null): ParsedBody {
  const trimmed = text.trimStart();
  if (/html/i.test(contentType ?? "") || trimmed.startsWith("<")) return { kind: "html", text };
  if (trimmed === "") return { kind: "json", value: {} };
  try {
    return { kind: "json", value: JSON.parse(text) };
  } catch {
    return { kind: "text", text };
  }
}

/** The uuAppErrorMap of a parsed body (`{}` when absent or malformed). */
export function errorMapOf(body: ParsedBody): UuAppErrorMap {
  if (body.kind !== "json") return {};
  const map = (body.value as { uuAppErrorMap?: unknown } | null)?.uuAppErrorMap;
  return map && typeof map === "object" && !Array.isArray(map) ? map as UuAppErrorMap : {};
}

/**
 * The warnings (entries of type `warning`) of an answer's uuAppErrorMap.
 *
 * @example
 * ```ts
 * import { warningsIn } from "./errors_map.ts";
 * warningsIn("getComponent", { "a/getComponent/unsupportedKeys": { type: "warning",
 *   message: "DtoIn contains unsupported keys.", paramMap: { unsupportedKeyList: ["$.x"] } } });
 * ```
 */
export function warningsIn(command: string, map: UuAppErrorMap): ApiWarning[] {
  const out: ApiWarning[] = [];
  for (const [code, entry] of Object.entries(map)) {
    if (entry?.type !== "warning") continue;
    const list = (entry.paramMap as Record<string, unknown> | undefined)?.unsupportedKeyList;
    out.push({
      command,
      code,
      // Shown to a person as one line: a line break from the server cannot forge another.
      message: escapeControls(redact(String(entry.message ?? "warning"))),
      unsupportedKeys: Array.isArray(list) ? list.map(String) : [],
    });
  }
  return out;
}

/**
 * A warning as one line, for a log or a terminal, in words: the command, what the service said
 * (its message, or its code in words when it sent none; never the bare code) and the
 * unsupported keys, each with the key it most likely meant when `knownKeys` (the keys the
 * command takes) are given. Keys from the server are escaped: they cannot forge a line.
 *
 * @example
 * ```ts
 * import { formatWarning } from "./errors_map.ts";
 * formatWarning({ command: "getComponent", code: "a/getComponent/unsupportedKeys",
 *   message: "DtoIn contains unsupported keys.", unsupportedKeys: ["$.compnent"] }, ["component"]);
 * // "getComponent: DtoIn contains unsupported keys; ignored: $.compnent, did you mean $.component?"
 * ```
 */
export function formatWarning(w: ApiWarning, knownKeys: readonly string[] = []): string {
  const said = w.message.trim() === "" || w.message === "warning" ? codeWords(w.code) : w.message;
  if (w.unsupportedKeys.length === 0) return `${w.command}: ${said}`;
  const keys = w.unsupportedKeys.map((k) => {
    const name = /^\$\.([^.[\]]+)$/.exec(k)?.[1];
    const close = name ? suggest(name, [...knownKeys]) : undefined;
    return escapeControls(k) + (close && close !== name ? `, did you mean $.${close}?` : "");
  });
  return `${w.command}: ${said.replace(/[.;:\s]+$/, "")}; ignored: ${keys.join("; ")}`;
}

/** True when a 401 answer says the token is invalid or expired (worth one renewal). */
export function isInvalidTokenAnswer(status: number, map: UuAppErrorMap): boolean {
  if (status !== 401) return false;
  const codes = Object.keys(map);
  return codes.length === 0 || codes.some((code) => INVALID_TOKEN_CODE.test(code));
}

/**
 * The error for an answer, or `undefined` when the answer is a usable JSON success.
 *
 * @param command The command called (for messages).
 * @param url The URL asked (for the HTML hint).
 *
 * @example
 * ```ts
 * import { errorForAnswer, parseBody } from "./errors_map.ts";
 * const err = errorForAnswer("getComponent", "https://x/getComponent", 404, parseBody("{}", null));
 * err?.name; // "NotFoundError"
 * ```
 */
export function errorForAnswer(
  command: string,
  url: string,
  status: number,
  body: ParsedBody,
): Error | undefined {
  if (body.kind === "json" && status >= 200 && status < 300) return undefined;
  const map = errorMapOf(body);
  const codes = Object.keys(map);
  const errorCodes = codes.filter((c) => map[c]?.type !== "warning");
  if (body.kind === "html") {
    if (status === 401) {
      return new AuthError(`${command}: HTTP 401 (not authorised)`, {
        hint: "run get-token again or set ITKDB_ACCESS_CODE1/2",
      });
    }
    return new ServerError(
      command,
      status,
      {},
      `${command}: not an ITkPD API answer (HTML, HTTP ${status}) — check ITKDB_API_URL (${
        redact(url)
      })`,
      { hint: "an unknown command or a wrong site URL answers with a web page" },
    );
  }
  if (body.kind === "text") {
    if (status >= 200 && status < 300) {
      return new ServerError(
        command,
        status,
        {},
        `${command}: not an ITkPD API answer (not JSON, HTTP ${status}): ${
          escapeControls(redact(body.text.slice(0, 200)))
        }`,
        { hint: "check ITKDB_API_URL" },
      );
    }
    return new ServerError(
      command,
      status,
      {},
      `${command} failed with HTTP ${status}: ${escapeControls(redact(body.text.slice(0, 200)))}`,
    );
  }
  const safeMap = redactMap(map);
  if (status === 400 && codes.some((c) => /invalidDtoIn$/i.test(c))) {
    return new ApiValidationError(command, status, safeMap);
  }
  if (status === 401) {
    return new AuthError(
      `${command}: HTTP 401, the token was refused${
        errorCodes.length
          ? `: ${
            escapeControls(
              errorCodes.map((c) => redact(String(map[c]?.message ?? "")) || codeWords(c))
                .join("; "),
            )
          }`
          : ""
      }`,
      {
        codes,
        hint: "run get-token again, or set ITKDB_ACCESS_CODE1/2 so that the client can renew it",
      },
    );
  }
  if (status === 404 || errorCodes.some((c) => NOT_FOUND_CODE.test(c))) {
    return new NotFoundError(command, status, safeMap);
  }
  if (status === 403) {
    return new ServerError(command, status, safeMap, undefined, {
      hint: "your account may lack the permission for this command or institution",
    });
  }
  return new ServerError(command, status, safeMap);
}

/**
 * Checks an answer against its schema; on failure an {@link UnexpectedAnswerError} lists every
 * difference by JSON path. An answer the schema certainly takes as it is (see
 * lib/schemas/certain.ts) is given back without zod's copy.
 */
export function checkAnswer<S extends z.ZodType>(
  command: string,
  status: number,
  schema: S,
  value: unknown,
): z.infer<S> {
  if (certainlyValid(schema, value)) return value as z.infer<S>;
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => problemFromIssue(issue, value));
  throw new UnexpectedAnswerError(command, status, problems);
}

function redactMap(map: UuAppErrorMap): UuAppErrorMap {
  const out: UuAppErrorMap = {};
  for (const [code, entry] of Object.entries(map)) {
    out[code] = entry && typeof entry === "object"
      ? { ...entry, message: entry.message === undefined ? undefined : redact(entry.message) }
      : entry;
  }
  return out;
}
