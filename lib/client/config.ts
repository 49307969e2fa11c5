/**
 * Client configuration: defaults, the environment variables of the original tools and of
 * itkdb, and the merge of explicit options over the environment.
 *
 * Sites:
 * - current host (default): `https://itkpd.unicornuniversity.net/`, scope
 *   `openid https://itkpd.unicornuniversity.net`;
 * - old host, used by the original scripts: `https://itkpd-test.unicorncollege.cz/`, scope
 *   `openid https://itkpd-test.unicorncollege.cz` (set both `ITKDB_API_URL` and
 *   `ITKDB_ACCESS_SCOPE` to use it).
 *
 * @module
 */
import { UsageError } from "../errors.ts";
import { type EnvRecord, readEnv } from "./env.ts";

/** The current ITkPD site (default). */
export const DEFAULT_API_URL = "https://itkpd.unicornuniversity.net/";
/** The identity service (grantToken, listKeys). */
export const DEFAULT_AUTH_URL =
  "https://uuidentity.plus4u.net/uu-oidc-maing02/bb977a99f4cc4c37a2afce3fd599d0a7/oidc/";
/** OIDC scope for the current site. */
const DEFAULT_SCOPE = "openid https://itkpd.unicornuniversity.net";
/** Expected `aud` of tokens for the current site. */
export const DEFAULT_AUDIENCE = "https://itkpd.unicornuniversity.net";
/** Clock-skew leeway in seconds (itkdb's `ITKDB_LEEWAY` default). */
const DEFAULT_LEEWAY_SECONDS = 2;
/** Renew a token when this many seconds or fewer are left (as itkdb does). */
export const DEFAULT_RENEW_BEFORE_SECONDS = 15;
/** Per-request time limit. */
export const DEFAULT_TIMEOUT_MS = 60_000;
/** Retries after the first attempt. */
export const DEFAULT_RETRIES = 4;
/** Base delay of the exponential backoff. */
export const DEFAULT_RETRY_BASE_MS = 250;

/** Connection and credential settings, as read from options or the environment. */
export interface ConnectionSettings {
  /** Site URL (`ITKDB_API_URL`, old name `ITKDB_SITE_URL`). */
  apiUrl?: string;
  /** Identity service URL (`ITKDB_AUTH_URL`). */
  authUrl?: string;
  /** OIDC scope (`ITKDB_ACCESS_SCOPE`). */
  scope?: string;
  /** Expected token audience (`ITKDB_ACCESS_AUDIENCE`); default: the scope's non-openid part. */
  audience?: string;
  /** Access code 1 (`ITKDB_ACCESS_CODE1`). */
  accessCode1?: string;
  /** Access code 2 (`ITKDB_ACCESS_CODE2`). */
  accessCode2?: string;
  /** Clock-skew leeway in seconds (`ITKDB_LEEWAY`). */
  leewaySeconds?: number;
  /** A token obtained earlier (`ITK_DB_AUTH`). */
  token?: string;
  /** Its expiry, unix seconds (`ITK_DB_AUTH_EXPIRES_AT`). */
  tokenExpiresAt?: number;
}

/** Settings with every default filled in and URLs ending in "/". */
export interface ResolvedConnection {
  apiUrl: string;
  authUrl: string;
  scope: string;
  audience: string;
  accessCode1?: string;
  accessCode2?: string;
  leewaySeconds: number;
  token?: string;
  tokenExpiresAt?: number;
}

/**
 * Reads every supported environment variable (see `ENV_NAMES`). A variable that is unset,
 * empty or not granted by `--allow-env` is left out. `ITKDB_API_URL` wins over its old name
 * `ITKDB_SITE_URL`.
 *
 * @param env An injected environment instead of the process's.
 * @throws {UsageError} when `ITKDB_LEEWAY` or `ITK_DB_AUTH_EXPIRES_AT` is not a number.
 *
 * @example
 * ```ts
 * import { configFromEnv } from "./config.ts";
 * const settings = configFromEnv({ ITKDB_SITE_URL: "http://127.0.0.1:8080/api" });
 * settings.apiUrl; // "http://127.0.0.1:8080/api/"
 * ```
 */
