/**
 * The DAGE wire-pull CSV parser (SPEC §3): valid tests with their header blocks, and every
 * problem with `file:line`. A bad TEST line is reported and left out, never guessed.
 *
 * Speed: see `_dage_scan.ts` (the scanner), `_dage_header.ts` and `_dage_test.ts`.
 *
 * @module
 */
import { InputError, ParseError, type Problem } from "../errors.ts";
import { TEST_LINE_SHAPE } from "./_dage_test.ts";
import { scanDage } from "./_dage_scan.ts";
import type { DageParseResult, DageTest } from "./dage_types.ts";

export type { DageHeader, DageParseResult, DageTest, Quantity } from "./dage_types.ts";
export { MAX_LINE_PROBLEMS, MAX_TESTS } from "./_dage_scan.ts";

/**
 * Parses the text of a DAGE CSV file. Handles LF and CRLF, a byte-order mark, blank lines, one
 * header block per test or per many tests, load units other than grams (converted to grams).
 * Bad lines do not throw: see `errors` and `warnings`, and {@link requireTests}. A file beyond
 * the limits ({@link MAX_TESTS} TEST lines, a header block of more than 1000 lines) is refused
 * as a whole with a {@link ParseError}: memory stays bounded whatever the file holds.
 *
 * @example
 * ```ts
 * import { parseDage } from "./dage.ts";
 * const r = parseDage('"LOADUNIT","g"\n"TEST",1,"1",10.5,0.02,"0","r1 20g"\n', "a.csv");
 * r.tests[0].load; // 10.5
 * r.tests[0].header.loadUnit; // "g"
 * ```
 */
export function parseDage(text: string, file = "<input>"): DageParseResult {
  return scanDage(text, file);
}

/** A parse result that holds at least one valid test. */
export type DageParseResultWithTests = DageParseResult & { tests: [DageTest, ...DageTest[]] };

/**
 * Returns `result` when it holds at least one valid test; otherwise throws a
 * {@link ParseError} naming the file (and the first rejected line, if any) and listing why
 * each TEST line was rejected.
 *
 * @example
 * ```ts
 * import { parseDage, requireTests } from "./dage.ts";
 * try {
 *   requireTests(parseDage("nothing here\n", "x.csv"));
 * } catch (e) {
 *   (e as Error).message; // "x.csv: no valid TEST line …"
 * }
 * ```
 */
export function requireTests(result: DageParseResult): DageParseResultWithTests {
  if (result.tests.length > 0) return result as DageParseResultWithTests;
  const first = result.errors[0];
  const line = first ? Number(first.path.slice(first.path.lastIndexOf(":") + 1)) : undefined;
  const detail = result.errors.length === 0
    ? "no valid TEST line found (is this a DAGE wire-pull CSV export?)"
    : `no valid TEST line found; ${result.errors.length} line(s) rejected:`;
  throw new ParseError(result.file, line, detail, {
    hint: `a DAGE export has lines like ${TEST_LINE_SHAPE} after its header lines`,
    problems: result.errors,
  });
}

/**
 * Parses and insists on clean data: throws {@link ParseError} when there is no valid test and
 * {@link InputError} (with every problem) when any TEST line was rejected.
 */
export function parseDageStrict(text: string, file = "<input>"): DageParseResultWithTests {
  const result = requireTests(parseDage(text, file));
  if (result.errors.length > 0) {
    throw new InputError(`${file}: ${result.errors.length} TEST line(s) rejected`, result.errors, {
      hint: "fix or remove these lines, or use the non-strict parser to skip them",
    });
  }
  return result;
}

/** The serial number a DAGE file says it belongs to. */
export interface DageSerial {
  /** The `Serial Number` of its header blocks, when one is given (trimmed). */
  serial?: string;
  /** `file:line` of that `Serial Number` line. */
  where?: string;
  /** Header blocks naming different serial numbers (one file, several modules). */
  problems: Problem[];
}

/**
 * The `Serial Number` of a parsed DAGE file: empty fields are ignored; blocks that disagree are
 * problems (each at the line of the differing serial).
 *
 * @example
 * ```ts
 * import { dageSerial, parseDage } from "./dage.ts";
 * const r = parseDage('"Serial Number","20UPGM20000001"\n"LOADUNIT","g"\n"TEST",1,"1",9,0,"0","a"\n', "a.csv");
 * dageSerial(r).serial; // "20UPGM20000001"
 * ```
 */
export function dageSerial(result: Pick<DageParseResult, "file" | "headers">): DageSerial {
  const out: DageSerial = { problems: [] };
  for (const h of result.headers) {
    const serial = h.serialNumber?.trim();
    if (!serial) continue;
    const where = `${result.file}:${h.fieldLines["Serial Number"] ?? h.line}`;
    if (out.serial === undefined) {
      out.serial = serial;
      out.where = where;
    } else if (serial !== out.serial) {
      out.problems.push({
        path: where,
        message: `Serial Number ${JSON.stringify(serial)} differs from ${
          JSON.stringify(out.serial)
        } (${out.where}): one file must hold the pulls of one module`,
      });
    }
  }
  return out;
}
