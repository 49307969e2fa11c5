/**
 * Reading one DAGE TEST line: `"TEST",<index>,"<grade code>",<load>,<second>,"<flag>","<label>"`.
 *
 * @module
 */
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
  if (!INTEGER.test(f[1])) {
    return { error: `test index ${JSON.stringify(f[1])} is not a whole number` };
  }
  const gradeCode = f[2].trim();
  if (gradeCode === "") return { error: "grade code is empty" };
  const value = parseDecimal(f[3]);
  if (value === undefined) return { error: `load ${JSON.stringify(f[3])} is not a number` };
  if (value < 0) return { error: `load ${f[3].trim()} is negative` };
  const secondValue = parseDecimal(f[4]);
  if (secondValue === undefined) {
    return { error: `second value ${JSON.stringify(f[4])} is not a number` };
  }
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
