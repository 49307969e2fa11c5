/**
 * The request engine: one ky instance over the `node:http` transport, with per-request
 * timeouts, token injection, one renewal on an invalid-token 401, retries with exponential
 * backoff and full jitter, answer → error mapping, warnings and the verbose log.
 *
 * ## When a request is sent again
 * Reads (`get…`, `list…`, the key set, grantToken) are idempotent: they are retried on any
 * network error, on HTTP 429 and on 5xx (and on timeouts when `retryOnTimeout` is set).
 *
 * A write (`register…`, `set…`, `upload…`, `create…`, `delete…`) is sent again **only** when
 * the first attempt provably had no effect:
 * - (a) the transport proved that no connection was established (connection refused, DNS
 *   failure, unreachable host, failed TLS handshake): `NetworkError.maybeSent === false`, so no
 *   byte of the request reached the server;
 * - (b) the server answered HTTP 429 (Too Many Requests, RFC 6585 §4) or 503 (Service
 *   Unavailable, RFC 9110 §15.6.4): both say the request was refused before being processed;
 *   a `Retry-After` header is honoured (capped by `retryMaxMs`);
 * - (c) HTTP 401 with an invalid-token code: authentication is checked before the command
 *   runs, so the write did not happen; it is sent once more with a renewed token.
 *
 * Anything else after the request may have left (reset, socket hang up, a timeout) throws a
 * `NetworkError` with `maybeSent: true` and is **not** resent: the caller (the batch engine)
 * must look on the server (e.g. `listTestRunsByComponent`) before sending it again. Writes also
 * travel on a fresh connection, never a reused keep-alive one (see transport.ts: Deno's
 * `node:http` client would otherwise resend them by itself on a reset).
 *
 * @module
 */
import ky, { type KyInstance, TimeoutError as KyTimeoutError } from "ky";
import { AuthError, NetworkError, ServerError, TimeoutError } from "../errors.ts";
import {
  type ApiWarning,
  errorForAnswer,
  errorMapOf,
  isInvalidTokenAnswer,
  parseBody,
  type ParsedBody,
  warningsIn,
} from "./errors_map.ts";
import { redact } from "./redact.ts";
import {
  BODY_REF_HEADER,
  closedClientError,
  type NodeTransport,
  TOKEN_REF_HEADER,
  WIRE_METHOD_HEADER,
} from "./transport.ts";

/**
 * What a failed write means for the database, by the rules of the module doc:
 * - `not-sent`: no connection was made, no byte left (`NetworkError.maybeSent === false`);
 * - `not-stored`: the server answered that it did not perform it: 429 and 503 (refused before
 *   processing), 507 (Insufficient Storage: it could not store it);
 * - `unknown`: it may or may not be stored: a timeout, a connection broken after sending, any
 *   other 5xx (the service failed somewhere while performing it);
 * - `refused`: any other answer (400 invalid dtoIn, 401/403, 404, …) or a failure before
 *   sending (an input or token problem): not stored.
 */
export type WriteFailure = "not-sent" | "not-stored" | "unknown" | "refused";

/** HTTP statuses by which the server says it did not perform a write. */
const NOT_PERFORMED = new Set([429, 503, 507]);

/**
 * Classifies the error of a write (after the client's own retries) by {@link WriteFailure}.
 *
 * @example
 * ```ts
 * import { classifyWriteFailure } from "./http.ts";
 * import { NetworkError, ServerError, TimeoutError } from "../errors.ts";
 * classifyWriteFailure(new NetworkError("refused", { maybeSent: false })); // "not-sent"
 * classifyWriteFailure(new TimeoutError("slow")); // "unknown"
 * classifyWriteFailure(new ServerError("uploadTestRunResults", 500, {})); // "unknown"
 * classifyWriteFailure(new ServerError("uploadTestRunResults", 507, {})); // "not-stored"
 * classifyWriteFailure(new ServerError("uploadTestRunResults", 400, {})); // "refused"
 * ```
 */
