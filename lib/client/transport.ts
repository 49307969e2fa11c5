/**
 * A `fetch` for ky that puts requests on the wire with `node:http`, so that a read can be sent
 * as **GET with a JSON body** (what the proven ITkPD clients send; Web `fetch` refuses a GET
 * body, and so does `Request`, which ky builds before calling its `fetch`).
 *
 * ky builds a read as a POST carrying the header {@link WIRE_METHOD_HEADER}`: GET`; this
 * transport strips the header and sends the request as GET with the body.
 *
 * Failures are classified for the retry logic:
 * - connection refused, DNS failure, unreachable host, failed TLS handshake, a proxy that
 *   refused the tunnel, before the connection was established: nothing was sent →
 *   `NetworkError` with `maybeSent: false`;
 * - reset / socket hang up once connected: the server may have received the request →
 *   `NetworkError` with `maybeSent: true`.
 *
 * Connections are kept alive and reused, reads and writes alike (one agent each). `node:http`
 * (Node's, and Deno's port of it) silently sends a request a second time when a *reused*
 * socket closes before any byte of the answer (seen with Deno 2.9.6: a POST reached the server
 * twice): for a write that would be a blind duplicate. So a write's request is told that its
 * socket is not a reused one, which turns that resend off: a write on a reused socket that
 * breaks before its answer is a `NetworkError` with `maybeSent: true`, like any write that broke
 * after its connection was made, and goes through the caller's look-up (lib/upload/
 * upload_once.ts), never a blind resend. A read may be resent that way (it is idempotent). Idle
 * sockets are closed after `idleMs` (default 4 s), before the usual keep-alive timeout of a
 * server (5 s for Node's), so that a socket the server is closing is rarely the one picked.
 *
 * HTTPS: the connection is opened with Deno's own TLS (see tls_connect.ts: it trusts what
 * Deno's `fetch` trusts, `NODE_EXTRA_CA_CERTS` and `DENO_CERT` included, needs no permission
 * beyond `--allow-net`, and says why a certificate is refused); `node:http` then speaks HTTP/1.1
 * over it. The certificate is always checked: there is no option to switch that off. A refused
 * certificate is a `NetworkError` with `maybeSent: false` and `retryable: false`.
 *
 * Proxies (see proxy.ts, given by the client from the environment): an `https:` request goes
 * through a `CONNECT` tunnel to the site, then TLS with the site's certificate checked; an
 * `http:` request is sent to the proxy in absolute form (`GET http://host/path`). Proxy
 * credentials travel as `Proxy-Authorization` and never appear in messages. A failed
 * `CONNECT` means nothing was sent (`maybeSent: false`).
 *
 * @module
 */
import http from "node:http";
import { Buffer } from "node:buffer";
import type { Duplex } from "node:stream";
import { NetworkError } from "../errors.ts";
import type { ConnSocket } from "./conn_socket.ts";
import { type ProxyConfig, proxyFor, type ProxyServer } from "./proxy.ts";
import { connectTls, proxyPermission } from "./tls_connect.ts";

/** Header by which ky tells the transport the method to put on the wire (e.g. `GET`). */
export const WIRE_METHOD_HEADER = "x-itkpd-wire-method";

/**
 * Header by which ky tells the transport which token to send, by a short reference from
 * {@link NodeTransport.tokenRef}: the token itself (about a kilobyte) is put on the wire as
 * `Authorization: Bearer …` by the transport, not copied and checked again by each of the
 * `Headers` that ky builds for a request.
 */
export const TOKEN_REF_HEADER = "x-itkpd-token-ref";

/**
 * Header by which ky tells the transport which JSON body to send, by a reference from
 * {@link NodeTransport.lendBody}: the body goes to the wire as it was serialised once, rather
 * than through a `Request` body stream that ky builds, the transport reads back and ky cancels.
 */
export const BODY_REF_HEADER = "x-itkpd-body-ref";

const TEXT_ENCODER = new TextEncoder();

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

/** Options of {@link NodeTransport}. */
export interface TransportOptions {
  /** Most sockets per host for reads (default 16; writes are not limited, so never queued). */
  maxSockets?: number;
  /** Idle keep-alive sockets are closed after this many ms (default 4000). */
  idleMs?: number;
  /** Proxies to use (see proxy.ts `proxyConfigFromEnv`); default: none. */
  proxy?: ProxyConfig;
  /** Extra trusted CA certificates (PEM), on top of the ones Deno trusts (never fewer). */
  caCerts?: string[];
}