export function configFromEnv(env?: EnvRecord): ConnectionSettings {
  const out: ConnectionSettings = {};
  const apiUrl = readEnv("ITKDB_API_URL", env) ?? readEnv("ITKDB_SITE_URL", env);
  if (apiUrl) out.apiUrl = normalizeUrl(apiUrl, "ITKDB_API_URL");
  const authUrl = readEnv("ITKDB_AUTH_URL", env);
  if (authUrl) out.authUrl = normalizeUrl(authUrl, "ITKDB_AUTH_URL");
  const scope = readEnv("ITKDB_ACCESS_SCOPE", env);
  if (scope) out.scope = scope;
  const audience = readEnv("ITKDB_ACCESS_AUDIENCE", env);
  if (audience) out.audience = audience;
  const code1 = readEnv("ITKDB_ACCESS_CODE1", env);
  if (code1) out.accessCode1 = code1;
  const code2 = readEnv("ITKDB_ACCESS_CODE2", env);
  if (code2) out.accessCode2 = code2;
  const leeway = readEnv("ITKDB_LEEWAY", env);
  if (leeway) out.leewaySeconds = parseNumber(leeway, "ITKDB_LEEWAY");
  const token = readEnv("ITK_DB_AUTH", env);
  if (token) out.token = token;
  const expires = readEnv("ITK_DB_AUTH_EXPIRES_AT", env);
  if (expires) out.tokenExpiresAt = parseNumber(expires, "ITK_DB_AUTH_EXPIRES_AT");
  return out;
}

/**
 * Merges explicit settings over the environment's and fills in the defaults.
 *
 * @example
 * ```ts
 * import { resolveConnection } from "./config.ts";
 * const c = resolveConnection({ apiUrl: "http://127.0.0.1:1/api" }, {});
 * c.apiUrl; // "http://127.0.0.1:1/api/"
 * c.audience; // "https://itkpd.unicornuniversity.net"
 * ```
 */
export function resolveConnection(
  options: ConnectionSettings,
  fromEnv: ConnectionSettings,
): ResolvedConnection {
  const pick = <K extends keyof ConnectionSettings>(key: K) =>
    options[key] !== undefined ? options[key] : fromEnv[key];
  const scope = pick("scope") ?? DEFAULT_SCOPE;
  return {
    apiUrl: normalizeUrl(pick("apiUrl") ?? DEFAULT_API_URL, "apiUrl"),
    authUrl: normalizeUrl(pick("authUrl") ?? DEFAULT_AUTH_URL, "authUrl"),
    scope,
    audience: pick("audience") ?? audienceOfScope(scope),
    accessCode1: pick("accessCode1"),
    accessCode2: pick("accessCode2"),
    leewaySeconds: pick("leewaySeconds") ?? DEFAULT_LEEWAY_SECONDS,
    token: pick("token"),
    tokenExpiresAt: pick("tokenExpiresAt"),
  };
}

/**
 * The audience a scope asks for: its first part that is not `openid`.
 *
 * @example
 * ```ts
 * import { audienceOfScope } from "./config.ts";
 * audienceOfScope("openid https://itkpd-test.unicorncollege.cz"); // "https://itkpd-test.unicorncollege.cz"
 * ```
 */
export function audienceOfScope(scope: string): string {
  return scope.split(/\s+/).find((part) => part && part !== "openid") ?? DEFAULT_AUDIENCE;
}

/**
 * Checks that `url` is an http(s) URL and makes it end with "/".
 *
 * @param what The setting's name, for the error message.
 * @throws {UsageError} for anything that is not an http(s) URL.
 *
 * @example
 * ```ts
 * import { normalizeUrl } from "./config.ts";
 * normalizeUrl("https://itkpd.unicornuniversity.net"); // "https://itkpd.unicornuniversity.net/"
 * ```
 */
export function normalizeUrl(url: string, what = "URL"): string {
  let parsed: URL;
  try {
    parsed = new URL(url.trim());
  } catch {
    throw new UsageError(`${what} is not a valid URL: ${JSON.stringify(url)}`, {
      hint: `use a full URL such as ${DEFAULT_API_URL}`,
    });
  }
  if (parsed.protocol !== "https:" && parsed.protocol !== "http:") {
    throw new UsageError(`${what} must be an http(s) URL, got ${JSON.stringify(url)}`);
  }
  const text = parsed.href;
  return text.endsWith("/") ? text : `${text}/`;
}

function parseNumber(text: string, name: string): number {
  const n = Number(text);
  if (!Number.isFinite(n)) {
    throw new UsageError(`${name} must be a number, got ${JSON.stringify(text)}`);
  }
  return n;
}
