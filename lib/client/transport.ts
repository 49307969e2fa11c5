/**
 * A `fetch` for ky that puts requests on the wire with `node:http` / `node:https`, so that a
 * read can be sent as **GET with a JSON body** (what the proven ITkPD clients send; Web `fetch`
 * refuses a GET body, and so does `Request`, which ky builds before calling its `fetch`).
 *
 * ky builds a read as a POST carrying the header {@link WIRE_METHOD_HEADER}`: GET`; this
 * transport strips the header and sends the request as GET with the body.
 *
 * Failures are classified for the retry logic:
 * - connection refused, DNS failure, unreachable host, failed TLS handshake, before the
 *   connection was established: nothing was sent → `NetworkError` with `maybeSent: false`;
 * - reset / socket hang up once connected: the server may have received the request →
 *   `NetworkError` with `maybeSent: true`.
 *
 * Connections: reads share a keep-alive agent (throughput). Writes (anything not sent as GET)
 * always use a fresh connection. Reason: Deno's `node:http` client silently sends a request a
 * second time when a *reused* keep-alive socket is reset before the answer (seen with Deno
 * 2.9.6: a POST reached the server twice); for a write that would be a blind duplicate. On a
 * fresh connection it is sent once, and a reset surfaces as `maybeSent: true`.
 *
 * HTTPS uses the normal certificate checks; there is no option to disable them.
 *
 * @module
 */
import http from "node:http";
import https from "node:https";
import { Buffer } from "node:buffer";
import { NetworkError } from "../errors.ts";

/** Header by which ky tells the transport the method to put on the wire (e.g. `GET`). */
export const WIRE_METHOD_HEADER = "x-itkpd-wire-method";

/** Error codes that mean: no connection was made, so no byte of the request left. */
const NOT_CONNECTED_CODES = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EAI_FAIL",
  "EAI_NONAME",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EADDRNOTAVAIL",
  "EADDRINUSE",
]);

/** A TLS handshake failure: the request is only written after a successful handshake. */
const TLS_FAILURE = /CERT|SELF_SIGNED|TLS|SSL|HANDSHAKE/i;

/** Options of {@link NodeTransport}. */
export interface TransportOptions {
  /** Most sockets per host for reads (default 16). */
  maxSockets?: number;
  /** Idle keep-alive sockets are closed after this many ms (default 4000). */
  idleMs?: number;
}

/** A `fetch`-shaped function. */
export type FetchLike = (input: Request | URL | string, init?: RequestInit) => Promise<Response>;

/**
 * The `node:http` / `node:https` transport. Give {@link NodeTransport.fetch} to ky; call
 * {@link NodeTransport.close} when done so that no socket outlives the client.
 *
 * @example
 * ```ts
 * import ky from "ky";
 * import { NodeTransport, WIRE_METHOD_HEADER } from "./transport.ts";
 * const transport = new NodeTransport();
 * const api = ky.create({ fetch: transport.fetch, retry: 0 });
 * // a GET with a JSON body:
 * // await api.post("https://…/listTestTypes", { json: {...}, headers: { [WIRE_METHOD_HEADER]: "GET" } });
 * transport.close();
 * ```
 */
export class NodeTransport {
  #agents: { http: http.Agent; https: https.Agent } | undefined;
  #fresh: { http: http.Agent; https: https.Agent } | undefined;
  #closed = false;
  readonly #options: Required<TransportOptions>;

  constructor(options: TransportOptions = {}) {
    this.#options = { maxSockets: options.maxSockets ?? 16, idleMs: options.idleMs ?? 4000 };
  }

  /** The `fetch` to give ky (bound; safe to pass around). */
  readonly fetch: FetchLike = async (input, init) => {
    const request = input instanceof Request ? input : new Request(input, init);
    if (this.#closed) {
      throw new NetworkError(`client is closed; cannot send ${request.url}`, {
        url: request.url,
        maybeSent: false,
      });
    }
    const signal = init?.signal ?? request.signal;
    signal?.throwIfAborted();
    const wireMethod = (request.headers.get(WIRE_METHOD_HEADER) ?? request.method).toUpperCase();
    const body = request.body ? new Uint8Array(await request.arrayBuffer()) : undefined;
    signal?.throwIfAborted();
    return this.#send(request, wireMethod, body, signal ?? undefined);
  };