/** A `fetch`-shaped function. */
export type FetchLike = (input: Request | URL | string, init?: RequestInit) => Promise<Response>;

/**
 * The `node:http` transport (HTTPS over Deno's TLS). Give {@link NodeTransport.fetch} to ky; call
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
  readonly #agents = new Map<string, http.Agent>();
  /** Connections being opened (closed by `close()`, so that none outlives the transport). */
  readonly #opening = new Set<Deno.Conn>();
  #closed = false;
  readonly #options: Required<Omit<TransportOptions, "proxy" | "caCerts">>;
  readonly #proxy: ProxyConfig;
  readonly #caCerts: string[] | undefined;
  /** Tokens by reference (one per token the process used: a handful). */
  readonly #tokens = new Map<string, string>();
  /** JSON bodies lent for the requests in flight, by reference. */
  readonly #bodies = new Map<string, Uint8Array>();
  #bodyCount = 0;
  #lastToken: { token: string; ref: string } | undefined;
  /** The bytes of each answer, by its Response: read without a body stream (see answerBytes). */
  readonly #answers = new WeakMap<Response, Uint8Array>();

  constructor(options: TransportOptions = {}) {
    this.#options = { maxSockets: options.maxSockets ?? 16, idleMs: options.idleMs ?? 4000 };
    this.#proxy = options.proxy ?? { proxies: {} };
    this.#caCerts = options.caCerts?.length ? [...options.caCerts] : undefined;
  }

  /** The `fetch` to give ky (bound; safe to pass around). */
  readonly fetch: FetchLike = async (input, init) => {
    const request = input instanceof Request ? input : new Request(input, init);
    if (this.#closed) throw closedClientError(request.url);
    const signal = init?.signal ?? request.signal;
    signal?.throwIfAborted();
    const wireMethod = (request.headers.get(WIRE_METHOD_HEADER) ?? request.method).toUpperCase();
    const bodyRef = request.headers.get(BODY_REF_HEADER);
    const lent = bodyRef === null ? undefined : this.#bodies.get(bodyRef);
    if (bodyRef !== null && lent === undefined) {
      throw new NetworkError(
        `${request.url}: the request's body was given back before it was sent`,
        {
          url: request.url,
          maybeSent: false,
          retryable: false,
        },
      );
    }
    const body = lent ?? (request.body ? new Uint8Array(await request.arrayBuffer()) : undefined);
    signal?.throwIfAborted();
    return this.#send(request, wireMethod, body, signal ?? undefined);
  };

  /**
   * A short reference to `token`, to put in the {@link TOKEN_REF_HEADER} header: the transport
   * sends `Authorization: Bearer <token>` in its place.
   */
  tokenRef(token: string): string {
    if (this.#lastToken?.token === token) return this.#lastToken.ref;
    const ref = `t${this.#tokens.size + 1}`;
    this.#tokens.set(ref, token);
    this.#lastToken = { token, ref };
    return ref;
  }

  /**
   * Lends a JSON body (as text) for a request: put the reference in the {@link BODY_REF_HEADER}
   * header, and give it back with {@link NodeTransport.returnBody} once the request (with any
   * retries) is over. The transport sends it with `Content-Type: application/json`.
   */
  lendBody(json: string): string {
    const ref = `b${++this.#bodyCount}`;
    this.#bodies.set(ref, TEXT_ENCODER.encode(json));
    return ref;
  }

  /** Ends the loan of {@link NodeTransport.lendBody}. */
  returnBody(ref: string): void {
    this.#bodies.delete(ref);
  }

  /**
   * The body of an answer this transport made, as received (undefined for any other Response):
   * read without the stream that `Response.arrayBuffer()` would make, and whatever ky did with
   * the Response's own body.
   */
  answerBytes(response: Response): Uint8Array | undefined {
    return this.#answers.get(response);
  }

  /** True once {@link NodeTransport.close} was called. */
  get closed(): boolean {
    return this.#closed;
  }

  /**
   * Destroys every socket; later requests fail at once with the one-line error of
   * {@link closedClientError} (`maybeSent: false`, not retried).
   */
  close(): void {
    this.#closed = true;
    for (const agent of this.#agents.values()) agent.destroy();
    this.#agents.clear();
    for (const conn of this.#opening) {
      try {
        conn.close();
      } catch { /* closed already */ }
    }
    this.#opening.clear();
  }

  /**
   * The agent for a request: keep-alive sockets, one pool for reads (at most `maxSockets`) and
   * one for writes (not limited: a write never waits in a queue, where its time limit would run
   * before it is sent); HTTPS connections are opened by {@link connectTls} (directly or through
   * `proxy`).
   */
  #agentFor(url: URL, read: boolean, proxy: ProxyServer | undefined): http.Agent {
    const tls = url.protocol === "https:";
    const key = `${url.protocol}|${proxy?.display ?? ""}|${read}`;
    let agent = this.#agents.get(key);
    if (agent) return agent;
    const options: http.AgentOptions = {
      keepAlive: true,
      timeout: this.#options.idleMs,
      ...(read ? { maxSockets: this.#options.maxSockets } : {}),
    };
    agent = tls
      ? new TlsAgent(options, (hostname, port) =>
        connectTls({
          hostname,
          port,
          proxy,
          caCerts: this.#caCerts,
          url: url.href,
          track: (conn, done) => done ? this.#opening.delete(conn) : this.#opening.add(conn),
        }))
      : new http.Agent(options);
    this.#agents.set(key, agent);
    return agent;
  }

  #send(
    request: Request,
    method: string,
    body: Uint8Array | undefined,
    signal: AbortSignal | undefined,
  ): Promise<Response> {
    const url = new URL(request.url);
    const proxy = proxyFor(url, this.#proxy);
    const tls = url.protocol === "https:";
    // Plain HTTP through a proxy: the request goes to the proxy, naming the full URL.
    const httpProxy = !tls ? proxy : undefined;
    const headers: Record<string, string> = { host: url.host };
    request.headers.forEach((value, key) => {
      if (key === TOKEN_REF_HEADER) {
        const token = this.#tokens.get(value);
        if (token !== undefined) headers.authorization = `Bearer ${token}`;
      } else if (key === BODY_REF_HEADER) {
        headers["content-type"] = "application/json";
      } else if (key !== WIRE_METHOD_HEADER) headers[key] = value;
    });
    if (body) headers["content-length"] = String(body.byteLength);
    if (httpProxy?.authorization) headers["proxy-authorization"] = httpProxy.authorization;
    const read = method === "GET" || method === "HEAD";
    const agent = this.#agentFor(url, read, tls ? proxy : httpProxy);
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
      const req = http.request({
        protocol: url.protocol,
        hostname: httpProxy ? httpProxy.hostname : url.hostname.replace(/^\[|\]$/g, ""),
        port: httpProxy ? httpProxy.port : Number(url.port || (tls ? 443 : 80)),
        path: httpProxy ? url.href.replace(/#.*$/, "") : url.pathname + url.search,
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
        // node:http sends a request again by itself when a reused socket closes before the
        // answer (module doc): never a write. It decides by this flag, read after this event.
        if (!read) (req as { reusedSocket: boolean }).reusedSocket = false;
        // A pooled socket, or one opened by connectTls, is already connected; a new TCP socket
        // emits "connect" first.
        if (!(socket as { connecting?: boolean }).connecting) connected = true;
        else socket.once("connect", () => (connected = true));
      });
      req.on("error", (error: Error & { code?: string }) => {
        finish(() => reject(classify(error, where, request.url, connected, httpProxy)));
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
            if (httpProxy && status === 407) {
              reject(proxyAuthRequired(httpProxy, request.url));
              return;
            }
            const responseHeaders = new Headers();
            for (const [key, value] of Object.entries(res.headers)) {
              if (value === undefined) continue;
              for (const v of Array.isArray(value) ? value : [value]) {
                responseHeaders.append(key, v);
              }
            }
            const noBody = status === 204 || status === 205 || status === 304;
            // A plain Uint8Array of its own (a copy: the chunks' memory is node:http's).
            const bytes = joinChunks(chunks);
            try {
              const response = new Response(noBody ? null : bytes, {
                status,
                statusText: res.statusMessage ?? "",
                headers: responseHeaders,
              });
              this.#answers.set(response, noBody ? new Uint8Array(0) : bytes);
              resolve(response);
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

/** The chunks of an answer in one new Uint8Array. */
function joinChunks(chunks: Uint8Array[]): Uint8Array<ArrayBuffer> {
  if (chunks.length === 1) return new Uint8Array(chunks[0]);
  let length = 0;
  for (const c of chunks) length += c.byteLength;
  const out = new Uint8Array(length);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}

/**
 * An agent whose connections are opened by `open` (Deno's TLS, maybe through a proxy's
 * tunnel) instead of `node:tls`; it keeps `node:http`'s pooling and keep-alive.
 */
class TlsAgent extends http.Agent {
  readonly #open: (hostname: string, port: number) => Promise<ConnSocket>;

  constructor(
    options: http.AgentOptions,
    open: (hostname: string, port: number) => Promise<ConnSocket>,
  ) {
    super(options);
    // node:http checks that the agent speaks the request's protocol.
    Object.assign(this, { protocol: "https:", defaultPort: 443 });
    this.#open = open;
  }

  override createConnection(
    options: http.ClientRequestArgs,
    callback?: (err: Error | null, stream: Duplex) => void,
  ): Duplex {
    const hostname = String(options.host ?? options.hostname ?? "").replace(/^\[|\]$/g, "");
    const port = Number(options.port ?? 443);
    // node:http's asynchronous form: the socket (or the error, with no socket) comes through
    // `callback`, and the return value is ignored; Node's types do not declare that form.
    this.#open(hostname, port).then(
      (socket) => callback?.(null, socket),
      (error: Error) => callback?.(error, undefined as unknown as Duplex),
    );
    return undefined as unknown as Duplex;
  }
}

/** A plain-HTTP proxy answered 407: it did not forward the request. */
function proxyAuthRequired(proxy: ProxyServer, url: string): NetworkError {
  const who = `the proxy ${proxy.display} (${proxy.variable})`;
  const what = proxy.authorization
    ? `refused the user and password of ${proxy.variable}`
    : "asks for a user and password";
  return new NetworkError(`${who} ${what} (HTTP 407); nothing was sent`, {
    url,
    maybeSent: false,
    retryable: false,
    hint: `set ${proxy.variable}=http://USER:PASSWORD@${proxy.display} ` +
      "(percent-encode special characters)",
  });
}

/** Turns a socket error into a `NetworkError`, saying whether the request may have been sent. */
function classify(
  error: Error & { code?: string },
  where: string,
  url: string,
  connected: boolean,
  proxy?: ProxyServer,
): Error {
  // A missing --allow-net is not a network fault: nothing was sent, and the user must see the
  // permission problem itself. A NetworkError comes from connectTls (nothing sent, one line).
  if (error instanceof Deno.errors.NotCapable && proxy) return proxyPermission(proxy);
  if (
    error instanceof Deno.errors.NotCapable || error instanceof Deno.errors.PermissionDenied ||
    error instanceof NetworkError
  ) {
    return error;
  }
  const code = error.code ?? "";
  const notSent = !connected && NOT_CONNECTED_CODES.has(code);
  const reason = code ? `${code} (${error.message})` : error.message;
  const what = notSent
    ? `could not connect${proxy ? ` to the proxy ${proxy.display} (${proxy.variable})` : ""}; ` +
      "the request was not sent"
    : "connection broke after the request was sent; its outcome is unknown";
  return new NetworkError(`${where}: ${what}: ${reason}`, {
    url,
    maybeSent: !notSent,
    cause: error,
    hint: notSent
      ? proxy
        ? `check ${proxy.variable}, or list the host in NO_PROXY to connect directly`
        : "check ITKDB_API_URL / ITKDB_AUTH_URL and the network"
      : undefined,
  });
}

/**
 * The error of a request on a closed client: one line that says what to do, never retried
 * (`retryable: false`, nothing was sent), and a stack of that one line only, so that a notebook
 * shows one line rather than a trace through ky.
 *
 * @example
 * ```ts
 * import { closedClientError } from "./transport.ts";
 * closedClientError("http://127.0.0.1:1/listInstitutions").retryable; // false
 * ```
 */
export function closedClientError(url?: string): NetworkError {
  const error = new NetworkError(
    "this ITkPD client is closed (client.close() ran, e.g. in a notebook's clean-up cell): " +
      "make a new client; in a notebook, run the set-up cell again",
    { url, maybeSent: false, retryable: false },
  );
  error.stack = `${error.name}: ${error.message}`;
  return error;
}
