/**
 * Analysis: wire-pull statistics, break modes, the `WIREBOND_PULL_TEST` and legacy `WIREBOND`
 * test runs, run numbers, IV results. Pure functions (only the mapping loader reads a file).
 *
 * ```ts
 * import { parseDage } from "../parsers/dage.ts";
 * import { DEFAULT_BREAK_MODE_MAPPING, wirebondPullTest } from "./mod.ts";
 * const parsed = parseDage('"LOADUNIT","g"\n"TEST",1,"1",10.5,0.02,"0","r1 20g"\n', "w.csv");
 * const { testRun, failedCuts } = wirebondPullTest(parsed, DEFAULT_BREAK_MODE_MAPPING);
 * console.log(testRun.results.PULL_STRENGTH, failedCuts.length);
 * ```
 *
 * @module
 */
export * from "./break_modes.ts";
export * from "./break_mode_file.ts";
export * from "./iv.ts";
export * from "./iv_conditions.ts";
export * from "./legacy_wirebond.ts";
export * from "./run_number.ts";
export * from "./stats.ts";
export * from "./wirepull.ts";
