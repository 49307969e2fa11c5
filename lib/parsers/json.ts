/**
 * A strict JSON reader for users' documents (test runs, manifests, break-mode mappings,
 * registrations). Unlike `JSON.parse` it never overflows the stack (it keeps its own stack, and
 * refuses nesting deeper than {@link MAX_JSON_DEPTH}), bounds the number of values, says where a
 * syntax mistake is (line and column), and reports as problems, each with its JSON path and
 * line, what `JSON.parse` lets through silently:
 * - a key given twice in one object (`JSON.parse` keeps the last one);
 * - a number that is not finite as a double (`1e999`, a number of millions of digits);
 * - a string holding control characters (ESC, NUL, …), lone surrogates or bidirectional
 *   overrides (line breaks and tabs are allowed only under the keys named free text).
 *
 * @module
 */
import { ParseError, type Problem } from "../errors.ts";
import { findUnsafeChar } from "../escape.ts";
import { jsonPathStep } from "../schemas/json_path.ts";

/** Deepest nesting of objects and arrays read: 64 (a test run needs 5). */
export const MAX_JSON_DEPTH = 64;
/** Most values (objects, arrays, strings, numbers, literals) in one document: 1,000,000. */
export const MAX_JSON_VALUES = 1_000_000;
/** Problems kept in detail; more are counted in one last problem. */
export const MAX_JSON_PROBLEMS = 200;

/** Options of {@link parseJsonDocument}. */
export interface JsonReadOptions {
  /** Deepest nesting allowed (default {@link MAX_JSON_DEPTH}). */
  maxDepth?: number;
  /** Most values allowed (default {@link MAX_JSON_VALUES}). */
  maxValues?: number;
  /**
   * Top-level keys whose strings are free text, where line breaks and tabs are allowed (e.g.
   * `comments`). Control characters other than those are refused everywhere.
   */
  freeTextKeys?: readonly string[];
}

/** A document read: its value, and the problems found in it (empty: clean). */
export interface JsonDocument {
  value: unknown;
  /** Duplicate keys, non-finite numbers, unsafe strings: path `$.a.b`, message with the line. */
  problems: Problem[];
}

