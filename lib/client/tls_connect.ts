/**
 * Opening an HTTPS connection: directly, or through an HTTP proxy's `CONNECT` tunnel, with
 * Deno's own TLS (`Deno.connectTls`, `Deno.startTls`). The certificate is always checked, as
 * Deno's `fetch` checks it: against Mozilla's roots (or the system's store with
 * `DENO_TLS_CA_STORE=system`), plus the CAs of `NODE_EXTRA_CA_CERTS`, `DENO_CERT` /
 * `deno run --cert`, and the `caCerts` option; there is no way to switch the check off.
 *
 * Why not `node:https`: under Deno 2.9 its `Agent` reads `NODE_EXTRA_CA_CERTS` through node's
 * `tls.getCACertificates()`, which needs unscoped `--allow-sys` and env access to
 * `NODE_USE_SYSTEM_CA` / `NODE_EXTRA_CA_CERTS` (every network step failed with "Requires sys
 * access" where `NODE_EXTRA_CA_CERTS` is set), and it ignores `DENO_CERT` when
 * `NODE_EXTRA_CA_CERTS` is set; its errors also lose the reason (an expired certificate is
 * "unable to verify the first certificate"). Deno's TLS needs no permission beyond `--allow-net`
 * and says why a certificate is refused.
 *
 * Every failure here happens before a byte of the request is written, so it is a
 * `NetworkError` with `maybeSent: false`; a certificate that does not verify, or a proxy that
 * refuses the tunnel (other than 5xx), is also `retryable: false`. Messages name the host and the
 * proxy (`host:port`, never its credentials) and say what to do, on one line.
 *
 * @module
 */
import { NetworkError } from "../errors.ts";
import type { ProxyServer } from "./proxy.ts";

/** Longest answer head a proxy may send to `CONNECT`. */
const MAX_PROXY_HEAD = 16 * 1024;

/** Where to connect, and how. */
export interface TlsConnectOptions {
  /** Host name or IP of the site (IPv6 without brackets). */
  hostname: string;
  /** Its port. */
  port: number;
  /** Tunnel through this proxy. */
  proxy?: ProxyServer;
  /** Extra trusted CA certificates (PEM), on top of the ones Deno trusts. */
  caCerts?: string[];
  /** The URL asked, for the error. */
  url?: string;
  /** Receives the connection while it is being opened, so that it can be closed early. */
  track?: (conn: Deno.Conn, done: boolean) => void;
}

/**
 * Opens a TLS connection to `hostname:port` (through `proxy` if given), completes the handshake
 * (so the certificate is checked before anything is sent) and returns it, ready for the
 * transport's HTTP/1.1.
 *
 * @throws {NetworkError} `maybeSent: false`, one clear line (see the module doc).
 * @throws {Deno.errors.NotCapable} when `--allow-net` does not grant the site or the proxy.
 *
 * @example
 * ```ts ignore
 * import { connectTls } from "./tls_connect.ts";
 * const conn = await connectTls({ hostname: "itkpd.unicornuniversity.net", port: 443 });
 * conn.close();
 * ```
 */
export async function connectTls(options: TlsConnectOptions): Promise<Deno.TlsConn> {
  const { hostname, port, proxy, caCerts, url } = options;
  const site = port === 443 ? hostname : hostPort(hostname, port);
  const tlsOptions = caCerts?.length ? { hostname, caCerts } : { hostname };
  let tcp: Deno.TcpConn | undefined;
  let tls: Deno.TlsConn | undefined;
  try {
    if (proxy) {
      // The tunnel makes no connection of ours to the site: ask for its permission anyway, so
      // that --allow-net keeps saying which sites a step may reach.
      requireNet(hostname, port);
      tcp = await Deno.connect({ hostname: proxy.hostname, port: proxy.port }).catch((e) => {
        if (e instanceof Deno.errors.NotCapable) throw proxyPermission(proxy);
        throw tcpFailure(e, `the proxy ${proxy.display} (${proxy.variable})`, url, {
          hint: `check ${proxy.variable}, or list ${hostname} in NO_PROXY to connect directly`,
        });
      });
      options.track?.(tcp, false);
      await openTunnel(tcp, hostname, port, proxy, url);
      tls = await Deno.startTls(tcp, tlsOptions);
    } else {
      tls = await Deno.connectTls({ ...tlsOptions, port }).catch((e) => {
        throw tcpFailure(e, site, url, {
          hint: "check ITKDB_API_URL / ITKDB_AUTH_URL and the network",
        });
      });
    }
    options.track?.(tls, false);
    await tls.handshake().catch((e) => {
      throw tlsFailure(e, site, url, proxy);
    });
    options.track?.(tls, true);
    if (tcp) options.track?.(tcp, true);
    return tls;
  } catch (e) {
    for (const conn of [tls, tcp]) {
      if (!conn) continue;
      options.track?.(conn, true);
      try {
        conn.close();
      } catch { /* closed already */ }
    }
    throw e;
  }
}

