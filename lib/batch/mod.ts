/**
 * The batch upload engine: many modules' files → plan (validate, resolve, look up) → upload
 * exactly once with a durable journal → reconcile with other writers on the server → report.
 * Shared by `deno task batch-upload`, the demo and the notebooks.
 *
 * ```ts ignore
 * import { discoverInputs, Journal, planBatch, runBatch } from "./mod.ts";
 * const files = await discoverInputs("data/");
 * const plan = await planBatch(client, files, { mapping, institution: "SANDBOX_A" });
 * const journal = Journal.open("batch.journal.sqlite");
 * const report = await runBatch(client, plan, { journal, concurrency: 8 });
 * ```
 *
 * @module
 */
export * from "./discover.ts";
export * from "./manifest.ts";
export * from "./prepare_item.ts";
export * from "./plan.ts";
export * from "./journal.ts";
export * from "./reconcile.ts";
export * from "./runner.ts";
export * from "./attach.ts";
export * from "./report.ts";
export * from "./qc.ts";
export * from "./unregistered.ts";
export * from "./batch.ts";
export * from "./institutions.ts";
