/**
 * Validation of a test run against its test type definition, with a zod schema built at run
 * time from the definition's fields: every problem is reported at once, each with its JSON path
 * (`$.results.CURRENT[3]`), and keys the test type does not define are reported separately
 * (the service would store them without a data type).
 *
 * @module
 */
import { z } from "zod";
import { type Problem, summarizeProblems } from "../errors.ts";
import { suggest } from "../suggest.ts";
import { jsonPath, jsonPathStep, valuesObjectSchema } from "../schemas/field_values.ts";
import { EXPECTED, problemFromIssue, valueAt } from "../schemas/value_words.ts";
import type { FieldDefinition, TestType } from "../schemas/test_type.ts";

type JsonMap = Record<string, unknown>;

const isDate = (s: string) => !Number.isNaN(Date.parse(s));

/**
 * The zod schema of an upload of `testType`: the top-level keys of `uploadTestRunResults` and
 * `properties` / `results` checked field by field against the definition (data type, array or
 * single, required, code table, compound children).
 *
 * @example
 * ```ts
 * import { testRunSchema } from "./schema.ts";
 * const schema = testRunSchema({
 *   id: "1", code: "T", properties: [],
 *   parameters: [{ code: "X", dataType: "float", valueType: "single", required: true }],
 * });
 * schema.safeParse({ component: "C", testType: "T", institution: "I", runNumber: "1",
 *   passed: true, problems: false, results: { X: "a" } }).success; // false
 * ```
 */
export function testRunSchema(testType: TestType): z.ZodType {
  const code = testType.code;
  const text = (what: string) =>
    z.string({ error: `${EXPECTED}${what}` }).min(1, { message: `${EXPECTED}${what}` });
  const date = `${EXPECTED}a date like 2024-05-17T10:00:00.000Z`;
  const map = `${EXPECTED}an object {code: value}`;
  return z.looseObject({
    component: text("a component serial number or code"),
    testType: z.literal(code, { error: `${EXPECTED}${JSON.stringify(code)}` }),
    institution: text("an institution code"),
    runNumber: text('a run number like "1"'),
    date: z.string({ error: date }).refine(isDate, { message: date }).optional(),
    passed: z.boolean({ error: `${EXPECTED}true or false` }),
    problems: z.boolean({ error: `${EXPECTED}true or false` }).optional(),
    properties: z.preprocess(
      (v) => v ?? {},
      z.record(z.string(), z.unknown(), { error: map })
        .pipe(valuesObjectSchema(testType.properties ?? []) as z.ZodType<unknown, JsonMap>),
    ),
    results: z.preprocess(
      (v) => v ?? {},
      z.record(z.string(), z.unknown(), { error: map })
        .pipe(valuesObjectSchema(testType.parameters ?? []) as z.ZodType<unknown, JsonMap>),
    ),
  });
}

/** What {@link validateTestRun} found. */
export interface TestRunValidation {
  /** Every value that the test type refuses (wrong type, missing, outside the code table). */
  problems: Problem[];
  /** Keys of `properties` / `results` the test type does not define (JSON paths + hint). */
  unknown: Problem[];
}

/**
 * Validates a test run (`{component, testType, …, properties, results}`) against its test type;
 * lists every problem with its JSON path, problems of one kind in many list elements as one
 * (see `summarizeProblems`). Linear in the size of the run.
 *
 * @example
 * ```ts
 * import { validateTestRun } from "./schema.ts";
 * const tt = { id: "1", code: "T", parameters: [
 *   { code: "N", dataType: "integer", valueType: "single", required: true },
 *   { code: "V", dataType: "float", valueType: "array", required: true },
 * ] };
 * const v = validateTestRun({ component: "C", testType: "T", institution: "I",
 *   runNumber: "1", passed: true, results: { N: 1.5, V: [1, "x"], M: 1 } }, tt);
 * v.problems.map((p) => p.path); // ["$.results.N", "$.results.V[1]"]
 * v.unknown.map((p) => p.path); // ["$.results.M"]
 * ```
 */
export function validateTestRun(doc: unknown, testType: TestType): TestRunValidation {
  const problems: Problem[] = [];
  const seen = new Set<string>();
  const result = testRunSchema(testType).safeParse(doc);
  if (!result.success) {
    for (const issue of result.error.issues) {
      const value = valueAt(doc, issue.path);
      const last = issue.path[issue.path.length - 1];
      const { path, message } = (value === undefined || value === null) && typeof last !== "number"
        ? {
          path: jsonPath(issue.path),
          message: `required by test type ${testType.code} but missing`,
        }
        : problemFromIssue(issue, doc);
      const key = `${path}\u0000${message}`;
      if (seen.has(key)) continue;
      seen.add(key);
      problems.push({ path, message });
    }
  }
  const unknown = [
    ...unknownKeys(doc, "properties", testType.properties ?? [], testType.code),
    ...unknownKeys(doc, "results", testType.parameters ?? [], testType.code),
  ];
  return { problems: summarizeProblems(problems), unknown };
}

function unknownKeys(
  doc: unknown,
  key: "properties" | "results",
  fields: readonly FieldDefinition[],
  code: string,
): Problem[] {
  const values = (doc as Record<string, unknown> | null)?.[key];
  if (!values || typeof values !== "object" || Array.isArray(values)) return [];
  const known = fields.map((f) => f.code);
  const knownSet = new Set(known);
  return Object.keys(values).filter((k) => !knownSet.has(k)).slice(0, 100).map((k) => {
    const close = suggest(k, known);
    return {
      path: `$.${key}${jsonPathStep(k)}`,
      message: `not defined by test type ${code}` +
        (close ? ` (did you mean ${close}?)` : ` (it defines: ${known.join(", ") || "none"})`) +
        "; the service would store it without a data type",
    };
  });
}