interface Frame {
  /** The object or array being filled. */
  value: Record<string, unknown> | unknown[];
  isArray: boolean;
  /** The key (object) whose value is being read. */
  key: string;
  /** Keys seen in an object, with the line of each. */
  keys?: Map<string, number>;
  /** True under a free-text top-level key. */
  freeText: boolean;
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const SHOWN = (c: string | undefined) =>
  c === undefined ? "the end of the text" : JSON.stringify(c);

/**
 * Reads a JSON document. Throws {@link ParseError} (file, line, column) for a syntax mistake,
 * nesting deeper than `maxDepth`, or more than `maxValues` values; returns the value with the
 * problems found in it (see the module documentation).
 *
 * @example
 * ```ts
 * import { parseJsonDocument } from "./json.ts";
 * const { value, problems } = parseJsonDocument('{"a": 1, "a": 1e999}', "run.json");
 * problems.map((p) => p.path); // ["$.a", "$.a"]
 * ```
 */
export function parseJsonDocument(
  text: string,
  file: string,
  opts: JsonReadOptions = {},
): JsonDocument {
  const maxDepth = opts.maxDepth ?? MAX_JSON_DEPTH;
  const maxValues = opts.maxValues ?? MAX_JSON_VALUES;
  const freeKeys = new Set(opts.freeTextKeys ?? []);
  const n = text.length;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let line = 1;
  let lineStart = i;
  let count = 0;
  let dropped = 0;
  const problems: Problem[] = [];
  const stack: Frame[] = [];

  const fail = (reason: string, at = i): never => {
    // Columns count from the start of the line the mistake is on.
    let l = line;
    let start = lineStart;
    for (let k = i; k < at && k < n; k++) {
      if (text.charCodeAt(k) === 10) {
        l++;
        start = k + 1;
      }
    }
    throw new ParseError(
      file,
      l,
      `not valid JSON at line ${l}, column ${at - start + 1}: ${reason}`,
      { hint: "fix the JSON (a missing comma or quote, a trailing comma) and run again" },
    );
  };
  const ws = () => {
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 10) {
        line++;
        lineStart = i + 1;
      } else if (c !== 32 && c !== 9 && c !== 13) return;
      i++;
    }
  };
  const pathHere = (): string => {
    let p = "$";
    for (const f of stack) p += jsonPathStep(f.isArray ? (f.value as unknown[]).length : f.key);
    return p;
  };
  const problem = (path: string, message: string) => {
    if (problems.length < MAX_JSON_PROBLEMS) problems.push({ path, message });
    else dropped++;
  };
  const readString = (): string => {
    // At the opening quote.
    const start = i;
    i++;
    let escaped = false;
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 34) break;
      if (c < 0x20) {
        fail(
          c === 10
            ? "a string is not closed on its line"
            : `a raw control character (code ${c}) inside a string`,
        );
      }
      if (c === 92) {
        escaped = true;
        const e = text[i + 1];
        if (e === "u") {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) {
            fail("\\u must be followed by 4 hex digits", i + 2);
          }
          i += 6;
          continue;
        }
        if (e === undefined || !'"\\/bfnrt'.includes(e)) fail(`invalid escape \\${e ?? ""}`, i + 1);
        i += 2;
        continue;
      }
      i++;
    }
    if (i >= n) fail("a string is not closed: the text ends too early", n);
    i++;
    return escaped ? JSON.parse(text.slice(start, i)) as string : text.slice(start + 1, i - 1);
  };
  const checkString = (s: string, where: () => string, isKey: boolean, freeText: boolean) => {
    const bad = findUnsafeChar(s, { allowLineBreaks: freeText && !isKey });
    if (bad) {
      problem(
        where(),
        `${isKey ? "a key" : "text"} holding ${bad.name} at position ${bad.index + 1} ` +
          `(line ${line}): control characters are not accepted`,
      );
    }
  };
  /** Reads `"key" :` in an object frame. */
  const readKey = (frame: Frame) => {
    ws();
    if (text.charCodeAt(i) !== 34) {
      fail(`expected a key in double quotes, found ${SHOWN(text[i])}`);
    }
    const keyLine = line;
    const key = readString();
    frame.key = key;
    checkString(key, () => pathHere(), true, false);
    const first = frame.keys!.get(key);
    if (first !== undefined) {
      problem(
        pathHere(),
        `the key ${JSON.stringify(key)} is given twice in one object (lines ${first} and ` +
          `${keyLine}): remove one of them (only one value can be kept)`,
      );
    } else frame.keys!.set(key, keyLine);
    ws();
    if (text.charCodeAt(i) !== 58) fail(`expected ':' after a key, found ${SHOWN(text[i])}`);
    i++;
  };
  const attach = (frame: Frame, value: unknown) => {
    if (frame.isArray) (frame.value as unknown[]).push(value);
    else if (frame.key === "__proto__") {
      Object.defineProperty(frame.value, "__proto__", {
        value,
        enumerable: true,
        writable: true,
        configurable: true,
      });
    } else (frame.value as Record<string, unknown>)[frame.key] = value;
  };

  let root: unknown;
  parse: while (true) {
    ws();
    if (++count > maxValues) {
      fail(`more than ${maxValues.toLocaleString("en")} values: too large to be read`);
    }
    const c = text.charCodeAt(i);
    let value: unknown;
    const top = stack[stack.length - 1];
    const freeText = top
      ? top.freeText || (stack.length === 1 && !top.isArray && freeKeys.has(top.key))
      : false;
    if (c === 123 || c === 91) {
      if (stack.length >= maxDepth) {
        fail(
          `nested deeper than ${maxDepth} levels: not a document this toolkit reads ` +
            "(a test run is 5 levels deep)",
        );
      }
      const isArray = c === 91;
      const frame: Frame = {
        value: isArray ? [] : {},
        isArray,
        key: "",
        freeText,
      };
      if (!isArray) frame.keys = new Map();
      i++;
      ws();
      if (text.charCodeAt(i) === (isArray ? 93 : 125)) {
        i++;
        value = frame.value;
      } else {
        stack.push(frame);
        if (!isArray) readKey(frame);
        continue parse;
      }
    } else if (c === 34) {
      const s = readString();
      checkString(s, () => pathHere(), false, freeText);
      value = s;
    } else if (c === 45 || (c >= 48 && c <= 57)) {
      NUMBER.lastIndex = i;
      const m = NUMBER.exec(text);
      if (!m || m[0] === "-") fail("a number is malformed");
      const literal = m![0];
      // A leading zero followed by digits ("01") is not JSON.
      if (/^-?0\d/.test(text.slice(i, i + 3))) {
        fail("a number must not start with 0", i + (c === 45 ? 2 : 1));
      }
      i += literal.length;
      value = Number(literal);
      if (!Number.isFinite(value)) {
        const shown = literal.length > 24
          ? `${literal.slice(0, 20)}… (${literal.length.toLocaleString("en")} characters)`
          : literal;
        problem(
          pathHere(),
          `the number ${shown} (line ${line}) is too large to be a finite number`,
        );
      }
    } else if (text.startsWith("true", i)) {
      i += 4;
      value = true;
    } else if (text.startsWith("false", i)) {
      i += 5;
      value = false;
    } else if (text.startsWith("null", i)) {
      i += 4;
      value = null;
    } else if (i >= n) {
      fail("the text ends too early: a value is missing");
    } else {
      fail(`expected a value, found ${SHOWN(text[i])}`);
    }
    // Attach the value, then close every container that ends here.
    while (true) {
      const frame = stack[stack.length - 1];
      if (!frame) {
        root = value;
        break parse;
      }
      attach(frame, value);
      ws();
      const d = text.charCodeAt(i);
      if (d === 44) {
        i++;
        if (!frame.isArray) readKey(frame);
        continue parse;
      }
      if (d === (frame.isArray ? 93 : 125)) {
        i++;
        stack.pop();
        value = frame.value;
        continue;
      }
      fail(
        `expected ',' or '${frame.isArray ? "]" : "}"}' after a ${
          frame.isArray ? "list element" : "value"
        }, found ${SHOWN(text[i])}`,
      );
    }
  }
  ws();
  if (i < n) fail(`unexpected ${SHOWN(text[i])} after the end of the document`);
  if (dropped > 0) {
    problems.push({
      path: "$",
      message: `… and ${dropped.toLocaleString("en")} more problems of the kinds above`,
    });
  }
  return { value: root, problems };
}
