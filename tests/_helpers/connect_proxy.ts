/**
 * A small HTTP proxy on 127.0.0.1 for tests: `CONNECT host:port` tunnels (HTTPS) and
 * absolute-form requests (`GET http://host/path`, plain HTTP), optionally asking for a user and
 * password, or refusing every tunnel with a given status. It counts what it was asked.
 */

/** Options of {@link startProxy}. */
export interface ProxyOptions {
  /** Require `Proxy-Authorization: Basic base64(user:password)`; else answer 407. */
  credentials?: string;
  /** Answer every request with this status instead of forwarding it (e.g. 502). */
  refuseWith?: number;
}

/** A running test proxy. */
export interface TestProxy {
  /** Its port on 127.0.0.1. */
  port: number;
  /** `CONNECT` targets asked for (`host:port`) → how many times. */
  connects: Map<string, number>;
  /** Absolute-form request targets (full URLs) in the order asked. */
  forwarded: string[];
  /** Every `Proxy-Authorization` value received (undefined when none was sent). */
  authorizations: (string | undefined)[];
  /** Stops listening and closes every connection. */
  close(): Promise<void>;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Starts a proxy on 127.0.0.1 (any free port). */
export function startProxy(options: ProxyOptions = {}): TestProxy {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const conns = new Set<Deno.Conn>();
  const connects = new Map<string, number>();
  const forwarded: string[] = [];
  const authorizations: (string | undefined)[] = [];
  const expected = options.credentials === undefined
    ? undefined
    : `Basic ${btoa(options.credentials)}`;

  const track = (conn: Deno.Conn) => {
    conns.add(conn);
    return conn;
  };
  const closeAll = (...list: (Deno.Conn | undefined)[]) => {
    for (const c of list) {
      if (!c) continue;
      conns.delete(c);
      try {
        c.close();
      } catch { /* closed already */ }
    }
  };

  async function serve(client: Deno.Conn): Promise<void> {
    const { head, rest } = await readHead(client);
    if (head === undefined) return closeAll(client);
    const lines = head.split("\r\n");
    const [method, target] = lines[0].split(" ");
    const headers = lines.slice(1);
    const auth = headers.find((h) => /^proxy-authorization:/i.test(h))?.replace(/^[^:]*:\s*/, "");
    authorizations.push(auth);
    if (method === "CONNECT") connects.set(target, (connects.get(target) ?? 0) + 1);
    else forwarded.push(target);
    const answer = async (status: number, reason: string, extra = "") => {
      await writeAll(
        client,
        encoder.encode(
          `HTTP/1.1 ${status} ${reason}\r\n${extra}` +
            "Content-Length: 0\r\nConnection: close\r\n\r\n",
        ),
      );
      closeAll(client);
    };
    if (expected !== undefined && auth !== expected) {
      return answer(
        407,
        "Proxy Authentication Required",
        'Proxy-Authenticate: Basic realm="t"\r\n',
      );
    }
    if (options.refuseWith) return answer(options.refuseWith, "Refused by the test proxy");

    let upstreamHost: string;
    let upstreamPort: number;
    let firstBytes: Uint8Array;
    if (method === "CONNECT") {
      const at = target.lastIndexOf(":");
      upstreamHost = target.slice(0, at).replace(/^\[|\]$/g, "");
      upstreamPort = Number(target.slice(at + 1));
      firstBytes = rest;
    } else {
      const url = new URL(target);
      upstreamHost = url.hostname;
      upstreamPort = Number(url.port || 80);
      const kept = headers.filter((h) =>
        !/^(proxy-authorization|proxy-connection|connection):/i.test(h)
      );
      const originForm = [
        `${method} ${url.pathname}${url.search} HTTP/1.1`,
        ...kept,
        "Connection: close",
      ];
      firstBytes = concat(encoder.encode(`${originForm.join("\r\n")}\r\n\r\n`), rest);
    }
    let upstream: Deno.Conn;
    try {
      upstream = track(await Deno.connect({ hostname: upstreamHost, port: upstreamPort }));
    } catch {
      return answer(502, "Bad Gateway");
    }
    if (method === "CONNECT") {
      await writeAll(client, encoder.encode("HTTP/1.1 200 Connection established\r\n\r\n"));
    }
    if (firstBytes.length) await writeAll(upstream, firstBytes);
    await Promise.allSettled([
      client.readable.pipeTo(upstream.writable),
      upstream.readable.pipeTo(client.writable),
    ]);
    closeAll(client, upstream);
  }

  const accepting = (async () => {
    for await (const conn of listener) {
      serve(track(conn)).catch(() => closeAll(conn));
    }
  })().catch(() => {});

  return {
    port: (listener.addr as Deno.NetAddr).port,
    connects,
    forwarded,
    authorizations,
    async close() {
      listener.close();
      closeAll(...conns);
      await accepting;
    },
  };
}

/** Reads up to the end of the request head; the bytes after it are `rest`. */
async function readHead(conn: Deno.Conn): Promise<{ head?: string; rest: Uint8Array }> {
  let bytes: Uint8Array = new Uint8Array(0);
  for (;;) {
    const at = indexOf(bytes, encoder.encode("\r\n\r\n"));
    if (at >= 0) {
      return { head: decoder.decode(bytes.subarray(0, at)), rest: bytes.subarray(at + 4) };
    }
    const chunk = new Uint8Array(4096);
    const n = await conn.read(chunk).catch(() => null);
    if (n === null) return { rest: bytes };
    bytes = concat(bytes, chunk.subarray(0, n));
  }
}

function indexOf(haystack: Uint8Array, needle: Uint8Array): number {
  outer: for (let i = 0; i + needle.length <= haystack.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

async function writeAll(conn: Deno.Conn, bytes: Uint8Array): Promise<void> {
  for (let offset = 0; offset < bytes.length;) offset += await conn.write(bytes.subarray(offset));
}
