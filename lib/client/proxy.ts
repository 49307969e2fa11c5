/**
 * Outgoing proxies from the environment, chosen as Python requests (2.34, with its default
 * `trust_env`, on Linux) chooses them, so that a shell set up for itkdb or the original scripts
 * reaches ITkPD the same way.
 *
 * What is read (see {@link PROXY_ENV_NAMES}):
 * - `https_proxy` / `HTTPS_PROXY` for `https:` URLs, `http_proxy` / `HTTP_PROXY` for `http:`
 *   URLs, `all_proxy` / `ALL_PROXY` for either when the scheme's own is not set. The lower-case
 *   name wins; a lower-case name set to the empty string switches that proxy off even when the
 *   upper-case one is set (urllib's rule).
 * - `no_proxy` / `NO_PROXY`: hosts reached directly. A URL goes direct when either check says
 *   so (requests makes both):
 *   1. requests' own, on `no_proxy`, else `NO_PROXY` (spaces removed, comma-separated): for an
 *      IPv4 host, an entry equal to it or a CIDR block holding it (`10.0.0.0/8`); for a name,
 *      an entry equal to the host or to `host:port` (the port as written in the URL), or a
 *      domain suffix of either (`example.org` and `.example.org` both match
 *      `db.example.org`, never `badexample.org`);
 *   2. urllib's, on `no_proxy` (wins, even empty), else `NO_PROXY`: `*` alone means every host;
 *      otherwise an entry (trimmed, case-insensitive, leading dots ignored) equal to the host
 *      or a domain suffix of it.
 * - A proxy URL without a scheme means `http://`; without a port, port 80. User and password in
 *   it (percent-encoded) are sent as `Proxy-Authorization: Basic …` and never shown: messages
 *   name a proxy as `host:port`, and the password is registered with `redact`.
 *
 * Not supported (one clear line when such a proxy would be used): `https://` and `socks…://`
 * proxies. Not read: the CGI rule that drops `HTTP_PROXY` when `REQUEST_METHOD` is set, and the
 * system proxy settings of macOS and Windows.
 *
 * @module
 */
import { UsageError } from "../errors.ts";
import type { EnvRecord } from "./env.ts";
import { addSecret } from "./redact.ts";

/** The environment variables read for proxies (both cases; lower-case wins). */
export const PROXY_ENV_NAMES = [
  "HTTPS_PROXY",
  "https_proxy",
  "HTTP_PROXY",
  "http_proxy",
  "ALL_PROXY",
  "all_proxy",
  "NO_PROXY",
  "no_proxy",
] as const;

/** A proxy setting as found: its value and the variable it came from. */
export interface ProxySetting {
  /** The value as set (may hold credentials: never show it). */
  value: string;
  /** The variable, e.g. `HTTPS_PROXY`. */
  variable: string;
}

/** Proxy settings read from an environment. */
export interface ProxyConfig {
  /** The proxy per URL scheme; `all` serves a scheme that has none. */
  proxies: Partial<Record<"http" | "https" | "all", ProxySetting>>;
  /** The hosts reached directly, as requests reads them (`no_proxy`, else `NO_PROXY`). */
  noProxy?: string;
  /** The same, as urllib reads them (`no_proxy` wins even when empty). */
  noProxyUrllib?: string;
}

/** A proxy to use for one URL. */
export interface ProxyServer {
  /** Host name or IP (IPv6 without brackets). */
  hostname: string;
  /** TCP port (default 80). */
  port: number;
  /** `host:port`, for messages (never credentials). */
  display: string;
  /** `Basic …` when the proxy URL holds a user name. */
  authorization?: string;
  /** The variable it came from, for messages (`HTTPS_PROXY`). */
  variable: string;
  /** The value as set (holds the credentials, if any: never show it). */
  value: string;
}

/**
 * Reads the proxy variables from `env`, or from the process. As for every variable (see
 * env.ts), one that `--allow-env` does not grant is taken as unset: the tasks grant all of
 * {@link PROXY_ENV_NAMES}; a hand-made `deno run` line must grant them too.
 *
 * @example
 * ```ts
 * import { proxyConfigFromEnv } from "./proxy.ts";
 * const config = proxyConfigFromEnv({ HTTPS_PROXY: "http://proxy.lab:3128", NO_PROXY: ".cern.ch" });
 * config.proxies.https?.variable; // "HTTPS_PROXY"
 * ```
 */