/** Sends `CONNECT host:port` and reads the proxy's answer; resolves once the tunnel is open. */
async function openTunnel(
  conn: Deno.Conn,
  hostname: string,
  port: number,
  proxy: ProxyServer,
  url: string | undefined,
): Promise<void> {
  const authority = hostPort(hostname, port);
  const lines = [`CONNECT ${authority} HTTP/1.1`, `Host: ${authority}`];
  if (proxy.authorization) lines.push(`Proxy-Authorization: ${proxy.authorization}`);
  const request = new TextEncoder().encode(`${lines.join("\r\n")}\r\n\r\n`);
  const who = `the proxy ${proxy.display} (${proxy.variable})`;
  const broken = (what: string, cause?: unknown) =>
    new NetworkError(`${who} ${what} when asked for a tunnel to ${authority}; nothing was sent`, {
      url,
      maybeSent: false,
      cause,
      hint: `check ${proxy.variable}, or list ${hostname} in NO_PROXY to connect directly`,
    });
  try {
    for (let offset = 0; offset < request.length;) {
      offset += await conn.write(request.subarray(offset));
    }
  } catch (e) {
    throw broken("closed the connection", e);
  }
  let head = new Uint8Array(0);
  let end = -1;
  while (end < 0) {
    const chunk = new Uint8Array(4096);
    let n: number | null;
    try {
      n = await conn.read(chunk);
    } catch (e) {
      throw broken("closed the connection", e);
    }
    if (n === null) throw broken("closed the connection without an answer");
    const joined = new Uint8Array(head.length + n);
    joined.set(head);
    joined.set(chunk.subarray(0, n), head.length);
    head = joined;
    end = indexOfHeadEnd(head);
    if (end < 0 && head.length > MAX_PROXY_HEAD) throw broken("sent an over-long answer");
  }
  if (end + 4 !== head.length) throw broken("sent data before the tunnel was open");
  const statusLine = new TextDecoder().decode(head.subarray(0, end)).split("\r\n")[0];
  const match = /^HTTP\/1\.[01] (\d{3})\s*(.*)$/.exec(statusLine);
  if (!match) throw broken(`gave an answer that is not HTTP (${JSON.stringify(statusLine)})`);
  const status = Number(match[1]);
  if (status >= 200 && status < 300) return;
  throw proxyRefusal(status, match[2].trim(), who, authority, proxy, url);
}

/** The one line for a proxy that answered `CONNECT` with an error status. */
function proxyRefusal(
  status: number,
  reason: string,
  who: string,
  authority: string,
  proxy: ProxyServer,
  url: string | undefined,
): NetworkError {
  const answer = `HTTP ${status}${reason ? ` ${reason}` : ""}`;
  const base = { url, maybeSent: false };
  if (status === 407) {
    const what = proxy.authorization
      ? `refused the user and password of ${proxy.variable} (${answer})`
      : `asks for a user and password (${answer})`;
    return new NetworkError(`${who} ${what}; nothing was sent`, {
      ...base,
      retryable: false,
      hint: `set ${proxy.variable}=http://USER:PASSWORD@${proxy.display} ` +
        "(percent-encode special characters)",
    });
  }
  if (status >= 500) {
    return new NetworkError(`${who} could not reach ${authority} (${answer}); nothing was sent`, {
      ...base,
      hint: `the proxy or the site is down; try again later, or list the host in NO_PROXY`,
    });
  }
  return new NetworkError(
    `${who} refused the tunnel to ${authority} (${answer}); nothing was sent`,
    {
      ...base,
      retryable: false,
      hint: `ask the proxy's administrators to allow ${authority}, or list the host in NO_PROXY`,
    },
  );
}

/** The one line for a connection that could not be made. */
function tcpFailure(
  error: unknown,
  who: string,
  url: string | undefined,
  extra: { hint: string },
): unknown {
  if (error instanceof Deno.errors.NotCapable) return error;
  const message = error instanceof Error ? error.message : String(error);
  const reason = error instanceof Deno.errors.ConnectionRefused
    ? "connection refused"
    : /lookup address|name or service not known|nodename nor servname|no such host/i.test(message)
    ? "unknown host (name lookup failed)"
    : error instanceof Deno.errors.TimedOut
    ? "no answer (timed out)"
    : message;
  return new NetworkError(`could not connect to ${who}: ${reason}; nothing was sent`, {
    url,
    maybeSent: false,
    cause: error,
    hint: extra.hint,
  });
}

