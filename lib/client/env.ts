/**
 * Reading environment variables without tripping over Deno's permission model.
 *
 * Scripts run with a narrow `--allow-env=NAME,…`. Asking for a variable that was not granted
 * would throw `NotCapable` (or prompt); here a variable that is not granted is simply unset.
 *
 * @module
 */

/** An injected environment (tests, notebooks): name → value. */
export type EnvRecord = Record<string, string | undefined>;

/**
 * Every environment variable the client reads, in the order they are documented.
 *
 * - `ITKDB_API_URL` (old name `ITKDB_SITE_URL`): the site, default the current host.
 * - `ITKDB_AUTH_URL`: the identity service (grantToken, listKeys under it).
 * - `ITKDB_ACCESS_CODE1`, `ITKDB_ACCESS_CODE2`: the user's access codes.
 * - `ITKDB_ACCESS_SCOPE`, `ITKDB_ACCESS_AUDIENCE`: OIDC scope and the token's audience.
 * - `ITKDB_LEEWAY`: clock-skew leeway in seconds (default 2).
 * - `ITK_DB_AUTH`: a token obtained earlier (e.g. by the get-token script).
 * - `ITK_DB_AUTH_EXPIRES_AT`: its expiry, unix time in seconds.
 *
 * @example
 * ```ts
 * import { ENV_NAMES } from "./env.ts";
 * // deno run --allow-env=${ENV_NAMES.join(",")} …
 * console.log(ENV_NAMES.join(","));
 * ```
 */
export const ENV_NAMES = [
  "ITKDB_API_URL",
  "ITKDB_SITE_URL",
  "ITKDB_AUTH_URL",
  "ITKDB_ACCESS_CODE1",
  "ITKDB_ACCESS_CODE2",
  "ITKDB_ACCESS_SCOPE",
  "ITKDB_ACCESS_AUDIENCE",
  "ITKDB_LEEWAY",
  "ITK_DB_AUTH",
  "ITK_DB_AUTH_EXPIRES_AT",
] as const;

/**
 * The value of an environment variable, or `undefined` when it is unset, empty, or not granted
 * to this process. Never throws, never prompts.
 *
 * @param name The variable.
 * @param env An injected environment; when given, the process environment is not read.
 *
 * @example
 * ```ts
 * import { readEnv } from "./env.ts";
 * const url = readEnv("ITKDB_API_URL") ?? "https://itkpd.unicornuniversity.net/";
 * readEnv("ITKDB_API_URL", { ITKDB_API_URL: "http://127.0.0.1:8080/api/" });
 * ```
 */
export function readEnv(name: string, env?: EnvRecord): string | undefined {
  if (env) return nonEmpty(env[name]);
  try {
    const status = Deno.permissions.querySync({ name: "env", variable: name });
    if (status.state !== "granted") return undefined;
    return nonEmpty(Deno.env.get(name));
  } catch {
    return undefined;
  }
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === "" ? undefined : value.trim();
}
