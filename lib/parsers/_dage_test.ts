/**
 * Reading one DAGE TEST line: `"TEST",<index>,"<grade code>",<load>,<second>,"<flag>","<label>"`.
 *
 * @module
 */
import { findUnsafeChar } from "../escape.ts";
import { inRange, LOAD_RANGE, rangeProblem, SECOND_VALUE_RANGE } from "../schemas/ranges.ts";
import { parseCsvLine } from "./_csv.ts";
import { parseDecimal } from "./_lines.ts";
import type { DageHeader, DageTest } from "./dage_types.ts";
import { forceToGrams, KNOWN_FORCE_UNITS } from "./units.ts";

/** The shape of a TEST line, for messages. */
export const TEST_LINE_SHAPE =
  '"TEST",<index>,"<grade code>",<load>,<second value>,"<flag>","<label>"';

/** A TEST line read: the test, or why it is rejected. */
export type TestLineResult =
  | { test: DageTest; error?: undefined }
  | { test?: undefined; error: string };

const INTEGER = /^\s*\d+\s*$/;

/** Reads the TEST line `line` (number `lineNo`) under `header` (undefined: none before it). */
export function parseTestLine(
  line: string,
  lineNo: number,
  header: DageHeader | undefined,
): TestLineResult {
  const parsed = parseCsvLine(line);
  if (parsed.error !== undefined) return { error: `TEST line cannot be read: ${parsed.error}` };
  const f = parsed.fields;
  if (f.length !== 7) {
    return {
      error: `TEST line has ${f.length} fields, expected 7 (${TEST_LINE_SHAPE})` +
        (f.length < 7 ? "; truncated?" : "; a decimal comma or an unquoted comma?"),
    };
  }
  if (!INTEGER.test(f[1]) || !Number.isSafeInteger(Number(f[1]))) {
    return { error: `test index ${shortText(f[1])} is not a whole number` };
  }
  const gradeCode = f[2].trim();
  if (gradeCode === "") return { error: "grade code is empty" };
  for (const [what, text] of [["grade code", f[2]], ["flag", f[5]], ["label", f[6]]]) {
    const bad = findUnsafeChar(text);
    if (bad) {
      return { error: `${what} contains ${bad.name}: control characters are not accepted` };
    }
  }
  const value = parseDecimal(f[3]);
  if (value === undefined) return { error: `load ${shortText(f[3])} is not a number` };
  if (!Number.isFinite(value)) {
    return { error: `load ${shortText(f[3])} is too large to be a finite number` };
  }
  if (value < 0) return { error: `load ${f[3].trim()} is negative` };
  const secondValue = parseDecimal(f[4]);
  if (secondValue === undefined) {
    return { error: `second value ${shortText(f[4])} is not a number` };
  }
  const secondBad = rangeProblem(secondValue, SECOND_VALUE_RANGE);
  if (secondBad) return { error: `second value ${shortText(f[4])}: ${secondBad}` };
  if (header === undefined) {
    return { error: "TEST line before any header block: the load unit (LOADUNIT) is unknown" };
  }
  const unit = header.loadUnit;
  if (unit === undefined) {
    return {
      error: `the header block of line ${header.line} has no LOADUNIT: the load unit is unknown`,
    };
  }
  const load = forceToGrams(value, unit);
  if (load === undefined) {
    return {
      error: `load unit ${JSON.stringify(unit)} (header line ${header.line}) is not known ` +
        `(known: ${KNOWN_FORCE_UNITS.join(", ")})`,
    };
  }
  const loadBad = rangeProblem(load, LOAD_RANGE);
  if (loadBad) {
    return {
      error: `load ${shortText(f[3])} ${unit} is ${Number(load.toPrecision(6))} g: ${loadBad} ` +
        "(no pull tester measures more than 100 kg)",
    };
  }
  return {
    test: {
      line: lineNo,
      index: Number(f[1]),
      gradeCode,
      load,
      loadRaw: { value, unit },
      secondValue,
      flag: f[5],
      label: f[6].trim(),
      header,
    },
  };
}

