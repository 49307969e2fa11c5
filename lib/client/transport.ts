/**
 * A `fetch` for ky that puts requests on the wire with the client's own HTTP/1.1 (http1.ts)
 * over `Deno.connect` / Deno's TLS, so that a read can be sent as **GET with a JSON body** (what
 * the proven ITkPD clients send; Web `fetch` refuses a GET body, and so does `Request`, which ky
 * builds before calling its `fetch`). Every call still goes through ky (its retries, timeouts
 * and hooks); this is only the last step, the bytes on the wire.
 *
 * ky builds a read as a POST carrying the header {@link WIRE_METHOD_HEADER}`: GET`; this
 * transport strips the header and sends the request as GET with the body.
 *
 * Failures are classified for the retry logic:
 * - connection refused, DNS failure, unreachable host, failed TLS handshake, a proxy that
 *   refused the tunnel, before the connection was established: nothing was sent →
 *   `NetworkError` with `maybeSent: false`;
 * - reset, closed, or an answer that is not HTTP/1.1 once connected: the server may have
 *   received the request → `NetworkError` with `maybeSent: true`.
 *
 * Connections are kept alive and reused (conn_pool.ts), in one pool for reads (at most
 * `maxSockets` per site; more reads wait for one) and one for writes (not limited: a write never
 * waits in a queue, where its time limit would run before it is sent). A write is **never sent
 * twice by the transport**: a write on a reused connection that breaks before its answer is a
 * `NetworkError` with `maybeSent: true`, like any write that broke after its connection was
 * made, and goes through the caller's look-up (lib/upload/upload_once.ts), never a blind
 * resend. A read (idempotent) is sent once more, on a fresh connection, when a reused one was
 * closed before any byte of its answer. A connection carries another request only after an
 * answer read to its end that allows it (see http1.ts); an idle one is closed after `idleMs`
 * (default 4 s), before the usual keep-alive timeout of a server (5 s for Node's), and at once
 * when the server closes it. Aborting the request's signal (ky's time limit) closes its
 * connection.
 *
 * HTTPS: the connection is opened with Deno's own TLS (see tls_connect.ts: it trusts what
 * Deno's `fetch` trusts, `NODE_EXTRA_CA_CERTS` and `DENO_CERT` included, needs no permission
 * beyond `--allow-net`, and says why a certificate is refused). The certificate is always
 * checked: there is no option to switch that off. A refused certificate is a `NetworkError`
 * with `maybeSent: false` and `retryable: false`.
 *
 * Proxies (see proxy.ts, given by the client from the environment): an `https:` request goes
 * through a `CONNECT` tunnel to the site, then TLS with the site's certificate checked; an
 * `http:` request is sent to the proxy in absolute form (`GET http://host/path`). Proxy
 * credentials travel as `Proxy-Authorization` and never appear in messages. A failed
 * `CONNECT`, or a 407 from a plain-HTTP proxy, means nothing was sent (`maybeSent: false`).
 *
 * @module
 */
import { AuthError, NetworkError } from "../errors.ts";
import { type Connection, ConnPool } from "./conn_pool.ts";
import { AnswerFormatError, AnswerParser, encodeRequest, type ParsedAnswer } from "./http1.ts";
import { type ProxyConfig, proxyFor, type ProxyServer } from "./proxy.ts";
import { connectTls, proxyPermission } from "./tls_connect.ts";

/** Header by which ky tells the transport the method to put on the wire (e.g. `GET`). */
export const WIRE_METHOD_HEADER = "x-itkpd-wire-method";

/**
 * Header by which ky tells the transport which token to send, by a short reference from
 * {@link HttpTransport.tokenRef}: the token itself (about a kilobyte) is put on the wire as
 * `Authorization: Bearer …` by the transport, not copied and checked again by each of the
 * `Headers` that ky builds for a request.
 */
export const TOKEN_REF_HEADER = "x-itkpd-token-ref";

