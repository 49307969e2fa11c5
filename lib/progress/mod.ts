/**
 * Progress of long work (a batch upload, parsing many files), shown where the code runs: one
 * display updated in place in the `deno jupyter` kernel, one line on a terminal (a few lines in
 * a log), or nothing when silent. The batch engine reports through {@linkcode ProgressReporter};
 * loops in notebooks and scripts count with {@linkcode progress}.
 *
 * @example
 * ```ts
 * import { progress } from "./mod.ts";
 * const files = ["a.csv", "b.csv", "c.csv"];
 * const p = progress({ total: files.length, label: "parse", silent: true });
 * for (const _f of files) p.tick();
 * await p.done();
 * ```
 *
 * @module
 */
export * from "./reporter.ts";
export * from "./progress.ts";
export * from "./kernel_progress.ts";
export * from "./terminal_progress.ts";
export * from "./silent_progress.ts";
