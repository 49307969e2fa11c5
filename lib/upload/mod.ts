/**
 * The upload steps as a library, for scripts and notebooks alike: prototypes of test runs,
 * loading and checking a test-run file (overrides, the original's checks, validation of every
 * value against the test type definition with a zod schema built at run time, all problems at
 * once by JSON path), dry-run rendering, duplicate look-up, the upload; and building the
 * wire-bond and IV test runs from their files; attaching a raw file to its run at most once
 * (a step's source files: checked before the run is created, attached after).
 *
 * @example
 * ```ts
 * import { applyOverrides, checkTestRun, parseTestRunJson, validateTestRun } from "./mod.ts";
 * const doc = applyOverrides(
 *   parseTestRunJson('{"component": null, "testType": "T", "institution": null, ' +
 *     '"runNumber": "1", "passed": true, "problems": false, "results": {"X": "a"}}', "run.json"),
 *   { component: "20UPGM20000001", institution: "SANDBOX_A" },
 * );
 * checkTestRun(doc); // [] (nothing missing, no placeholder)
 * const v = validateTestRun(doc, { id: "1", code: "T", parameters: [
 *   { code: "X", dataType: "float", valueType: "single", required: true }] });
 * console.log(v.problems); // [{ path: "$.results.X", message: 'expected a number, got the text "a"' }]
 * ```
 *
 * @module
 */
export * from "./files.ts";
export * from "./data_files.ts";
export * from "./checks.ts";
export * from "./schema.ts";
export * from "./prepare_upload.ts";
export * from "./prototypes.ts";
export * from "./prototype_explain.ts";
export * from "./dage_inputs.ts";
export * from "./wirebond.ts";
export * from "./wirebond_summary.ts";
export * from "./wirebond_plots.ts";
export * from "./iv.ts";
export * from "./permissions.ts";
export * from "./upload_once.ts";
export * from "./step_output.ts";
export * from "./attach_once.ts";
export * from "./attach_sources.ts";
export * from "./guard.ts";