export function classifyWriteFailure(error: unknown): WriteFailure {
  if (error instanceof NetworkError) return error.maybeSent ? "unknown" : "not-sent";
  if (error instanceof ServerError) {
    if (NOT_PERFORMED.has(error.status)) return "not-stored";
    return error.status >= 500 ? "unknown" : "refused";
  }
  return "refused";
}

/** Whether a request may be repeated freely (`read`) or only when provably safe (`write`). */
export type RetryPolicy = "read" | "write";

/** Where the engine gets the bearer token. */
export interface TokenSource {
  /** A valid token (renewed first when it is about to lapse). */
  getToken(): Promise<string>;
  /** Called when the service refused `token`; the next `getToken` renews it (once). */
  invalidate(token: string): void;
}

/** Options of {@link HttpEngine}. */
export interface HttpEngineOptions {
  transport: NodeTransport;
  /** Per-attempt time limit in ms. */
  timeoutMs: number;
  /** Retries after the first attempt. */
  retries: number;
  /** Base delay of the backoff in ms. */
  retryBaseMs: number;
  /** Longest single delay in ms (default 10 000). */
  retryMaxMs?: number;
  /** Also retry reads after a timeout (default false: a timeout already waited long). */
  retryOnTimeout?: boolean;
  /** Verbose log (lines are redacted before they get here). */
  log?: (line: string) => void;
  /** Receives each warning of a successful answer. */
  onWarning?: (warning: ApiWarning) => void;
}

/** One request. */
export interface SendOptions {
  /** The command, for messages (`getComponent`, `grantToken`). */
  command: string;
  /** Full URL. */
  url: string;
  /** What goes on the wire. GET with `json` is a GET with a JSON body. */
  wireMethod: "GET" | "POST";
  /** The JSON body (dtoIn). */
  json?: unknown;
  /**
   * A `multipart/form-data` body (a file upload) instead of `json`: ky and `Request` encode it
   * and set its `Content-Type` with the boundary; the transport forwards both unchanged.
   */
  form?: FormData;
  /** Send `Authorization: Bearer <token>`. */
  auth: boolean;
  /** Retry rule, see the module doc. */
  policy: RetryPolicy;
  /** `json` (default) or `bytes` (binary data). */
  expect?: "json" | "bytes";
  /** Raw mode: give back any answer (status + parsed body) instead of mapping errors. */
  raw?: boolean;
  /** Cancels the request (and its retries). */
  signal?: AbortSignal;
}

/** A successful answer. */
export interface SendResult {
  status: number;
  /** Parsed JSON, or the bytes when `expect: "bytes"` and the answer was not JSON. */
  value: unknown;
  /** The parsed body (raw mode). */
  body: ParsedBody;
  /** Warnings of the answer's uuAppErrorMap. */
  warnings: ApiWarning[];
}

/** One answer as received. */
interface Answer {
  status: number;
  body: ParsedBody;
  bytes?: Uint8Array;
  retryAfter?: number;
}

/**
 * Sends ITkPD requests. Built by the client; exposed for advanced use.
 *
 * @example
 * ```ts
 * import { HttpEngine } from "./http.ts";
 * import { NodeTransport } from "./transport.ts";
 * const transport = new NodeTransport();
 * const engine = new HttpEngine({ transport, timeoutMs: 5000, retries: 2, retryBaseMs: 100 });
 * // await engine.send({ command: "listInstitutions", url: "https://…/listInstitutions",
 * //   wireMethod: "GET", json: {}, auth: true, policy: "read" });
 * transport.close();
 * ```
 */
export class HttpEngine {
  /** The token source; set by the client once the token manager exists. */
  tokens?: TokenSource;
  readonly #ky: KyInstance;
  readonly #options: HttpEngineOptions;
  #requests = 0;
  #retriesDone = 0;