/** A field's text for a message: quoted, and cut to 24 characters (a number may be huge). */
function shortText(text: string): string {
  const t = text.trim();
  return t.length > 24
    ? `${JSON.stringify(t.slice(0, 20))}… (${t.length.toLocaleString("en")} characters)`
    : JSON.stringify(t);
}

/**
 * The texts of the previous plain TEST line: a grade code, flag or label equal to the previous
 * one is taken as that string, not copied again (a file has a handful of each).
 */
export interface PlainLineMemory {
  gradeCode: string;
  flag: string;
  label: string;
}

/**
 * Reads a TEST line of the plain DAGE shape, `"TEST",<digits>,"<code>",<decimal>,<decimal>,
 * "<flag>","<label>"` (printable ASCII, no quote or comma inside a field), straight from the
 * file's text, whose every value passes the checks of {@link parseTestLine}; `undefined` for any
 * other line, which {@link parseTestLine} then reads (and, if it must, rejects with its reason).
 * For a line it reads, the test is the one {@link parseTestLine} gives.
 */
export function readPlainTestLine(
  text: string,
  start: number,
  stop: number,
  lineNo: number,
  header: DageHeader | undefined,
  memory: PlainLineMemory = { gradeCode: "", flag: "", label: "" },
): DageTest | undefined {
  if (header === undefined || header.loadUnit === undefined) return undefined;
  // "TEST",
  if (
    stop - start < 7 || text.charCodeAt(start) !== 34 || text.charCodeAt(start + 1) !== 84 ||
    text.charCodeAt(start + 2) !== 69 || text.charCodeAt(start + 3) !== 83 ||
    text.charCodeAt(start + 4) !== 84 || text.charCodeAt(start + 5) !== 34 ||
    text.charCodeAt(start + 6) !== 44
  ) return undefined;
  let p = start + 7;
  // <digits>, (at most 15: a safe integer)
  let index = 0;
  const indexStart = p;
  for (let c = text.charCodeAt(p); c >= 48 && c <= 57; c = text.charCodeAt(++p)) {
    index = index * 10 + (c - 48);
  }
  if (p === indexStart || p - indexStart > 15 || p >= stop || text.charCodeAt(p) !== 44) {
    return undefined;
  }
  // "<grade code>", (not empty, no space at either end: as trimmed)
  const codeStart = p + 2;
  const codeEnd = plainQuoted(text, p + 1, stop);
  if (codeEnd < 0 || codeEnd === codeStart || text.charCodeAt(codeEnd + 1) !== 44) return undefined;
  if (text.charCodeAt(codeStart) === 32 || text.charCodeAt(codeEnd - 1) === 32) return undefined;
  // <load>,<second value>,
  const number = DECIMAL_READ;
  if (!readDecimal(text, codeEnd + 2, stop, number) || text.charCodeAt(number.end) !== 44) {
    return undefined;
  }
  const value = number.value;
  if (!Number.isFinite(value) || value < 0) return undefined;
  const secondStart = number.end + 1;
  if (!readDecimal(text, secondStart, stop, number) || text.charCodeAt(number.end) !== 44) {
    return undefined;
  }
  const secondValue = number.value;
  if (!inRange(secondValue, SECOND_VALUE_RANGE)) return undefined;
  const secondEnd = number.end;
  // "<flag>","<label>" and the end of the line
  const flagEnd = plainQuoted(text, secondEnd + 1, stop);
  if (flagEnd < 0 || text.charCodeAt(flagEnd + 1) !== 44) return undefined;
  const labelEnd = plainQuoted(text, flagEnd + 2, stop);
  if (labelEnd < 0 || labelEnd + 1 !== stop) return undefined;
  const unit = header.loadUnit;
  const load = forceToGrams(value, unit);
  if (load === undefined || !inRange(load, LOAD_RANGE)) return undefined;
  // The label, trimmed (of spaces: the only white space a plain field holds).
  let labelStart = flagEnd + 3;
  let labelStop = labelEnd;
  while (labelStart < labelStop && text.charCodeAt(labelStart) === 32) labelStart++;
  while (labelStop > labelStart && text.charCodeAt(labelStop - 1) === 32) labelStop--;
  const gradeCode = memory.gradeCode = same(text, codeStart, codeEnd, memory.gradeCode);
  const flag = memory.flag = same(text, secondEnd + 2, flagEnd, memory.flag);
  const label = memory.label = same(text, labelStart, labelStop, memory.label);
  return {
    line: lineNo,
    index,
    gradeCode,
    load,
    loadRaw: { value, unit },
    secondValue,
    flag,
    label,
    header,
  };
}