  /** Destroys every socket; later requests fail with a `NetworkError` (`maybeSent: false`). */
  close(): void {
    this.#closed = true;
    for (const set of [this.#agents, this.#fresh]) {
      set?.http.destroy();
      set?.https.destroy();
    }
    this.#agents = undefined;
    this.#fresh = undefined;
  }

  #agentFor(url: URL, method: string): http.Agent {
    const reuse = method === "GET" || method === "HEAD";
    if (reuse) {
      this.#agents ??= {
        http: new http.Agent({
          keepAlive: true,
          maxSockets: this.#options.maxSockets,
          timeout: this.#options.idleMs,
        }),
        https: new https.Agent({
          keepAlive: true,
          maxSockets: this.#options.maxSockets,
          timeout: this.#options.idleMs,
        }),
      };
      return url.protocol === "https:" ? this.#agents.https : this.#agents.http;
    }
    this.#fresh ??= {
      http: new http.Agent({ keepAlive: false }),
      https: new https.Agent({ keepAlive: false }),
    };
    return url.protocol === "https:" ? this.#fresh.https : this.#fresh.http;
  }

  #send(
    request: Request,
    method: string,
    body: Uint8Array | undefined,
    signal: AbortSignal | undefined,
  ): Promise<Response> {
    const url = new URL(request.url);
    const headers: Record<string, string> = {};
    request.headers.forEach((value, key) => {
      if (key !== WIRE_METHOD_HEADER) headers[key] = value;
    });
    if (body) headers["content-length"] = String(body.byteLength);
    const agent = this.#agentFor(url, method);
    const mod = url.protocol === "https:" ? https : http;
    const where = `${method} ${url.origin}${url.pathname}`;

    return new Promise<Response>((resolve, reject) => {
      let connected = false;
      let settled = false;
      const finish = (fn: () => void) => {
        if (settled) return;
        settled = true;
        signal?.removeEventListener("abort", onAbort);
        fn();
      };
      const req = mod.request({
        protocol: url.protocol,
        hostname: url.hostname.replace(/^\[|\]$/g, ""),
        port: url.port || undefined,
        path: url.pathname + url.search,
        method,
        headers,
        agent,
      });
      const onAbort = () => {
        req.destroy();
        finish(() => reject(signal?.reason ?? new DOMException("aborted", "AbortError")));
      };
      signal?.addEventListener("abort", onAbort, { once: true });

      req.on("socket", (socket) => {
        // A pooled socket is already connected; a new one emits "connect" (TCP) first.
        if (!(socket as { connecting?: boolean }).connecting) connected = true;
        else socket.once("connect", () => (connected = true));
      });
      req.on("error", (error: Error & { code?: string }) => {
        finish(() => reject(classify(error, where, request.url, connected)));
      });
      req.on("response", (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("error", (error: Error & { code?: string }) => {
          finish(() => reject(classify(error, where, request.url, true)));
        });
        res.on("aborted", () => {
          finish(() =>
            reject(
              new NetworkError(`${where}: connection closed in the middle of the answer`, {
                url: request.url,
                maybeSent: true,
              }),
            )
          );
        });
        res.on("end", () => {
          finish(() => {
            const status = res.statusCode ?? 0;
            const responseHeaders = new Headers();
            for (const [key, value] of Object.entries(res.headers)) {
              if (value === undefined) continue;
              for (const v of Array.isArray(value) ? value : [value]) {
                responseHeaders.append(key, v);
              }
            }
            const noBody = status === 204 || status === 205 || status === 304;
            try {
              resolve(
                new Response(noBody ? null : Buffer.concat(chunks), {
                  status,
                  statusText: res.statusMessage ?? "",
                  headers: responseHeaders,
                }),
              );
            } catch (error) {
              reject(
                new NetworkError(`${where}: unusable answer (HTTP ${status})`, {
                  url: request.url,
                  maybeSent: true,
                  cause: error,
                }),
              );
            }
          });
        });
      });
      req.end(body ? Buffer.from(body.buffer, body.byteOffset, body.byteLength) : undefined);
    });
  }
}

/** Turns a socket error into a `NetworkError`, saying whether the request may have been sent. */
function classify(
  error: Error & { code?: string },
  where: string,
  url: string,
  connected: boolean,
): Error {
  // A missing --allow-net is not a network fault: nothing was sent, and the user must see the
  // permission problem itself.
  if (error instanceof Deno.errors.NotCapable || error instanceof Deno.errors.PermissionDenied) {
    return error;
  }
  const code = error.code ?? "";
  const tls = TLS_FAILURE.test(code);
  const notSent = (!connected && NOT_CONNECTED_CODES.has(code)) || tls;
  const reason = code ? `${code} (${error.message})` : error.message;
  const what = notSent
    ? "could not connect; the request was not sent"
    : "connection broke after the request was sent; its outcome is unknown";
  return new NetworkError(`${where}: ${what}: ${reason}`, {
    url,
    maybeSent: !notSent,
    cause: error,
    hint: tls
      ? "the site's TLS certificate was refused; check the URL and the system's CA certificates"
      : notSent
      ? "check ITKDB_API_URL / ITKDB_AUTH_URL and the network"
      : undefined,
  });
}