  constructor(options: HttpEngineOptions) {
    this.#options = options;
    this.#ky = ky.create({
      fetch: options.transport.fetch,
      retry: 0, // retries are decided here, with the write-safety rules above
      timeout: options.timeoutMs,
      throwHttpErrors: false,
      headers: { accept: "application/json", "user-agent": "itkpd-deno/0.1" },
    });
  }

  /** Requests put on the wire and retries made so far. */
  get stats(): { requests: number; retries: number } {
    return { requests: this.#requests, retries: this.#retriesDone };
  }

  /** Sends one request with the retry rules of the module doc. */
  async send(o: SendOptions): Promise<SendResult> {
    const { retries } = this.#options;
    let attempt = 0;
    let renewed = false;
    // A closed client fails at once: no token, no retry, one line.
    if (this.#options.transport.closed) throw closedClientError(o.url);
    for (;;) {
      o.signal?.throwIfAborted();
      const token = o.auth ? await this.#token() : undefined;
      let outcome: { response: Answer } | { error: Error };
      const started = performance.now();
      try {
        outcome = { response: await this.#once(o, token) };
        this.#log(
          `${o.wireMethod} ${o.url} ${outcome.response.status} ${elapsed(started)} ms`,
        );
      } catch (error) {
        const mapped = this.#mapThrown(error, o);
        const sent = mapped instanceof NetworkError
          ? (mapped.maybeSent ? ", may have been sent" : ", not sent")
          : "";
        this.#log(
          `${o.wireMethod} ${o.url} failed after ${elapsed(started)} ms: ${mapped.name}${sent}`,
        );
        outcome = { error: mapped };
      }

      if ("error" in outcome) {
        const error = outcome.error;
        if (attempt < retries && this.#mayRetryError(error, o.policy)) {
          await this.#backoff(++attempt, error.name, undefined, o.signal);
          continue;
        }
        throw error;
      }

      const { status, body, bytes, retryAfter } = outcome.response;
      const map = errorMapOf(body);
      if (o.auth && token && !renewed && isInvalidTokenAnswer(status, map) && this.tokens) {
        // (c) the service refused the token before running the command: renew once, resend.
        renewed = true;
        this.tokens.invalidate(token);
        this.#log(`${o.command}: token refused (HTTP 401), renewing it once`);
        continue;
      }
      if (attempt < retries && this.#mayRetryStatus(status, o.policy)) {
        await this.#backoff(++attempt, `HTTP ${status}`, retryAfter, o.signal);
        continue;
      }
      if (o.raw) return { status, value: undefined, body, warnings: [] };
      if (o.expect === "bytes" && bytes && status >= 200 && status < 300) {
        return { status, value: bytes, body, warnings: [] };
      }
      const error = errorForAnswer(o.command, o.url, status, body);
      if (error) throw error;
      const warnings = warningsIn(o.command, map);
      for (const w of warnings) {
        this.#log(
          `warning from ${w.command}: ${w.code}: ${w.message}${
            w.unsupportedKeys.length ? ` (${w.unsupportedKeys.join(", ")})` : ""
          }`,
        );
        this.#options.onWarning?.(w);
      }
      return { status, value: body.kind === "json" ? body.value : undefined, body, warnings };
    }
  }

  async #token(): Promise<string> {
    if (!this.tokens) throw new AuthError("no token source configured");
    return await this.tokens.getToken();
  }

  async #once(
    o: SendOptions,
    token: string | undefined,
  ): Promise<Answer> {
    const headers: Record<string, string> = {};
    if (token) headers[TOKEN_REF_HEADER] = this.#options.transport.tokenRef(token);
    const hasBody = o.json !== undefined || o.form !== undefined;
    // `Request` refuses a GET body: ky builds a POST and the transport sends it as GET.
    if (o.wireMethod === "GET" && hasBody) headers[WIRE_METHOD_HEADER] = "GET";
    // A JSON body is serialised once and lent to the transport (see BODY_REF_HEADER).
    const transport = this.#options.transport;
    const bodyRef = o.form === undefined && o.json !== undefined
      ? transport.lendBody(JSON.stringify(o.json))
      : undefined;
    if (bodyRef !== undefined) headers[BODY_REF_HEADER] = bodyRef;
    this.#requests++;
    let response: Response;
    try {
      response = await this.#ky(o.url, {
        method: hasBody ? "POST" : o.wireMethod,
        ...(o.form ? { body: o.form } : {}),
        headers,
        signal: o.signal,
      });
    } finally {
      if (bodyRef !== undefined) transport.returnBody(bodyRef);
    }
    const buffer = new Uint8Array(await response.arrayBuffer());
    const contentType = response.headers.get("content-type");
    const retryAfter = parseRetryAfter(response.headers.get("retry-after"));
    const status = response.status;
    if (o.expect === "bytes" && isDownload(status, contentType, response.headers)) {
      return { status, body: { kind: "text", text: "" }, bytes: buffer, retryAfter };
    }
    const text = new TextDecoder().decode(buffer);
    return { status, body: parseBody(text, contentType), retryAfter };
  }

  #mapThrown(error: unknown, o: SendOptions): Error {
    if (error instanceof NetworkError) return error;
    if (error instanceof KyTimeoutError) {
      return new TimeoutError(
        `${o.wireMethod} ${o.url}: no answer within ${this.#options.timeoutMs} ms`,
        {
          url: o.url,
          maybeSent: true,
          hint: "the site is slow or unreachable; try again later (library: the timeoutMs option)",
        },
      );
    }
    if (error instanceof Error && error.name === "NetworkError") {
      // ky's own NetworkError (a raw fetch failure): outcome unknown.
      return new NetworkError(`${o.wireMethod} ${o.url}: ${redact(error.message)}`, {
        url: o.url,
        maybeSent: true,
        cause: error,
      });
    }
    return error instanceof Error ? error : new Error(String(error));
  }

  #mayRetryError(error: Error, policy: RetryPolicy): boolean {
    if (!(error instanceof NetworkError)) return false;
    if (!error.retryable) return false; // a refused certificate, a proxy that says no
    if (/CERT|SELF_SIGNED|TLS|SSL/i.test(String((error.cause as { code?: string })?.code))) {
      return false; // a refused certificate will be refused again
    }
    if (error instanceof TimeoutError) {
      return policy === "read" && this.#options.retryOnTimeout === true;
    }
    // (a) writes only when the transport proved nothing was sent.
    return policy === "read" || error.maybeSent === false;
  }

  #mayRetryStatus(status: number, policy: RetryPolicy): boolean {
    if (policy === "read") return status === 429 || (status >= 500 && status <= 599);
    // (b) writes only when the server said it did not process the request.
    return status === 429 || status === 503;
  }

  async #backoff(
    attempt: number,
    reason: string,
    retryAfter: number | undefined,
    signal?: AbortSignal,
  ): Promise<void> {
    this.#retriesDone++;
    const max = this.#options.retryMaxMs ?? 10_000;
    // Exponential backoff with full jitter: uniform in [0, min(max, base·2^(attempt-1))].
    const ceiling = Math.min(max, this.#options.retryBaseMs * 2 ** (attempt - 1));
    const delay = retryAfter !== undefined
      ? Math.min(max, retryAfter)
      : Math.round(Math.random() * ceiling);
    this.#log(`retry ${attempt}/${this.#options.retries} in ${delay} ms (${reason})`);
    await sleep(delay, signal);
  }

  #log(line: string): void {
    this.#options.log?.(redact(line));
  }
}

/**
 * True when an answer to a download holds the file itself: a success that is not the site's
 * HTML page (an unknown route answers one with status 200), or any success sent as an
 * attachment. A JSON file is a file too: errors come with an error status.
 */
function isDownload(status: number, contentType: string | null, headers: Headers): boolean {
  if (status < 200 || status > 299) return false;
  if (/attachment/i.test(headers.get("content-disposition") ?? "")) return true;
  return !/html/i.test(contentType ?? "");
}

function elapsed(started: number): number {
  return Math.round(performance.now() - started);
}

/** The delay a `Retry-After` header asks for (seconds or an HTTP date), in ms. */
function parseRetryAfter(header: string | null): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(id);
      reject(signal?.reason);
    };
    const id = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
