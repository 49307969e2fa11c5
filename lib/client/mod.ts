/**
 * The ITkPD client: configuration from options or the environment, tokens (grantToken, JWT
 * checks, renewal, session file), GET-with-body reads over an HTTP/1.1 client of its own (HTTPS
 * over Deno's TLS, through the environment's proxies), typed commands, paging, bulk chunking,
 * safe retries and the error mapping.
 *
 * @example
 * ```ts
 * import { ItkpdClient } from "./mod.ts";
 * const client = new ItkpdClient({ env: { ITKDB_API_URL: "http://127.0.0.1:8080/api/" } });
 * try {
 *   // const modules = await client.listComponents({ project: "P", componentType: "MODULE" });
 * } finally {
 *   client.close();
 * }
 * ```
 *
 * @module
 */
export * from "./env.ts";
export * from "./config.ts";
export * from "./redact.ts";
export * from "./proxy.ts";
export * from "./tls_connect.ts";
export * from "./transport.ts";
export * from "./errors_map.ts";
export * from "./http.ts";
export * from "./session_file.ts";
export * from "./token_check.ts";
export * from "./grant_token.ts";
export * from "./auth.ts";
export * from "./commands.ts";
export * from "./checked_dtoin.ts";
export * from "./paging.ts";
export * from "./bulk.ts";
export * from "./client.ts";