export function proxyConfigFromEnv(env?: EnvRecord): ProxyConfig {
  const get = env ? (name: string) => env[name] : readProcessEnv;
  const config: ProxyConfig = { proxies: {} };
  for (const scheme of ["http", "https", "all"] as const) {
    const found = urllibValue(get, `${scheme}_proxy`);
    if (found) config.proxies[scheme] = found;
  }
  const lower = get("no_proxy");
  const upper = get("NO_PROXY");
  const requestsNoProxy = lower || upper;
  if (requestsNoProxy) config.noProxy = requestsNoProxy;
  const urllibNoProxy = urllibValue(get, "no_proxy");
  if (urllibNoProxy) config.noProxyUrllib = urllibNoProxy.value;
  return config;
}

/**
 * The proxy to use for `url`, or `undefined` to connect directly.
 *
 * @throws {UsageError} when the chosen proxy is not a usable `http://` proxy URL.
 *
 * @example
 * ```ts
 * import { proxyConfigFromEnv, proxyFor } from "./proxy.ts";
 * const config = proxyConfigFromEnv({ https_proxy: "proxy.lab:3128", no_proxy: "cern.ch" });
 * proxyFor("https://itkpd.unicornuniversity.net/getComponent", config)?.display; // "proxy.lab:3128"
 * proxyFor("https://db.cern.ch/", config); // undefined: direct
 * ```
 */
export function proxyFor(url: string | URL, config: ProxyConfig): ProxyServer | undefined {
  const target = typeof url === "string" ? new URL(url) : url;
  if (bypassesProxy(target, config)) return undefined;
  const scheme = target.protocol.replace(/:$/, "");
  const setting = (scheme === "http" || scheme === "https" ? config.proxies[scheme] : undefined) ??
    config.proxies.all;
  return setting ? parseProxy(setting) : undefined;
}

/**
 * True when `url` is reached directly because of `no_proxy` / `NO_PROXY` (see the module doc).
 *
 * @example
 * ```ts
 * import { bypassesProxy } from "./proxy.ts";
 * bypassesProxy(new URL("http://127.0.0.1:8080/"), { proxies: {}, noProxy: "127.0.0.0/8" }); // true
 * bypassesProxy(new URL("https://badexample.org/"), { proxies: {}, noProxy: "example.org" }); // false
 * ```
 */
export function bypassesProxy(url: URL, config: ProxyConfig): boolean {
  const hostname = url.hostname.replace(/^\[(.*)\]$/, "$1").toLowerCase();
  if (!hostname) return true;
  if (config.noProxy && requestsBypass(hostname, url.port, config.noProxy)) return true;
  return config.noProxyUrllib !== undefined && urllibBypass(hostname, config.noProxyUrllib);
}

/** requests' own check (see the module doc, rule 1). */
function requestsBypass(hostname: string, port: string, noProxy: string): boolean {
  const entries = noProxy.replaceAll(" ", "").split(",").filter((e) => e !== "");
  if (inetAton(hostname) !== undefined) {
    return entries.some((e) => isValidCidr(e) ? inNetwork(hostname, e) : hostname === e);
  }
  const withPort = port ? `${hostname}:${port}` : hostname;
  return entries.some((entry) => {
    const e = entry.replace(/^\.+/, "");
    if (hostname === e || withPort === e) return true;
    return hostname.endsWith(`.${e}`) || withPort.endsWith(`.${e}`);
  });
}

/** urllib's check (see the module doc, rule 2). */
function urllibBypass(hostname: string, noProxy: string): boolean {
  if (noProxy === "*") return true;
  const host = hostname.toLowerCase();
  const port = /^(.*):([0-9]*)$/s.exec(host);
  const hostOnly = port ? port[1] : host;
  for (const raw of noProxy.split(",")) {
    let name = raw.trim();
    if (!name) continue;
    name = name.replace(/^\.+/, "").toLowerCase();
    if (hostOnly === name || host === name) return true;
    if (hostOnly.endsWith(`.${name}`) || host.endsWith(`.${name}`)) return true;
  }
  return false;
}

