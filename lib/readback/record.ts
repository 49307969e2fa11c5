/**
 * A read-back test run as the cache keeps it: the few fields the tables need, and its
 * properties and results as `{code: value}` maps (the service answers them as lists of
 * `{code, name, dataType, valueType, value, …}`). Pure.
 *
 * @module
 */
import { valuesOf } from "../schemas/test_run.ts";
import type { TestRun } from "../schemas/test_run.ts";

/** One test run as cached and exported. */
export interface RunRecord {
  id: string;
  /** Test type code. */
  testType: string;
  /** Serial number of the tested component (null when it has none). */
  serial: string | null;
  /** Code of the tested component. */
  component: string | null;
  /** Institution code. */
  institution: string | null;
  /** The run's date (ISO date-time). */
  date: string | null;
  runNumber: string | null;
  passed: boolean | null;
  problems: boolean | null;
  /** `ready`, `deleted`, … */
  state: string | null;
  /** Stage code. */
  stage: string | null;
  /** Property code → value. */
  properties: Record<string, unknown>;
  /** Result code → value. */
  results: Record<string, unknown>;
  /** The run's attachments (file name, code, content type, title). */
  attachments: {
    code: string;
    filename: string | null;
    contentType: string | null;
    title: string | null;
  }[];
}

/**
 * The record of a full run (as `getTestRun` / `getTestRunBulk` answer it).
 *
 * @example
 * ```ts
 * import { recordOf } from "./record.ts";
 * const r = recordOf({
 *   id: "r1", testType: { id: "t", code: "WIREBOND_PULL_TEST" }, passed: true,
 *   results: [{ code: "PULL_STRENGTH", value: 8.7 }],
 *   components: [{ code: "c1", serialNumber: "20UPGM20000001" }],
 * });
 * r.results.PULL_STRENGTH; // 8.7
 * ```
 */
export function recordOf(run: TestRun): RunRecord {
  const component = run.components?.[0];
  return {
    id: run.id,
    testType: run.testType.code,
    serial: component?.serialNumber ?? null,
    component: component?.code ?? null,
    institution: run.institution?.code ?? null,
    date: run.date ?? null,
    runNumber: run.runNumber ?? null,
    passed: run.passed ?? null,
    problems: run.problems ?? null,
    state: run.state ?? null,
    // A full run names its stage as its component's `testedAtStage` (summaries as `stage`).
    stage: run.stage?.code ?? component?.testedAtStage?.code ?? null,
    properties: valuesOf(run.properties),
    results: valuesOf(run.results),
    attachments: (run.attachments ?? []).map((a) => ({
      code: a.code,
      filename: a.filename ?? null,
      contentType: a.contentType ?? null,
      title: a.title ?? null,
    })),
  };
}
