/**
 * Reading one DAGE TEST line: `"TEST",<index>,"<grade code>",<load>,<second>,"<flag>","<label>"`.
 *
 * @module
 */
import { findUnsafeChar } from "../escape.ts";
import { LOAD_RANGE, rangeProblem, SECOND_VALUE_RANGE } from "../schemas/ranges.ts";
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
