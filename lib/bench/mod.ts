/**
 * The benchmark of `deno task bench`: batch upload against one process per file, parsing
 * throughput against Python, peak memory of a large batch, and the start-up of the steps.
 *
 * @module
 */
export * from "./measure.ts";
export * from "./tasks.ts";
export * from "./batch_bench.ts";
export * from "./parse_bench.ts";
export * from "./plot_bench.ts";
export * from "./readback_bench.ts";
export * from "./startup_bench.ts";