/**
 * Header by which ky tells the transport which JSON body to send, by a reference from
 * {@link HttpTransport.lendBody}: the body goes to the wire as it was serialised once, rather
 * than through a `Request` body stream that ky builds, the transport reads back and ky cancels.
 */
export const BODY_REF_HEADER = "x-itkpd-body-ref";

/**
 * The fetch option by which ky hands the transport a request's wire details
 * ({@link WireRequest}): ky passes the options it does not know to its `fetch` (as it does
 * `dispatcher`), so they cost no `Headers` work in the `Request`s ky builds. The headers above
 * remain for callers that give a plain `fetch` call.
 */
export const WIRE_OPTION = "itkpdWire";

/** What ky cannot say in a `Request` (see {@link WIRE_OPTION}). */
export interface WireRequest {
  /** The method on the wire (e.g. `GET` for a read with a JSON body); default the request's. */
  method?: string;
  /** A {@link HttpTransport.tokenRef} reference: sent as `Authorization: Bearer <token>`. */
  tokenRef?: string;
  /** A JSON body, serialised once (sent with `Content-Type: application/json`). */
  json?: Uint8Array;
  /**
   * The caller reads the answer by {@link HttpTransport.answerText} / `answerBytes` /
   * `answerHeaders` only: the Response carries no body (none is built for it), and the headers
   * of an error status only (a success's are read by `answerHeaders`).
   */
  bodiless?: boolean;
}

/** Headers sent when the request has none of its own. */
const DEFAULT_HEADERS: readonly [string, string][] = [
  ["accept", "application/json"],
  ["user-agent", "itkpd-deno/0.1"],
];
/** The content type of a JSON body, and the connection header of every request. */
const CONTENT_TYPE_JSON: [string, string] = ["content-type", "application/json"];
const KEEP_ALIVE: [string, string] = ["connection", "keep-alive"];

const TEXT_ENCODER = new TextEncoder();
const STRICT_UTF8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
/** Content types whose body the transport decodes as text. */
const TEXTUAL = /json|^text\//i;

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

/** Options of {@link HttpTransport}. */
export interface TransportOptions {
  /** Most connections per site for reads (default 16; writes are not limited, so never queued). */
  maxSockets?: number;
  /** Idle keep-alive connections are closed after this many ms (default 4000). */
  idleMs?: number;
  /** Proxies to use (see proxy.ts `proxyConfigFromEnv`); default: none. */
  proxy?: ProxyConfig;
  /** Extra trusted CA certificates (PEM), on top of the ones Deno trusts (never fewer). */
  caCerts?: string[];
}

/** A `fetch`-shaped function. */
export type FetchLike = (input: Request | URL | string, init?: RequestInit) => Promise<Response>;

/** Where a URL's requests go, worked out once per URL. */
interface Target {
  /** `METHOD`-less part of the messages: origin and path. */
  where: string;
  /** The pool key (without reads/writes). */
  key: string;
  tls: boolean;
  hostname: string;
  port: number;
  /** `Host` header. */
  host: string;
  /** The request target: path and query, or the full URL through a plain-HTTP proxy. */
  path: string;
  /** The proxy in use (tunnel for https, absolute form for http). */
  proxy?: ProxyServer;
  /** The plain-HTTP proxy the request is sent to. */
  httpProxy?: ProxyServer;
  /** Its pools, once made (reads, writes). */
  readPool?: ConnPool;
  writePool?: ConnPool;
}

/** An answer as a transport's Response keeps it: its headers, its text or else its bytes. */
type Kept = { headers: [string, string][]; bytes?: Uint8Array; text?: string };

/** A request that broke after its connection was made. */
class Broken extends Error {
  constructor(
    /** No byte of the answer had arrived. */
    readonly beforeAnswer: boolean,
    readonly error: unknown,
    /** The answer was not HTTP/1.1. */
    readonly malformed = false,
  ) {
    super("broken");
  }
}

