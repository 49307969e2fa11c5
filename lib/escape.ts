/**
 * Characters that must never reach a terminal raw, and never be stored in a value: the one
 * definition of them, the one escaping function applied where text is shown to a person, and
 * the one check that refuses them in values read from users' files.
 *
 * Escaped for display: C0 controls (ESC, NUL, `\r`, BEL, …; `\n` and `\t` only when a text is
 * one line), DEL and the C1 controls (U+0080–U+009F, some terminals obey them), bidirectional
 * marks, embeddings, overrides and isolates (U+061C, U+200E/F, U+202A–U+202E, U+2066–U+2069:
 * they reorder what is shown), the line and paragraph separators U+2028/U+2029, U+FEFF and lone
 * surrogates. Each becomes a visible escape: `\x1b`, `\n`, `\u202e`.
 *
 * Text put into HTML (notebook tables, error views, progress) passes through
 * {@link escapeHtml} as well.
 *
 * Refused in values (see {@link findUnsafeChar}): the same set, except that the plain marks
 * U+061C/U+200E/U+200F (needed to write some names) are allowed, and line breaks and tabs are
 * allowed where a value is free text (comments).
 *
 * @example
 * ```ts
 * import { escapeControls, findUnsafeChar } from "./escape.ts";
 * escapeControls("a\x1b]0;title\x07b"); // "a\\x1b]0;title\\x07b"
 * escapeControls("two\nlines", { keepNewlines: true }); // "two\nlines"
 * findUnsafeChar("Default\u0000operator")?.name; // "NUL (\\x00)"
 * ```
 *
 * @module
 */

/** Options of {@link escapeControls}. */
export interface EscapeOptions {
  /** Keep `\n` and `\t` as they are (for text of several lines built by the toolkit). */
  keepNewlines?: boolean;
}

const NAMES: Record<number, string> = {
  0x00: "NUL",
  0x07: "BEL",
  0x08: "backspace",
  0x09: "tab",
  0x0a: "line feed",
  0x0d: "carriage return",
  0x1b: "ESC",
  0x7f: "DEL",
};

const SHORT: Record<number, string> = { 0x09: "\\t", 0x0a: "\\n", 0x0d: "\\r" };

/** True for a code unit that a terminal or a text direction algorithm acts upon. */
function isDisplayUnsafe(c: number): boolean {
  return c < 0x20 || (c >= 0x7f && c <= 0x9f) || c === 0x061c || c === 0x200e ||
    c === 0x200f || (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069) ||
    c === 0x2028 || c === 0x2029 || c === 0xfeff;
}

/** `\x1b` or `\u202e`: how one code unit is written when escaped. */
function escapeUnit(c: number): string {
  if (SHORT[c]) return SHORT[c];
  const hex = c.toString(16).padStart(c < 0x100 ? 2 : 4, "0");
  return c < 0x100 ? `\\x${hex}` : `\\u${hex}`;
}

/** True when `text[i]` is half of a surrogate pair that has no other half. */
function isLoneSurrogate(text: string, i: number): boolean {
  const c = text.charCodeAt(i);
  if (c >= 0xd800 && c <= 0xdbff) {
    const next = text.charCodeAt(i + 1);
    return !(next >= 0xdc00 && next <= 0xdfff);
  }
  if (c >= 0xdc00 && c <= 0xdfff) {
    const prev = text.charCodeAt(i - 1);
    return !(prev >= 0xd800 && prev <= 0xdbff);
  }
  return false;
}

const FAST_SAFE = /^[\x20-\x7e]*$/;

/**
 * `text` with every character of the module's list written as a visible escape, so that
 * nothing in it can move the cursor, retitle or reset the terminal, forge a line, or reorder
 * what is shown. Use it on everything shown to a person (the scripts' output, error lines,
 * notebook views); never on data that is stored or sent.
 *
 * @example
 * ```ts
 * import { escapeControls } from "./escape.ts";
 * escapeControls("plan.csv\nplan: 0 to create"); // "plan.csv\\nplan: 0 to create"
 * escapeControls("evil\u202etxt.csv"); // "evil\\u202etxt.csv"
 * ```
 */