/** `text[start, stop)`: `previous` when it holds the same characters, else a new string. */
function same(text: string, start: number, stop: number, previous: string): string {
  if (previous.length !== stop - start) return text.slice(start, stop);
  for (let i = 0; i < previous.length; i++) {
    if (previous.charCodeAt(i) !== text.charCodeAt(start + i)) return text.slice(start, stop);
  }
  return previous;
}

/**
 * For a field `"…"` whose opening quote is at `open`, holding printable ASCII other than a
 * quote or a comma: the position of its closing quote; -1 otherwise.
 */
function plainQuoted(text: string, open: number, stop: number): number {
  if (open >= stop || text.charCodeAt(open) !== 34) return -1;
  for (let p = open + 1; p < stop; p++) {
    const c = text.charCodeAt(p);
    if (c === 34) return p;
    if (c < 32 || c > 126 || c === 44) return -1;
  }
  return -1;
}

/** A number read by {@link readDecimal}: its value and where its text ends. */
interface DecimalRead {
  value: number;
  end: number;
}

/** The one result object of {@link readDecimal} (the parser is synchronous). */
const DECIMAL_READ: DecimalRead = { value: 0, end: 0 };

/** Powers of ten that doubles hold exactly (10^0 … 10^22). */
const EXACT_POWERS = Array.from({ length: 23 }, (_, k) => Number(`1e${k}`));

/**
 * Reads a decimal number written from `p` as {@link DECIMAL} reads it (no spaces) into `out`;
 * false when none is there. The value is the one `Number()` gives: computed directly when the
 * digits and the exponent allow an exact result (at most 15 significant digits, a power of ten
 * up to 10^22: one correctly rounded operation on exact operands), else by `Number()`.
 */
function readDecimal(text: string, p: number, stop: number, out: DecimalRead): boolean {
  const begin = p;
  let c = text.charCodeAt(p);
  const negative = c === 45;
  if (c === 43 || c === 45) c = text.charCodeAt(++p);
  let digits = 0;
  let mantissa = 0;
  let scale = 0; // digits after the decimal point
  for (; c >= 48 && c <= 57 && p < stop; c = text.charCodeAt(++p)) {
    digits++;
    mantissa = mantissa * 10 + (c - 48);
  }
  if (c === 46 && p < stop) {
    c = text.charCodeAt(++p);
    for (; c >= 48 && c <= 57 && p < stop; c = text.charCodeAt(++p)) {
      digits++;
      scale++;
      mantissa = mantissa * 10 + (c - 48);
    }
  }
  if (digits === 0) return false;
  let exponent = 0;
  if ((c === 101 || c === 69) && p < stop) {
    c = text.charCodeAt(++p);
    const negativeExponent = c === 45;
    if (c === 43 || c === 45) c = text.charCodeAt(++p);
    let exponentDigits = 0;
    for (; c >= 48 && c <= 57 && p < stop; c = text.charCodeAt(++p)) {
      exponentDigits++;
      if (exponent < 1e6) exponent = exponent * 10 + (c - 48);
    }
    if (exponentDigits === 0) return false;
    if (negativeExponent) exponent = -exponent;
  }
  out.end = p;
  const power = exponent - scale;
  if (digits <= 15 && power >= -22 && power <= 22) {
    const magnitude = power < 0 ? mantissa / EXACT_POWERS[-power] : mantissa * EXACT_POWERS[power];
    out.value = negative ? -magnitude : magnitude;
  } else {
    out.value = Number(text.slice(begin, p));
  }
  return true;
}