/**
 * The transport (Deno's TCP and TLS, HTTP/1.1 of our own). Give {@link HttpTransport.fetch} to
 * ky; call {@link HttpTransport.close} when done so that no connection outlives the client. (The
 * name is the one it had when `node:http` carried the requests.)
 *
 * @example
 * ```ts
 * import ky from "ky";
 * import { HttpTransport, WIRE_METHOD_HEADER } from "./transport.ts";
 * const transport = new HttpTransport();
 * const api = ky.create({ fetch: transport.fetch, retry: 0 });
 * // a GET with a JSON body:
 * // await api.post("https://…/listTestTypes", { json: {...}, headers: { [WIRE_METHOD_HEADER]: "GET" } });
 * transport.close();
 * ```
 */
export class HttpTransport {
  readonly #pools = new Map<string, ConnPool>();
  readonly #targets = new Map<string, Target>();
  /** Connections being opened (closed by `close()`, so that none outlives the transport). */
  readonly #opening = new Set<Deno.Conn>();
  #closed = false;
  readonly #options: Required<Omit<TransportOptions, "proxy" | "caCerts">>;
  readonly #proxy: ProxyConfig;
  readonly #caCerts: string[] | undefined;
  /**
   * Tokens by reference (one per token the process used: a handful), as the bytes of their
   * `Authorization` value (`Bearer <token>`), encoded once.
   */
  readonly #tokens = new Map<string, Uint8Array>();
  /** JSON bodies lent for the requests in flight, by reference. */
  readonly #bodies = new Map<string, Uint8Array>();
  #bodyCount = 0;
  #lastToken: { token: string; ref: string } | undefined;
  /** The answers of this transport's Responses (see answerBytes), by a key only it knows. */
  readonly #answerKey = Symbol("answer");

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
    const wire = (init as { [WIRE_OPTION]?: WireRequest } | undefined)?.[WIRE_OPTION];
    let wireMethod = wire?.method;
    let tokenRef = wire?.tokenRef;
    let bodyRef: string | undefined;
    let accept = false;
    let userAgent = false;
    let contentType = false;
    // One pass over the headers: the transport's own ones are taken out.
    const headers: [string, string | Uint8Array][] = [];
    request.headers.forEach((value, key) => {
      if (key === WIRE_METHOD_HEADER) wireMethod ??= value;
      else if (key === BODY_REF_HEADER) bodyRef = value;
      else if (key === TOKEN_REF_HEADER) tokenRef ??= value;
      else {
        if (key === "accept") accept = true;
        else if (key === "user-agent") userAgent = true;
        else if (key === "content-type") contentType = true;
        headers.push([key, value]);
      }
    });
    if (!accept) headers.push(DEFAULT_HEADERS[0]);
    if (!userAgent) headers.push(DEFAULT_HEADERS[1]);
    if (tokenRef !== undefined) {
      const authorization = this.#tokens.get(tokenRef);
      if (authorization !== undefined) headers.push(["authorization", authorization]);
    }
    const method = (wireMethod ?? request.method).toUpperCase();
    let body = wire?.json;
    if (bodyRef !== undefined) {
      body = this.#bodies.get(bodyRef);
      if (body === undefined) {
        throw new NetworkError(
          `${request.url}: the request's body was given back before it was sent`,
          { url: request.url, maybeSent: false, retryable: false },
        );
      }
    }
    if (body !== undefined) {
      if (!contentType) headers.push(CONTENT_TYPE_JSON);
    } else if (request.body) {
      body = new Uint8Array(await request.arrayBuffer());
      signal?.throwIfAborted();
    }
    if (body) headers.push(["content-length", String(body.byteLength)]);
    else if (method === "POST" || method === "PUT" || method === "PATCH") {
      headers.push(["content-length", "0"]);
    }
    return await this.#send(
      request.url,
      method,
      headers,
      body,
      signal ?? undefined,
      wire?.bodiless === true,
    );
  };

  /**
   * A short reference to `token`, to put in the {@link TOKEN_REF_HEADER} header: the transport
   * sends `Authorization: Bearer <token>` in its place.
   */
  tokenRef(token: string): string {
    if (this.#lastToken?.token === token) return this.#lastToken.ref;
    // It goes into a header line as it is: nothing that could end the line or the head.
    if (!/^[\x21-\x7e]+$/.test(token)) {
      throw new AuthError("the token holds characters a token cannot hold: it was not sent", {
        hint: "run get-token again",
      });
    }
    const ref = `t${this.#tokens.size + 1}`;
    this.#tokens.set(ref, TEXT_ENCODER.encode(`Bearer ${token}`));
    this.#lastToken = { token, ref };
    return ref;
  }

  /**
   * Lends a JSON body (as text) for a request: put the reference in the {@link BODY_REF_HEADER}
   * header, and give it back with {@link HttpTransport.returnBody} once the request (with any
   * retries) is over. The transport sends it with `Content-Type: application/json`.
   */
  lendBody(json: string): string {
    const ref = `b${++this.#bodyCount}`;
    this.#bodies.set(ref, TEXT_ENCODER.encode(json));
    return ref;
  }

  /** Ends the loan of {@link HttpTransport.lendBody}. */
  returnBody(ref: string): void {
    this.#bodies.delete(ref);
  }

  /**
   * The body of an answer this transport made, as received (undefined for any other Response):
   * read without the stream that `Response.arrayBuffer()` would make, and whatever ky did with
   * the Response's own body.
   */
  answerBytes(response: Response): Uint8Array | undefined {
    const kept = this.#answerOf(response);
    if (kept === undefined) return undefined;
    return kept.bytes ??= TEXT_ENCODER.encode(kept.text);
  }

  /**
   * The body of an answer this transport made as text, when it was sent as JSON or text and is
   * valid UTF-8 (decoded once, here); undefined otherwise (read {@link answerBytes} then).
   */
  answerText(response: Response): string | undefined {
    return this.#answerOf(response)?.text;
  }

  /**
   * The headers of an answer this transport made, as received (names in lower case, in order,
   * repeated ones kept); undefined for any other Response. For a `bodiless` success, the only
   * place they are.
   */
  answerHeaders(response: Response): readonly (readonly [string, string])[] | undefined {
    return this.#answerOf(response)?.headers;
  }

  #answerOf(response: Response): Kept | undefined {
    return (response as unknown as Record<symbol, Kept>)[this.#answerKey];
  }

  /** True once {@link HttpTransport.close} was called. */
  get closed(): boolean {
    return this.#closed;
  }

  /**
   * Closes every connection; later requests fail at once with the one-line error of
   * {@link closedClientError} (`maybeSent: false`, not retried).
   */
  close(): void {
    this.#closed = true;
    for (const pool of this.#pools.values()) pool.close(closedClientError());
    this.#pools.clear();
    for (const conn of this.#opening) {
      try {
        conn.close();
      } catch { /* closed already */ }
    }
    this.#opening.clear();
  }

  /** Where the requests to `url` go (cached: a client asks a few dozen URLs). */
  #target(url: string): Target {
    const known = this.#targets.get(url);
    if (known) return known;
    const u = new URL(url);
    const tls = u.protocol === "https:";
    const proxy = proxyFor(u, this.#proxy);
    // Plain HTTP through a proxy: the request goes to the proxy, naming the full URL.
    const httpProxy = tls ? undefined : proxy;
    const hostname = u.hostname.replace(/^\[|\]$/g, "");
    const port = Number(u.port || (tls ? 443 : 80));
    const target: Target = {
      where: `${u.origin}${u.pathname}`,
      key: `${u.protocol}//${u.host}|${proxy?.display ?? ""}`,
      tls,
      hostname,
      port,
      host: u.host,
      path: httpProxy ? u.href.replace(/#.*$/, "") : u.pathname + u.search,
      proxy,
      httpProxy,
    };
    if (this.#targets.size >= 256) this.#targets.clear();
    this.#targets.set(url, target);
    return target;
  }

  /** The pool of a target's reads, or of its writes (see the module doc). */
  #poolFor(target: Target, read: boolean): ConnPool {
    const known = read ? target.readPool : target.writePool;
    if (known) return known;
    // Targets of one origin (and proxy) share their pools.
    const key = `${read ? "r" : "w"}|${target.key}`;
    let pool = this.#pools.get(key);
    if (!pool) {
      pool = new ConnPool({
        limit: read ? this.#options.maxSockets : Infinity,
        idleMs: this.#options.idleMs,
        open: (url) => target.tls ? this.#openTls(target, url) : this.#openTcp(target),
      });
      this.#pools.set(key, pool);
    }
    if (read) target.readPool = pool;
    else target.writePool = pool;
    return pool;
  }

  #openTls(target: Target, url: string): Promise<Deno.Conn> {
    return connectTls({
      hostname: target.hostname,
      port: target.port,
      proxy: target.proxy,
      caCerts: this.#caCerts,
      url,
      track: (conn, done) => done ? this.#opening.delete(conn) : this.#opening.add(conn),
    });
  }

  async #openTcp(target: Target): Promise<Deno.Conn> {
    const to = target.httpProxy ?? target;
    const conn = await Deno.connect({ hostname: to.hostname, port: to.port });
    if (this.#closed) {
      conn.close();
      throw closedClientError();
    }
    conn.setNoDelay(true);
    return conn;
  }

  /** Sends a request (and a read once more, see the module doc), aborted by `signal`. */
  #send(
    url: string,
    method: string,
    headers: [string, string | Uint8Array][],
    body: Uint8Array | undefined,
    signal: AbortSignal | undefined,
    bodiless = false,
  ): Promise<Response> {
    const target = this.#target(url);
    const read = method === "GET" || method === "HEAD";
    const pool = this.#poolFor(target, read);
    if (target.httpProxy?.authorization) {
      headers.push(["proxy-authorization", target.httpProxy.authorization]);
    }
    headers.push(KEEP_ALIVE);
    const where = () => `${method} ${target.where}`;
    const state: { connection?: Connection; aborted: boolean } = { aborted: false };
    const run = async (): Promise<Response> => {
      for (let attempt = 0;; attempt++) {
        let connection: Connection;
        try {
          connection = await pool.acquire(url, signal, attempt > 0);
        } catch (error) {
          throw this.#notConnected(error, where(), url, target.httpProxy);
        }
        if (state.aborted) {
          pool.discard(connection);
          throw signal!.reason;
        }
        state.connection = connection;
        const reused = connection.used;
        let answer: ParsedAnswer;
        try {
          const bytes = encodeRequest(
            method,
            target.path,
            target.host,
            headers,
            body,
            connection.scratch,
          );
          answer = await exchange(connection, bytes, method === "HEAD");
        } catch (error) {
          state.connection = undefined;
          pool.discard(connection);
          if (state.aborted) throw signal!.reason;
          if (!(error instanceof Broken)) throw error;
          // A read on a reused connection that the server had closed: once more, on a new one.
          if (error.beforeAnswer && reused && read && attempt === 0) continue;
          throw brokenError(error, where(), url);
        }
        state.connection = undefined;
        try {
          // Before the connection reads again: the answer's body may be a view of its buffer.
          return this.#response(answer, method, where, url, target.httpProxy, bodiless);
        } finally {
          // Bytes after the answer were not asked for: the connection is not used again then.
          if (answer.reusable) pool.release(connection);
          else pool.discard(connection);
        }
      }
    };
    if (!signal) return run();
    return new Promise<Response>((resolve, reject) => {
      const onAbort = () => {
        state.aborted = true;
        if (state.connection) pool.discard(state.connection);
        reject(signal.reason ?? new DOMException("aborted", "AbortError"));
      };
      signal.addEventListener("abort", onAbort);
      run().then((response) => {
        signal.removeEventListener("abort", onAbort);
        resolve(response);
      }, (error) => {
        signal.removeEventListener("abort", onAbort);
        reject(error);
      });
    });
  }

  /** The answer as the Response ky gets (its bytes kept aside, see answerBytes). */
  #response(
    answer: ParsedAnswer,
    method: string,
    where: () => string,
    url: string,
    httpProxy: ProxyServer | undefined,
    bodiless: boolean,
  ): Response {
    const status = answer.status;
    if (httpProxy && status === 407) throw proxyAuthRequired(httpProxy, url);
    const noBody = status === 204 || status === 205 || status === 304 || method === "HEAD";
    let bytes: Uint8Array<ArrayBuffer> | undefined = noBody ? new Uint8Array(0) : answer.body;
    // A JSON or text answer is decoded here, once: its Response holds the text (not a second
    // copy of the bytes) and the engine parses it as it is.
    let contentType: string | undefined;
    const received = answer.headers;
    for (let i = 0; i < received.length; i++) {
      if (received[i][0] === "content-type") {
        contentType = received[i][1];
        break;
      }
    }
    let text: string | undefined;
    if (!noBody && contentType !== undefined && TEXTUAL.test(contentType)) {
      try {
        text = STRICT_UTF8.decode(bytes);
      } catch { /* not UTF-8: the bytes are the body */ }
    }
    // The body (a view of the connection's buffer, see exchange) is kept as its text, which
    // gives the same bytes back (strict UTF-8, byte order mark kept), or else as a copy.
    bytes = text === undefined ? bytes.slice() : undefined;
    try {
      // The other headers are added afterwards: a Response made with its headers and a body
      // prepares them for Deno.serve too (a native copy, finalised later), which costs more
      // than all the rest of this function.
      const kept: Kept = { headers: answer.headers, bytes, text };
      if (bodiless && status >= 200 && status < 300) {
        // What ky reads of a success is its status: the rest is read from `kept`.
        const response = new Response(null, { status, statusText: answer.statusText });
        (response as unknown as Record<symbol, unknown>)[this.#answerKey] = kept;
        return response;
      }
      const response = new Response(noBody || bodiless ? null : text ?? bytes, {
        status,
        statusText: answer.statusText,
        headers: text === undefined ? undefined : { "content-type": contentType! },
      });
      const headers = response.headers;
      let typeSet = text !== undefined;
      for (const [name, value] of answer.headers) {
        // The content type given at construction is the first one.
        if (typeSet && name === "content-type") typeSet = false;
        else headers.append(name, value);
      }
      (response as unknown as Record<symbol, unknown>)[this.#answerKey] = kept;
      return response;
    } catch (error) {
      throw new NetworkError(`${where()}: unusable answer (HTTP ${status})`, {
        url,
        maybeSent: true,
        cause: error,
      });
    }
  }

  /** A failure to get a connection: nothing was sent. */
  #notConnected(
    error: unknown,
    where: string,
    url: string,
    proxy: ProxyServer | undefined,
  ): unknown {
    // A missing --allow-net is not a network fault: nothing was sent, and the user must see the
    // permission problem itself. A NetworkError comes from connectTls (nothing sent, one line).
    if (error instanceof Deno.errors.NotCapable && proxy) return proxyPermission(proxy);
    if (
      error instanceof Deno.errors.NotCapable || error instanceof Deno.errors.PermissionDenied ||
      error instanceof NetworkError || (error instanceof DOMException) ||
      !(error instanceof Error)
    ) {
      return error;
    }
    if (this.#closed) return closedClientError(url);
    const code = errorCode(error);
    const reason = code ? `${code} (${error.message})` : error.message;
    const known = NOT_CONNECTED_CODES.has(code);
    return new NetworkError(
      `${where}: could not connect${
        proxy ? ` to the proxy ${proxy.display} (${proxy.variable})` : ""
      }; the request was not sent: ${reason}`,
      {
        url,
        maybeSent: false,
        cause: error,
        hint: proxy
          ? `check ${proxy.variable}, or list the host in NO_PROXY to connect directly`
          : known || code === "ETIMEDOUT"
          ? "check ITKDB_API_URL / ITKDB_AUTH_URL and the network"
          : undefined,
      },
    );
  }
}

/**
 * One request on one connection: writes it and reads the answer whole (the caller then keeps
 * the connection for another request, or closes it).
 *
 * @throws {Broken} when the connection breaks or the answer is not HTTP/1.1.
 */
async function exchange(
  connection: Connection,
  bytes: Uint8Array,
  noBody: boolean,
): Promise<ParsedAnswer> {
  // The body may be a view of the connection's buffer: #response decodes or copies it before
  // the connection is used again.
  const parser = new AnswerParser({ noBody, borrow: true });
  try {
    await connection.write(bytes);
    for (;;) {
      const chunk = await connection.read();
      if (chunk === null) {
        if (!parser.end()) throw new Broken(!parser.started, undefined);
        return parser.answer();
      }
      const took = parser.push(chunk);
      if (took < 0) continue;
      const answer = parser.answer();
      if (took < chunk.length) answer.reusable = false;
      return answer;
    }
  } catch (error) {
    if (error instanceof Broken) throw error;
    if (error instanceof AnswerFormatError) throw new Broken(false, error, true);
    throw new Broken(!parser.started, error);
  }
}

/** The error of a request that broke once connected: it may have been received. */
function brokenError(broken: Broken, where: string, url: string): NetworkError {
  const error = broken.error;
  if (broken.malformed) {
    return new NetworkError(
      `${where}: the answer is not valid HTTP/1.1 (${(error as Error).message}); ` +
        "the request may have been received",
      { url, maybeSent: true, cause: error },
    );
  }
  if (!broken.beforeAnswer && error === undefined) {
    return new NetworkError(`${where}: connection closed in the middle of the answer`, {
      url,
      maybeSent: true,
    });
  }
  const reason = error === undefined
    ? "ECONNRESET (the server closed the connection without answering)"
    : error instanceof Error
    ? `${errorCode(error) || error.name} (${error.message})`
    : String(error);
  return new NetworkError(
    `${where}: connection broke after the request was sent; its outcome is unknown: ${reason}`,
    { url, maybeSent: true, cause: error },
  );
}

/** The error code of a Deno I/O error, as Node names them (empty when unknown). */
function errorCode(error: Error): string {
  const own = (error as { code?: unknown }).code;
  if (typeof own === "string" && /^E[A-Z_]+$/.test(own)) return own;
  const e = Deno.errors;
  if (error instanceof e.ConnectionRefused) return "ECONNREFUSED";
  if (error instanceof e.ConnectionReset) return "ECONNRESET";
  if (error instanceof e.ConnectionAborted) return "ECONNABORTED";
  if (error instanceof e.BrokenPipe) return "EPIPE";
  if (error instanceof e.TimedOut) return "ETIMEDOUT";
  if (error instanceof e.AddrInUse) return "EADDRINUSE";
  if (error instanceof e.AddrNotAvailable) return "EADDRNOTAVAIL";
  if (error instanceof e.NetworkUnreachable) return "ENETUNREACH";
  const m = error.message;
  if (/temporary failure in name resolution/i.test(m)) return "EAI_AGAIN";
  if (/lookup address|name or service not known|nodename nor servname|no such host/i.test(m)) {
    return "ENOTFOUND";
  }
  if (/network is unreachable/i.test(m)) return "ENETUNREACH";
  if (/no route to host|host is unreachable/i.test(m)) return "EHOSTUNREACH";
  return "";
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