export function escapeControls(text: string, opts: EscapeOptions = {}): string {
  if (FAST_SAFE.test(text)) return text;
  const keep = opts.keepNewlines === true;
  let out = "";
  let from = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    let unsafe = isDisplayUnsafe(c);
    if (unsafe && keep && (c === 0x0a || c === 0x09)) unsafe = false;
    if (!unsafe && c >= 0xd800 && c <= 0xdfff) unsafe = isLoneSurrogate(text, i);
    if (!unsafe) continue;
    out += text.slice(from, i) + escapeUnit(c);
    from = i + 1;
  }
  return from === 0 ? text : out + text.slice(from);
}

const HTML_ENTITIES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

/**
 * Escapes text for HTML element content and quoted attribute values: every text that goes into
 * the HTML of a notebook display passes through here.
 *
 * @example
 * ```ts
 * import { escapeHtml } from "./escape.ts";
 * escapeHtml('<b title="x">'); // "&lt;b title=&quot;x&quot;&gt;"
 * ```
 */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ENTITIES[c]);
}

/** A character refused in a value: where, which, and its name for messages. */
export interface UnsafeChar {
  /** Index (UTF-16 code units) in the text. */
  index: number;
  /** The code unit. */
  code: number;
  /** Its name and escape, e.g. `ESC (\x1b)`. */
  name: string;
}

/** Options of {@link findUnsafeChar}. */
export interface UnsafeCharOptions {
  /** Allow `\n`, `\r`, `\t` and U+2028/U+2029 (free text such as comments). */
  allowLineBreaks?: boolean;
}

/**
 * The first character of `text` that a stored value must not hold (control characters, lone
 * surrogates, bidirectional overrides, U+FEFF), or `undefined` when there is none.
 *
 * @example
 * ```ts
 * import { findUnsafeChar } from "./escape.ts";
 * findUnsafeChar("r1 20g"); // undefined
 * findUnsafeChar("r1\x1b[2J")?.name; // "ESC (\\x1b)"
 * findUnsafeChar("a\nb", { allowLineBreaks: true }); // undefined
 * ```
 */
export function findUnsafeChar(
  text: string,
  opts: UnsafeCharOptions = {},
): UnsafeChar | undefined {
  if (FAST_SAFE.test(text)) return undefined;
  const lines = opts.allowLineBreaks === true;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdfff) {
      if (isLoneSurrogate(text, i)) {
        return { index: i, code: c, name: `a lone surrogate (${escapeUnit(c)})` };
      }
      continue;
    }
    if (!isDisplayUnsafe(c)) continue;
    if (c === 0x061c || c === 0x200e || c === 0x200f) continue;
    if (lines && (c === 0x0a || c === 0x0d || c === 0x09 || c === 0x2028 || c === 0x2029)) {
      continue;
    }
    const kind = NAMES[c] ??
      (c >= 0x202a && c <= 0x2069 ? "the bidirectional control" : "the control character");
    return { index: i, code: c, name: `${kind} (${escapeUnit(c)})` };
  }
  return undefined;
}

/**
 * A problem message for a value holding an unsafe character, or `undefined` when it is clean:
 * `"contains ESC (\x1b) at position 4: …"`.
 *
 * @example
 * ```ts
 * import { unsafeCharProblem } from "./escape.ts";
 * unsafeCharProblem("ab\x00", "the operator"); // "the operator contains NUL (\\x00) at position 3; …"
 * ```
 */
export function unsafeCharProblem(
  text: string,
  what: string,
  opts: UnsafeCharOptions = {},
): string | undefined {
  const bad = findUnsafeChar(text, opts);
  if (!bad) return undefined;
  return `${what} contains ${bad.name} at position ${bad.index + 1}; ` +
    "control characters are not stored (fix the file)";
}
