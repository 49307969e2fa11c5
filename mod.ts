/**
 * itkpd: a toolkit for the ATLAS ITk Production Database (ITkPD). The typed client, the
 * parsers of DAGE wire-pull and IV files, the wire-pull analysis, the batch upload engine, the
 * local ITkPD stand-in (sandbox), plots, progress displays and the notebook helpers.
 *
 * ```ts
 * import {
 *   DEFAULT_BREAK_MODE_MAPPING,
 *   ItkpdClient,
 *   parseDage,
 *   startSandbox,
 *   upload,
 *   wirebondPullTest,
 * } from "./mod.ts";
 *
 * const sandbox = await startSandbox({ demoModules: 1 });
 * const client = new ItkpdClient({ env: sandbox.env() });
 * try {
 *   const parsed = parseDage('"LOADUNIT","g"\n"TEST",1,"1",10.5,0.02,"0","r1 20g"\n', "w.csv");
 *   const { testRun } = wirebondPullTest(parsed, DEFAULT_BREAK_MODE_MAPPING, {
 *     component: "20UPGM20000001",
 *     institution: "SANDBOX_A",
 *   });
 *   // The run says `component: string | null`: identified() checks it names both.
 *   const created = await client.uploadTestRunResults(upload.identified(testRun));
 *   console.log(created.id);
 * } finally {
 *   client.close();
 *   await sandbox.close();
 * }
 * ```
 *
 * @module
 */
export * from "./lib/errors.ts";
export * from "./lib/schemas/mod.ts";
export * from "./lib/client/mod.ts";
export * from "./lib/parsers/mod.ts";
/** Data files read from disk and parsed (the parsers themselves never read a file). */
export { loadBreakModeMapping, parseDageFile, parseIvFile } from "./lib/upload/data_files.ts";
export * from "./lib/analysis/mod.ts";
export * from "./lib/sandbox/mod.ts";
export * from "./lib/fixtures/mod.ts";
export * from "./lib/display/mod.ts";
export * from "./lib/plots/mod.ts";
export * from "./lib/progress/mod.ts";
export * from "./lib/notebook/mod.ts";
export * from "./lib/readback/mod.ts";

/** The batch upload engine (plan, journal, exactly-once runner, report). */
export * as batch from "./lib/batch/mod.ts";
/** The logic of the single-file steps (checks, prototypes, wire-bond and IV runs, upload once). */
export * as upload from "./lib/upload/mod.ts";
/** Component registration (catalogue choices, typed property input, non-interactive requests). */
export * as register from "./lib/register/mod.ts";
