/**
 * The checks of the original `upload_test_results` step, made thorough: command-line
 * overrides, the keys a test run must have, refusal of an unedited prototype (every leftover
 * `"some_string"` placeholder by JSON path), and the dtoIn actually sent (keys the service does
 * not take are left out, and said).
 *
 * @module
 */
import type { Problem } from "../errors.ts";
import { suggest } from "../suggest.ts";
import { findPlaceholders, STRING_PLACEHOLDER } from "../schemas/prototype.ts";
import type { JsonObject } from "./files.ts";

/** Values given on the command line that replace those of the file. */
export interface TestRunOverrides {
  /** `--component-id`: component code or serial number. */
  component?: string;
  /** `--institution`: institution code. */
  institution?: string;
  /** Run number. */
  runNumber?: string;
}

/**
 * A copy of `doc` with the overrides applied (unset overrides leave the file's values).
 *
 * @example
 * ```ts
 * import { applyOverrides } from "./checks.ts";
 * applyOverrides({ component: null }, { component: "20UPGM20000001" }).component;
 * // "20UPGM20000001"
 * ```
 */
export function applyOverrides(doc: JsonObject, overrides: TestRunOverrides): JsonObject {
  const out: JsonObject = { ...doc };
  for (const key of ["component", "institution", "runNumber"] as const) {
    const v = overrides[key];
    if (v !== undefined && v !== "") out[key] = v;
  }
  return out;
}

/** The keys the original step insisted on, and what to do when one is missing. */
export const REQUIRED_KEYS: Readonly<Record<string, string>> = {
  component: "set it in the file or pass --component-id",
  testType: "set it in the file (a test type code, e.g. IV_MEASURE)",
  institution: "set it in the file or pass --institution",
  runNumber: 'set it in the file (text, e.g. "1")',
  passed: "set it in the file (true or false)",
  results: "set it in the file (an object {code: value})",
};

/**
 * The original step's checks: every key of {@link REQUIRED_KEYS} present (not null), and no
 * `"some_string"` placeholder left anywhere (an unedited prototype). Every problem is listed,
 * each with its JSON path.
 *
 * @example
 * ```ts
 * import { checkTestRun } from "./checks.ts";
 * checkTestRun({ component: null, testType: "X", institution: "A", runNumber: "1", passed: true,
 *   results: { NOTE: "some_string" } }).map((p) => p.path);
 * // ["$.component", "$.results.NOTE"]
 * ```
 */
export function checkTestRun(doc: JsonObject): Problem[] {
  const problems: Problem[] = [];
  for (const [key, hint] of Object.entries(REQUIRED_KEYS)) {
    const v = doc[key];
    if (v === undefined || v === null) {
      problems.push({ path: `$.${key}`, message: `missing: ${hint}` });
    }
  }
  for (const path of findPlaceholders(doc)) {
    problems.push({
      path,
      message: `still the prototype placeholder ${JSON.stringify(STRING_PLACEHOLDER)}: ` +
        "replace it with the real value (or remove the key if it is optional)",
    });
  }
  return problems;
}

/** The top-level keys `uploadTestRunResults` takes. */
export const UPLOAD_KEYS: readonly string[] = [
  "component",
  "testType",
  "institution",
  "runNumber",
  "date",
  "passed",
  "problems",
  "properties",
  "results",
  "stage",
  "isRetroactive",
  "comments",
  "defects",
];

/** The dtoIn to send, and what was changed on the way. */
export interface DtoInOf {
  dtoIn: JsonObject;
  /** Notes for the user by JSON path: keys left out, defaults taken. */
  notices: Problem[];
}

/**
 * The dtoIn of `uploadTestRunResults` made from a test-run document: only the keys the command
 * takes (others, like the `definition` a verbose prototype holds, are left out with a notice);
 * `problems` defaults to false and `properties` to `{}` when absent.
 *
 * @example
 * ```ts
 * import { toDtoIn } from "./checks.ts";
 * const { dtoIn, notices } = toDtoIn({ testType: "X", problem: false, results: {} });
 * dtoIn.problems; // false
 * notices.length; // 2
 * ```
 */
export function toDtoIn(doc: JsonObject): DtoInOf {
  const dtoIn: JsonObject = {};
  const notices: Problem[] = [];
  for (const key of UPLOAD_KEYS) if (doc[key] !== undefined) dtoIn[key] = doc[key];
  for (const key of Object.keys(doc)) {
    if (UPLOAD_KEYS.includes(key)) continue;
    const close = suggest(key, [...UPLOAD_KEYS]);
    notices.push({
      path: `$.${key}`,
      message: "not sent: uploadTestRunResults does not take it" +
        (close && close !== key ? ` (did you mean "${close}"?)` : ""),
    });
  }
  if (dtoIn.problems === undefined || dtoIn.problems === null) {
    dtoIn.problems = false;
    notices.push({ path: "$.problems", message: "absent: sent as false" });
  }
  if (dtoIn.properties === undefined || dtoIn.properties === null) dtoIn.properties = {};
  return { dtoIn, notices };
}