/** urllib's reading of `<name>` (lower-case) and its upper-case twin. */
function urllibValue(
  get: (name: string) => string | undefined,
  lowerName: string,
): ProxySetting | undefined {
  const lower = get(lowerName);
  if (lower !== undefined) return lower ? { value: lower, variable: lowerName } : undefined;
  const upperName = lowerName.toUpperCase();
  const upper = get(upperName);
  return upper ? { value: upper, variable: upperName } : undefined;
}

/** A variable of the process, raw (empty stays empty); unset when not granted (see env.ts). */
function readProcessEnv(name: string): string | undefined {
  try {
    const state = Deno.permissions.querySync({ name: "env", variable: name }).state;
    return state === "granted" ? Deno.env.get(name) : undefined;
  } catch {
    return undefined;
  }
}

/** A proxy URL → host, port and credentials. */
function parseProxy(setting: ProxySetting): ProxyServer {
  const { value, variable } = setting;
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : `http://${value}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new UsageError(`${variable} is not a valid proxy URL`, {
      hint: `write it as ${variable}=http://HOST:PORT (or http://USER:PASSWORD@HOST:PORT)`,
    });
  }
  const hostname = url.hostname.replace(/^\[(.*)\]$/, "$1");
  const port = Number(url.port || 80);
  const display = `${hostname.includes(":") ? `[${hostname}]` : hostname}:${port}`;
  if (url.protocol !== "http:") {
    throw new UsageError(
      `${variable} names a ${url.protocol.replace(/:$/, "")}:// proxy (${display}); ` +
        "only http:// proxies are supported",
      { hint: `set ${variable}=http://${display} if the proxy also speaks plain HTTP` },
    );
  }
  if (!hostname) throw new UsageError(`${variable} names no proxy host`);
  const server: ProxyServer = { hostname, port, display, variable, value };
  if (url.username) {
    const user = decodeURIComponent(url.username);
    const password = decodeURIComponent(url.password);
    const token = btoa(String.fromCharCode(...new TextEncoder().encode(`${user}:${password}`)));
    addSecret(password);
    addSecret(token);
    server.authorization = `Basic ${token}`;
  }
  return server;
}

/** glibc's `inet_aton` (what Python's `socket.inet_aton` calls): the address, or undefined. */
function inetAton(text: string): number | undefined {
  const core = /^(\S*)(\s.*)?$/s.exec(text)?.[1] ?? "";
  const parts = core.split(".");
  if (parts.length > 4) return undefined;
  const values: number[] = [];
  for (const part of parts) {
    let n: number;
    if (/^0x[0-9a-f]*$/i.test(part)) n = part.length > 2 ? parseInt(part.slice(2), 16) : 0;
    else if (/^0[0-7]*$/.test(part)) n = part.length > 1 ? parseInt(part.slice(1), 8) : 0;
    else if (/^[1-9][0-9]*$/.test(part)) n = Number(part);
    else return undefined;
    values.push(n);
  }
  const last = values.pop()!;
  if (values.some((v) => v > 255)) return undefined;
  if (last >= 2 ** (8 * (4 - values.length))) return undefined;
  return values.reduce((acc, v, i) => acc + v * 2 ** (8 * (3 - i)), 0) + last;
}

/** requests' `is_valid_cidr`: `address/bits`, bits 1..32. */
function isValidCidr(entry: string): boolean {
  const parts = entry.split("/");
  if (parts.length !== 2) return false;
  const bits = pythonInt(parts[1]);
  if (bits === undefined || bits < 1 || bits > 32) return false;
  return inetAton(parts[0]) !== undefined;
}

/** requests' `address_in_network`. */
function inNetwork(ip: string, cidr: string): boolean {
  const [address, bits] = cidr.split("/");
  const mask = Number(0xffffffffn ^ ((1n << BigInt(32 - pythonInt(bits)!)) - 1n));
  return ((inetAton(ip)! & mask) >>> 0) === ((inetAton(address)! & mask) >>> 0);
}

/** Python's `int(text)` for plain decimal text, or undefined. */
function pythonInt(text: string): number | undefined {
  const t = text.trim();
  return /^[+-]?\d+(_\d+)*$/.test(t) ? Number(t.replaceAll("_", "")) : undefined;
}
