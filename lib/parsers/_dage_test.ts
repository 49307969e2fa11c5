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
 * A TEST line of the plain DAGE shape, from its start to its end: index, grade code, load,
 * second value, flag and label. A field's text is printable ASCII other than a quote or a comma
 * (`[\x20\x21\x23-\x2b\x2d-\x7e]`); a number is written as `DECIMAL` (_lines.ts) reads it,
 * without spaces. Sticky: it is tried at `lastIndex`, the start of the line.
 *
 * The line is matched by the regular-expression engine (compiled to machine code once per
 * process), not by loops written here: a loop-heavy reader cost far more to optimise (once per
 * process, on V8's compiler threads) than it saved in reading.
 */
const PLAIN_TEST_LINE = new RegExp(
  '"TEST",(\\d{1,15}),"([\\x20\\x21\\x23-\\x2b\\x2d-\\x7e]+)",' +
    "([+-]?(?:\\d+\\.?\\d*|\\.\\d+)(?:[eE][+-]?\\d+)?)," +
    "([+-]?(?:\\d+\\.?\\d*|\\.\\d+)(?:[eE][+-]?\\d+)?)," +
    '"([\\x20\\x21\\x23-\\x2b\\x2d-\\x7e]*)","([\\x20\\x21\\x23-\\x2b\\x2d-\\x7e]*)"',
  "y",
);

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
  const re = PLAIN_TEST_LINE;
  re.lastIndex = start;
  const m = re.exec(text);
  if (m === null || re.lastIndex !== stop) return undefined;
  // The grade code as trimmed: no space at either end.
  const code = m[2];
  if (code.charCodeAt(0) === 32 || code.charCodeAt(code.length - 1) === 32) return undefined;
  const value = Number(m[3]);
  if (!Number.isFinite(value) || value < 0) return undefined;
  const secondValue = Number(m[4]);
  if (!inRange(secondValue, SECOND_VALUE_RANGE)) return undefined;
  const unit = header.loadUnit;
  const load = forceToGrams(value, unit);
  if (load === undefined || !inRange(load, LOAD_RANGE)) return undefined;
  // The label, trimmed (of spaces: the only white space a plain field holds).
  const label = m[6].trim();
  const gradeCode = memory.gradeCode = code === memory.gradeCode ? memory.gradeCode : code;
  const flag = memory.flag = m[5] === memory.flag ? memory.flag : m[5];
  return {
    line: lineNo,
    index: Number(m[1]),
    gradeCode,
    load,
    loadRaw: { value, unit },
    secondValue,
    flag,
    label: memory.label = label === memory.label ? memory.label : label,
    header,
  };
}