/** The one line for a TLS handshake that failed (a refused certificate, above all). */
function tlsFailure(
  error: unknown,
  site: string,
  url?: string,
  proxy?: ProxyServer,
): NetworkError {
  const message = error instanceof Error ? error.message : String(error);
  const base = { url, maybeSent: false, cause: error };
  const cert = `the certificate of ${site}`;
  const invalid = /invalid peer certificate/i.test(message);
  if (/UnknownIssuer|CaUsedAsEndEntity|self.signed/i.test(message)) {
    return new NetworkError(
      `${cert} is not trusted (self-signed, or from a CA this machine does not know); ` +
        "nothing was sent",
      {
        ...base,
        retryable: false,
        hint: "give your site's CA: NODE_EXTRA_CA_CERTS=/path/ca.pem or DENO_CERT=/path/ca.pem" +
          (proxy ? ` (a proxy that inspects TLS: its CA)` : ""),
      },
    );
  }
  if (/expired/i.test(message)) {
    const after = /not valid after (\d+)/.exec(message)?.[1];
    return new NetworkError(
      `${cert} has expired${after ? ` (on ${unixDate(after)})` : ""}; nothing was sent`,
      {
        ...base,
        retryable: false,
        hint: "the site must renew it; if it was renewed, check this machine's clock",
      },
    );
  }
  if (/not valid yet|NotValidYet/i.test(message)) {
    const before = /not valid before (\d+)/.exec(message)?.[1];
    return new NetworkError(
      `${cert} is not valid yet${before ? ` (from ${unixDate(before)})` : ""}; nothing was sent`,
      { ...base, retryable: false, hint: "check this machine's clock" },
    );
  }
  if (/not valid for name|NotValidForName/i.test(message)) {
    const names = [...message.matchAll(/(?:DnsName|IpAddress)\(\s*"?([^")]+)"?\s*\)/g)]
      .map((m) => m[1]);
    return new NetworkError(
      `${cert} is not valid for that name` +
        `${names.length ? ` (it is for ${names.join(", ")})` : ""}; nothing was sent`,
      { ...base, retryable: false, hint: "check the host in ITKDB_API_URL / ITKDB_AUTH_URL" },
    );
  }
  return new NetworkError(
    `the TLS handshake with ${site} failed: ${message.split("\n")[0]}; nothing was sent`,
    {
      ...base,
      // A refused certificate or a protocol mismatch stays so; a dropped connection may not.
      retryable: !(invalid || error instanceof Deno.errors.InvalidData),
      hint: invalid
        ? "give your site's CA: NODE_EXTRA_CA_CERTS=/path/ca.pem or DENO_CERT=/path/ca.pem"
        : "check that the URL is the site's https:// address",
    },
  );
}

/**
 * The permission error for a proxy that `--allow-net` does not grant, saying it is the proxy.
 *
 * @example
 * ```ts
 * import { proxyPermission } from "./tls_connect.ts";
 * const proxy = { hostname: "proxy.lab", port: 3128, display: "proxy.lab:3128",
 *   variable: "HTTPS_PROXY", value: "http://proxy.lab:3128" };
 * proxyPermission(proxy).message; // 'Requires net access to "proxy.lab:3128" (the proxy of HTTPS_PROXY), …'
 * ```
 */
export function proxyPermission(proxy: ProxyServer): Deno.errors.NotCapable {
  return new Deno.errors.NotCapable(
    `Requires net access to "${proxy.display}" (the proxy of ${proxy.variable}), ` +
      "run again with the --allow-net flag",
  );
}

/** Throws Deno's own error when `--allow-net` does not grant `hostname:port`. */
function requireNet(hostname: string, port: number): void {
  const host = hostPort(hostname, port);
  const state = Deno.permissions.querySync({ name: "net", host }).state;
  if (state !== "granted") {
    throw new Deno.errors.NotCapable(
      `Requires net access to "${host}", run again with the --allow-net flag`,
    );
  }
}

function hostPort(hostname: string, port: number): string {
  return `${hostname.includes(":") ? `[${hostname}]` : hostname}:${port}`;
}

function indexOfHeadEnd(bytes: Uint8Array): number {
  for (let i = 0; i + 3 < bytes.length; i++) {
    if (bytes[i] === 13 && bytes[i + 1] === 10 && bytes[i + 2] === 13 && bytes[i + 3] === 10) {
      return i;
    }
  }
  return -1;
}

function unixDate(seconds: string): string {
  return new Date(Number(seconds) * 1000).toISOString().replace(/\.000Z$/, "Z");
}
