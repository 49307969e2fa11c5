/**
 * Validation problems in our words: `expected a list [strength, break mode, location], got the
 * number 7.6`. The schemas built from field definitions carry the "expected …" part as their
 * message; {@link problemFromIssue} adds what the value was ({@link describeValue}), and words
 * any other zod issue the same way instead of showing zod's own text ("Invalid input: expected
 * array, received number").
 *
 * @module
 */
import type { Problem } from "../errors.ts";
import { jsonPathSuffix } from "./json_path.ts";

/** Texts are shown up to this many characters, then cut with `…`. */
const MAX_TEXT_SHOWN = 40;
/** Keys of an object named at most. */
const MAX_KEYS_SHOWN = 3;

/** The start of a message made by our schemas: the rest says what was expected. */
export const EXPECTED = "expected ";

/** A text shown quoted and escaped, cut at {@link MAX_TEXT_SHOWN} characters. */
export function quoteText(text: string): string {
  const cut = text.length > MAX_TEXT_SHOWN ? text.slice(0, MAX_TEXT_SHOWN - 3) + "…" : text;
  return JSON.stringify(cut);
}

/**
 * What a value is, in words, for the "got …" of a message: `the number 7.6`, `the text "x"`,
 * `a list of 2 values`, `an object {A, B}`, `null`. Only the top of a list or an object is
 * looked at: a large or deeply nested value costs nothing.
 *
 * @example
 * ```ts
 * import { describeValue } from "./value_words.ts";
 * describeValue(7.6); // "the number 7.6"
 * describeValue([[1, 2]]); // "a list of 1 value"
 * describeValue("x".repeat(100)).length < 60; // true
 * ```
 */
export function describeValue(value: unknown): string {
  if (value === undefined) return "nothing";
  if (value === null) return "null";
  if (typeof value === "number") return `the number ${value}`;
  if (typeof value === "string") {
    return value === "" ? "an empty text" : `the text ${quoteText(value)}`;
  }
  if (typeof value === "boolean") return `the value ${value}`;
  if (Array.isArray(value)) {
    if (value.length === 0) return "an empty list";
    return `a list of ${value.length.toLocaleString("en")} value${value.length === 1 ? "" : "s"}`;
  }
  if (typeof value === "object") {
    const keys: string[] = [];
    for (const k in value as Record<string, unknown>) {
      if (keys.length > MAX_KEYS_SHOWN) break;
      keys.push(k);
    }
    if (keys.length === 0) return "an empty object";
    const shown = keys.slice(0, MAX_KEYS_SHOWN).map((k) =>
      /^[\w.-]{1,20}$/.test(k) ? k : quoteText(k)
    );
    return `an object {${shown.join(", ")}${keys.length > MAX_KEYS_SHOWN ? ", …" : ""}}`;
  }
  return `a ${typeof value}`;
}

/** The part of a zod issue read here (zod's issue types are not imported: zod stays lazy). */
export interface IssueLike {
  code: string;
  path: readonly PropertyKey[];
  message: string;
  expected?: unknown;
  values?: readonly unknown[];
  keys?: readonly string[];
  minimum?: unknown;
  maximum?: unknown;
  origin?: string;
  format?: string;
}

/** zod's name of a type in words. */
function typeWords(expected: unknown): string {
  switch (expected) {
    case "number":
      return "a number";
    case "int":
      return "a whole number";
    case "string":
      return "text";
    case "boolean":
      return "true or false";
    case "array":
    case "tuple":
      return "a list";
    case "object":
    case "record":
      return "an object";
    case "null":
      return "null";
    default:
      return typeof expected === "string" ? `a value of type ${expected}` : "another value";
  }
}

/** `at most 1 value`, `at least 3 values`. */
function count(bound: string, n: unknown): string {
  return `${bound} ${n} value${n === 1 ? "" : "s"}`;
}

/** What the issue says was expected, in words (zod's own issues). */
function expectedOf(issue: IssueLike): string | undefined {
  switch (issue.code) {
    case "invalid_type":
      return typeWords(issue.expected);
    case "invalid_value": {
      const values = (issue.values ?? []).map((v) =>
        typeof v === "string" ? quoteText(v) : String(v)
      );
      return values.length === 1 ? values[0] : `one of ${values.join(", ")}`;
    }
    case "too_small":
      if (issue.origin === "string") {
        return issue.minimum === 1
          ? "a text that is not empty"
          : `text of at least ${issue.minimum} characters`;
      }
      if (issue.origin === "array" || issue.origin === "set") {
        return count("at least", issue.minimum);
      }
      return `at least ${issue.minimum}`;
    case "too_big":
      if (issue.origin === "string") return `text of at most ${issue.maximum} characters`;
      if (issue.origin === "array" || issue.origin === "set") {
        return count("at most", issue.maximum);
      }
      return `at most ${issue.maximum}`;
    case "invalid_format":
      return `text in the form of ${issue.format ?? "the format asked"}`;
    case "not_multiple_of":
      return "a multiple of the step asked";
    default:
      return undefined;
  }
}

/**
 * A zod issue as a problem in words, at `base` + the issue's path: our schemas' "expected …"
 * messages get what the value was (`, got the number 7.6`); zod's own messages are replaced
 * by the same form; a value that is absent is `missing`.
 *
 * @param root The value that was checked (to say what was found at the issue's path).
 * @param base The JSON path of `root` (`$.results.PULL_STRENGTH_DATA`, or `$`).
 *
 * @example
 * ```ts
 * import { problemFromIssue } from "./value_words.ts";
 * problemFromIssue({ code: "invalid_type", expected: "array", path: [0],
 *   message: "Invalid input: expected array, received number" }, [7.6], "$.results.X");
 * // { path: "$.results.X[0]", message: "expected a list, got the number 7.6" }
 * ```
 */
export function problemFromIssue(issue: IssueLike, root: unknown, base = "$"): Problem {
  const path = base + jsonPathSuffix(issue.path);
  if (issue.code === "unrecognized_keys") {
    const keys = (issue.keys ?? []).map((k) => quoteText(k)).join(", ");
    return { path, message: `not a key of this object: ${keys}` };
  }
  const value = valueAt(root, issue.path);
  const expected = issue.message.startsWith(EXPECTED)
    ? issue.message.slice(EXPECTED.length)
    : expectedOf(issue);
  if (value === undefined && typeof issue.path[issue.path.length - 1] !== "number") {
    return {
      path,
      message: `missing: ${expected ? `expected ${expected}` : "a value is required"}`,
    };
  }
  if (expected === undefined) {
    const own = issue.message.replace(/^Invalid input:?\s*/i, "").trim();
    return {
      path,
      message: `${own === "" ? "not a valid value" : own}, got ${describeValue(value)}`,
    };
  }
  return { path, message: `expected ${expected}, got ${describeValue(value)}` };
}

/** The value at `path` inside `root` (`undefined` when the path leaves it). */
export function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let v = root;
  for (const p of path) {
    if (v === null || typeof v !== "object") return undefined;
    v = (v as Record<PropertyKey, unknown>)[p];
  }
  return v;
}
