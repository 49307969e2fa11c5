/**
 * Reading a site's production back from ITkPD: select test runs (test type, project, component
 * type, stages, states on the server; institutions, components, date range locally), refresh a
 * local `node:sqlite` cache with paging and bulk reads (only new or changed runs are fetched),
 * and turn the cached runs into tables (one row per run, or per wire pull) written as CSV or
 * JSON.
 *
 * @example
 * ```ts
 * import { RunCache, syncTestRuns } from "./mod.ts";
 * import { ItkpdClient } from "../client/mod.ts";
 * import { startSandbox } from "../sandbox/mod.ts";
 *
 * const sandbox = await startSandbox({});
 * const client = new ItkpdClient({ env: sandbox.env() });
 * using cache = new RunCache(":memory:");
 * try {
 *   const selection = { project: "P", componentType: "MODULE", testTypes: ["WIREBOND_PULL_TEST"] };
 *   const r = await syncTestRuns(client, cache, selection);
 *   console.log(r.listed, r.fetched); // 0 0 on an empty sandbox
 * } finally {
 *   client.close();
 *   await sandbox.close();
 * }
 * ```
 *
 * @module
 */
export * from "./selection.ts";
export * from "./record.ts";
export * from "./cache.ts";
export * from "./sync.ts";
export * from "./rows.ts";
export * from "./write.ts";
export * from "./export.ts";
export * from "./overview.ts";
