/**
 * zod shapes of test runs: the upload input (`uploadTestRunResults`), the summaries of
 * `listTestRunsByComponent` / `listTestRunsByTestType`, and full runs (`getTestRun`,
 * `getTestRunBulk`), whose properties and results come back as lists of `{code, value, …}`.
 *
 * @module
 */
import { z } from "zod";
import { AttachmentSchema } from "./attachment.ts";
import { CodeNameSchema, IdCodeNameSchema } from "./common.ts";

/** Input of `uploadTestRunResults` (what a test-run JSON file holds). */
export const TestRunUploadSchema = z.looseObject({
  component: z.string().min(1),
  testType: z.string().min(1),
  institution: z.string().min(1),
  runNumber: z.string().min(1),
  date: z.string().optional(),
  passed: z.boolean(),
  problems: z.boolean(),
  properties: z.record(z.string(), z.unknown()).default({}),
  results: z.record(z.string(), z.unknown()),
});
export type TestRunUpload = z.input<typeof TestRunUploadSchema>;

/** A property or result of a stored run. */
export const TestRunValueSchema = z.looseObject({
  code: z.string(),
  name: z.string().nullish(),
  dataType: z.string().nullish(),
  valueType: z.string().nullish(),
  value: z.unknown(),
});

/** A run summary of `listTestRunsByComponent`. */
export const TestRunSummarySchema = z.looseObject({
  id: z.string(),
  state: z.string().optional(),
  runNumber: z.string().nullish(),
  passed: z.boolean().nullish(),
  problems: z.boolean().nullish(),
  date: z.string().nullish(),
  cts: z.string().optional(),
  stage: CodeNameSchema.nullish(),
  institution: IdCodeNameSchema.nullish(),
  testType: IdCodeNameSchema,
});
export type TestRunSummary = z.infer<typeof TestRunSummarySchema>;

/** A full run of `getTestRun` / `getTestRunBulk`. */
export const TestRunSchema = TestRunSummarySchema.extend({
  properties: z.array(TestRunValueSchema).nullish(),
  results: z.array(TestRunValueSchema).nullish(),
  components: z.array(z.looseObject({
    code: z.string(),
    serialNumber: z.string().nullish(),
    testedAtStage: CodeNameSchema.nullish(),
  })).nullish(),
  attachments: z.array(AttachmentSchema).nullish(),
});
export type TestRun = z.infer<typeof TestRunSchema>;

/** The `{code: value}` map of a stored run's property or result list. */
export function valuesOf(list: { code: string; value?: unknown }[] | null | undefined) {
  const out: Record<string, unknown> = {};
  for (const item of list ?? []) out[item.code] = item.value;
  return out;
}
