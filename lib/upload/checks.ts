/**
 * The checks of the original `upload_test_results` step, made thorough: command-line
 * overrides, the keys a test run must have, refusal of an unedited prototype (every leftover
 * `"some_string"` placeholder by JSON path), and the dtoIn actually sent (keys the service does
 * not take are left out, and said).
 *
 * @module
 */
import { InputError, type Problem } from "../errors.ts";
import { suggest } from "../suggest.ts";
import { findUnsafeChar } from "../escape.ts";
import { findPlaceholders, isPrototypeDefault, STRING_PLACEHOLDER } from "../schemas/prototype.ts";
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
const REQUIRED_KEYS: Readonly<Record<string, string>> = {
  component: "set it in the file or pass --component-id",
  testType: "set it in the file (a test type code, e.g. IV_MEASURE)",
  institution: "set it in the file or pass --institution",
  runNumber: 'set it in the file (text, e.g. "1")',
  passed: "set it in the file (true or false)",
  results: "set it in the file (an object {code: value})",
};

/** Whose a run is: a run built without them says `null` (see {@link identified}). */
type Whose = { component: string | null; institution: string | null };

/**
 * The run, checked to name its component and its institution, and typed so: a run the analysis
 * built (`component: null` when none was given) becomes the input of `uploadTestRunResults`
 * without a cast. Throws {@link InputError} at `$.component` / `$.institution`, saying what to
 * do, when one of them is missing.
 *
 * @example
 * ```ts
 * import { identified } from "./checks.ts";
 * const run = { component: "20UPGM20000001" as string | null, institution: "SANDBOX_A" as string | null };
 * identified(run).component.length; // 14 (a string now, not string | null)
 * ```
 */
export function identified<R extends Whose>(
  run: R,
): R & { component: string; institution: string } {
  if (hasIdentity(run)) return run;
  const problems: Problem[] = [];
  for (const key of ["component", "institution"] as const) {
    if (!run[key]) problems.push({ path: `$.${key}`, message: `missing: ${REQUIRED_KEYS[key]}` });
  }
  throw new InputError("the test run does not say whose it is: nothing was sent", problems);
}

function hasIdentity<R extends Whose>(
  run: R,
): run is R & { component: string; institution: string } {
  return !!run.component && !!run.institution;
}

/** Options of {@link checkTestRun}. */
export interface CheckTestRunOptions {
  /**
   * Accept a run whose every property and result is still a prototype default (0, 0.0, false):
   * `--allow-default-values`. By default such a run is refused as an unedited prototype.
   */
  allowDefaultValues?: boolean;
}

/** The keys that name a run: one line of text, no control characters at all. */
const IDENTITY_KEYS = ["component", "testType", "institution", "runNumber"] as const;

/**
 * The original step's checks: every key of {@link REQUIRED_KEYS} present (not null), no
 * `"some_string"` placeholder left anywhere, and — unless `allowDefaultValues` — not every
 * property and result still the prototype's default (see {@link defaultValuesProblem}); the
 * identity keys are text without control characters. Every problem is listed, each with its
 * JSON path.
 *
 * @example
 * ```ts
 * import { checkTestRun } from "./checks.ts";
 * checkTestRun({ component: null, testType: "X", institution: "A", runNumber: "1", passed: true,
 *   results: { NOTE: "some_string" } }).map((p) => p.path);
 * // ["$.component", "$.results.NOTE"]
 * ```
 */
export function checkTestRun(doc: JsonObject, opts: CheckTestRunOptions = {}): Problem[] {
  const problems: Problem[] = [];
  for (const [key, hint] of Object.entries(REQUIRED_KEYS)) {
    const v = doc[key];
    if (v === undefined || v === null) {
      problems.push({ path: `$.${key}`, message: `missing: ${hint}` });
    }
  }
  for (const key of IDENTITY_KEYS) {
    const v = doc[key];
    const bad = typeof v === "string" ? findUnsafeChar(v) : undefined;
    if (bad) {
      problems.push({
        path: `$.${key}`,
        message: `holds ${bad.name}: a ${key} is one line of text without control characters`,
      });
    }
  }
  const placeholders = findPlaceholders(doc);
  if (placeholders.length === 0 && !opts.allowDefaultValues) {
    const unedited = defaultValuesProblem(doc);
    if (unedited) problems.push(unedited);
  }
  for (const path of placeholders) {
    problems.push({
      path,
      message: `still the prototype placeholder ${JSON.stringify(STRING_PLACEHOLDER)}: ` +
        "replace it with the real value (or remove the key if it is optional)",
    });
  }
  return problems;
}

/**
 * The problem of a run whose every property and result is still a prototype default (0, 0.0,
 * false, `"some_string"`, lists and objects of those): an unedited prototype, perhaps with its
 * placeholder lines removed. `undefined` when some value was filled in (or there is none).
 *
 * @example
 * ```ts
 * import { defaultValuesProblem } from "./checks.ts";
 * defaultValuesProblem({ runNumber: "0-0", properties: {}, results: { MEAN: 0.0, N: 0 } })?.path;
 * // "$.results"
 * defaultValuesProblem({ runNumber: "1", results: { MEAN: 8.7 } }); // undefined
 * ```
 */
export function defaultValuesProblem(doc: JsonObject): Problem | undefined {
  const values: unknown[] = [];
  for (const key of ["properties", "results"]) {
    const map = doc[key];
    if (map && typeof map === "object" && !Array.isArray(map)) values.push(...Object.values(map));
  }
  if (values.length === 0 || !values.every(isPrototypeDefault)) return undefined;
  return {
    path: "$.results",
    message: "every property and result is still the prototype's default (0, 0.0, false" +
      (doc.runNumber === "0-0" ? '; runNumber "0-0"' : "") +
      "): an unedited prototype is not uploaded; fill in the values, or pass " +
      "--allow-default-values if these really are the measured values",
  };
}

/** The top-level keys `uploadTestRunResults` takes. */
const UPLOAD_KEYS: readonly string[] = [
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
