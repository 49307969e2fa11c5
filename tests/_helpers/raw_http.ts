/**
 * A TCP server on 127.0.0.1 (any free port) that reads HTTP/1.1 requests (GET bodies included)
 * and lets each test write whatever bytes it wants as the answer, or close the connection: for
 * the client's own HTTP/1.1 and its connection pools. It counts connections, requests and
 * closes, and `until` waits for any state of those (no sleeps).
 */

/** One request as received. */
export interface RawRequest {
  method: string;
  target: string;
  /** Header names in lower case. */
  headers: Record<string, string>;
  body: string;
  /** Which connection it came on (0, 1, …, in the order they were accepted). */
  connection: number;
}

/** What a handler can do with the connection of a request. */
export interface RawReply {
  /** Writes bytes (text is written as UTF-8). */
  write(data: string | Uint8Array): Promise<void>;
  /** Closes the connection. */
  close(): void;
}

/** A running server. */
export interface RawServer {
  url: string;
  requests: RawRequest[];
  /** Connections accepted so far. */
  connections(): number;
  /** Connections closed (by either side) so far. */
  closed(): number;
  /** Resolves once `check()` is true (checked at every request, connection and close). */
  until(check: () => boolean): Promise<void>;
  close(): Promise<void>;
}

const enc = new TextEncoder();
const dec = new TextDecoder();

/** Starts a server; `handle` answers each request (it may also leave it unanswered). */
export function rawServer(
  handle: (request: RawRequest, reply: RawReply) => void | Promise<void>,
): RawServer {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const conns = new Set<Deno.Conn>();
  const requests: RawRequest[] = [];
  const loops: Promise<void>[] = [];
  let accepted = 0;
  let closed = 0;
  let waiters: { check: () => boolean; resolve: () => void }[] = [];
  const changed = () => {
    waiters = waiters.filter((w) => {
      if (!w.check()) return true;
      w.resolve();
      return false;
    });
  };
  const serve = async (conn: Deno.Conn, index: number) => {
    let buffer = new Uint8Array(0);
    let open = true;
    const reply: RawReply = {
      write: async (data) => {
        const bytes = typeof data === "string" ? enc.encode(data) : data;
        for (let at = 0; at < bytes.length;) at += await conn.write(bytes.subarray(at));
      },
      close: () => {
        if (!open) return;
        open = false;
        try {
          conn.close();
        } catch { /* closed already */ }
      },
    };
    try {
      const chunk = new Uint8Array(64 * 1024);
      while (open) {
        const end = findHeadEnd(buffer);
        if (end >= 0) {
          const lines = dec.decode(buffer.subarray(0, end)).split("\r\n");
          const [method, target] = lines[0].split(" ");
          const headers: Record<string, string> = {};
          for (const line of lines.slice(1)) {
            const colon = line.indexOf(":");
            headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
          }
          const length = Number(headers["content-length"] ?? 0);
          if (buffer.length >= end + 4 + length) {
            const body = dec.decode(buffer.subarray(end + 4, end + 4 + length));
            buffer = buffer.slice(end + 4 + length);
            const request = { method, target, headers, body, connection: index };
            requests.push(request);
            changed();
            await handle(request, reply);
            continue;
          }
        }
        const n = await conn.read(chunk);
        if (n === null) break;
        const joined = new Uint8Array(buffer.length + n);
        joined.set(buffer);
        joined.set(chunk.subarray(0, n), buffer.length);
        buffer = joined;
      }
    } catch {
      /* the client reset it, or the test closed it */
    } finally {
      reply.close();
      conns.delete(conn);
      closed++;
      changed();
    }
  };
  const accepting = (async () => {
    try {
      for await (const conn of listener) {
        conns.add(conn);
        const index = accepted++;
        changed();
        loops.push(serve(conn, index));
      }
    } catch { /* closed */ }
  })();
  const { port } = listener.addr as Deno.NetAddr;
  return {
    url: `http://127.0.0.1:${port}/`,
    requests,
    connections: () => accepted,
    closed: () => closed,
    until: (check) =>
      new Promise<void>((resolve) => {
        if (check()) return resolve();
        waiters.push({ check, resolve });
      }),
    close: async () => {
      listener.close();
      for (const c of conns) {
        try {
          c.close();
        } catch { /* closed already */ }
      }
      await accepting;
      await Promise.all(loops);
    },
  };
}

/** An answer with a JSON body and its length. */
export function jsonAnswer(value: unknown, status = 200, extra = ""): string {
  const body = JSON.stringify(value);
  return `HTTP/1.1 ${status} X\r\nContent-Type: application/json\r\n${extra}` +
    `Content-Length: ${enc.encode(body).length}\r\n\r\n${body}`;
}

function findHeadEnd(bytes: Uint8Array): number {
  for (let i = 0; i + 3 < bytes.length; i++) {
    if (bytes[i] === 13 && bytes[i + 1] === 10 && bytes[i + 2] === 13 && bytes[i + 3] === 10) {
      return i;
    }
  }
  return -1;
}
