/**
 * The local ITkPD stand-in: a real HTTP server on 127.0.0.1 with durable `node:sqlite`
 * storage, a signed-token identity service, the catalogue, component and test-run commands of
 * the ITkPD API, and deliberate faults for testing clients.
 *
 * @example
 * ```ts
 * import { startSandbox } from "./mod.ts";
 * const sb = await startSandbox({ demoModules: 2, failRate: 0.1, seed: 1 });
 * console.log(sb.env().ITKDB_API_URL);
 * await sb.close();
 * ```
 *
 * @module
 */
export * from "./sandbox.ts";
export type { SandboxStats } from "./server.ts";
