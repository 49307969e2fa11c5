/**
 * The request engine: one ky instance over the client's own HTTP/1.1 transport (transport.ts).
 * ky does the timeouts and the retries (exponential backoff with full jitter, `Retry-After`
 * honoured within `retryMaxMs`, an abortable wait); this module says, through ky's `retry`
 * options and hooks, which failures may be sent again, and adds token injection, one renewal on
 * an invalid-token 401, answer → error mapping, warnings and the verbose log.
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
 * In ky's terms: `retry.statusCodes` are 429 and 5xx for reads, 429 and 503 for writes (b), a
 * `Retry-After` of any of them is honoured; `retry.shouldRetry` refuses what cannot help
 * (`NetworkError.retryable === false`: a refused certificate, a proxy that says no, a closed
 * client), a write whose connection was made (a), and a timed-out write. The one renewal of
 * (c) is a second call of ky with the renewed token, outside the retry count.
 *
 * Anything else after the request may have left (reset, socket hang up, a timeout) throws a
 * `NetworkError` with `maybeSent: true` and is **not** resent: the caller (the batch engine)
 * must look on the server (e.g. `listTestRunsByComponent`) before sending it again. Writes
 * travel on kept-alive connections too, and the transport never sends one twice by itself (see
 * transport.ts): a reused connection that breaks is "maybe sent" as any other.
 *
 * What the transport puts on the wire beside ky's `Request` (the method, the token by reference,
 * the JSON body serialised once) is one fetch option of ky's (`WIRE_OPTION`), so a call costs ky
 * no `Headers` or body work of ours: ky's `Request` is a GET without a body (a form upload's is
 * the POST that carries the form).
 *
 * Each answer is read as the transport received it (`HttpTransport.answerText` /
 * `answerBytes`): no hook of ky's sees it, so ky never clones a Response or tees its body, and
 * the Response ky gets carries the status and headers only (`WireRequest.bodiless`).
 *
 * @module
 */
import ky, {
  type BeforeErrorState,
  type BeforeRetryState,
  isHTTPError,
  type KyInstance,
  type Options as KyOptions,
  type RetryOptions,
  type ShouldRetryState,
  TimeoutError as KyTimeoutError,
} from "ky";
import { AuthError, NetworkError, ServerError, TimeoutError } from "../errors.ts";
import {
  type ApiWarning,
  errorForAnswer,
  errorMapOf,
  formatWarning,
  isInvalidTokenAnswer,
  parseBody,
  type ParsedBody,
  warningsIn,
} from "./errors_map.ts";
import { redact } from "./redact.ts";
import {
  closedClientError,
  type HttpTransport,
  WIRE_OPTION,
  type WireRequest,
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
  transport: HttpTransport;
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
  /** The JSON body as text, sent as it is (in place of `json`; a checked dtoIn's). */
  jsonText?: string;
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
}

/**
 * What the hooks of one {@link HttpEngine.send} share about its attempts. It is also what the
 * transport puts on the wire (its {@link WireRequest} fields: method, token by reference, JSON
 * body), so that one object, ky's `WIRE_OPTION`, carries both: the hooks find it in the options
 * ky hands them, the transport in its fetch options.
 */
interface Exchange extends WireRequest {
  /** The request. */
  readonly send: SendOptions;
  /** The token of the attempt under way. */
  token?: string;
  /** The one renewal of (c) was asked for. */
  renewed: boolean;
  /** Retries made so far (the renewal is not one). */
  retries: number;
  /** When the attempt under way started, and when it failed (performance.now()). */
  startedAt: number;
  failedAt: number;
  /** The attempt under way was logged (its answer, or its failure). */
  logged: boolean;
}

/** The `Exchange` a ky hook belongs to (ky hands its `WIRE_OPTION` on in the hook's options). */
function exchangeOf(options: object): Exchange {
  return (options as Record<string, unknown>)[WIRE_OPTION] as Exchange;
}

/** HTTP statuses a read is sent again after: 429 and every 5xx. */
const READ_RETRY_STATUSES = [429, ...Array.from({ length: 100 }, (_, i) => 500 + i)];
/** HTTP statuses a write is sent again after, (b) of the module doc: refused before processing. */
const WRITE_RETRY_STATUSES = [429, 503];

/**
 * Sends ITkPD requests. Built by the client; exposed for advanced use.
 *
 * @example
 * ```ts
 * import { HttpEngine } from "./http.ts";
 * import { HttpTransport } from "./transport.ts";
 * const transport = new HttpTransport();
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
      // Every attempt ky makes goes through here: the requests put on the wire are counted.
      fetch: (input, init) => {
        this.#requests++;
        return options.transport.fetch(input, init);
      },
      timeout: options.timeoutMs,
      // ky's default `throwHttpErrors: true` (not set: one key less to merge per call): every
      // error status goes through ky's retry decision; `send` maps the answer ky gives up with.
      // `Accept: application/json` and the user agent are the transport's defaults: no header
      // here, so that ky's Headers and Requests stay empty.
      hooks: {
        beforeRetry: [async (state) => await this.#beforeRetry(state)],
        beforeError: [(state) => this.#failed(state)],
      },
    });
  }

  /** Requests put on the wire and retries made so far. */
  get stats(): { requests: number; retries: number } {
    return { requests: this.#requests, retries: this.#retriesDone };
  }

  /** Sends one request with the retry rules of the module doc. */
  async send(o: SendOptions): Promise<SendResult> {
    // A closed client fails at once: no token, no retry, one line.
    if (this.#options.transport.closed) throw closedClientError(o.url);
    o.signal?.throwIfAborted();
    const transport = this.#options.transport;
    // The wire details go to the transport beside ky's Request (see WIRE_OPTION): ky builds a
    // GET without a body (its default method, so no option for it), the transport puts the wire
    // method and the JSON body (serialised once for every attempt) on the wire. Only a form is
    // in ky's Request (a POST), which encodes it.
    // The answer is read from the transport (readAnswer): its Response needs no body.
    const exchange: Exchange = {
      send: o,
      method: o.wireMethod,
      bodiless: true,
      renewed: false,
      retries: 0,
      startedAt: 0,
      failedAt: 0,
      logged: false,
    };
    if (o.form === undefined && o.jsonText !== undefined) {
      exchange.json = TEXT_ENCODER.encode(o.jsonText);
    } else if (o.form === undefined && o.json !== undefined) {
      exchange.json = TEXT_ENCODER.encode(JSON.stringify(o.json));
    }
    if (o.auth) {
      exchange.token = await this.#token();
      exchange.tokenRef = transport.tokenRef(exchange.token);
    }
    // As few keys as can be: ky merges them with its defaults key by key on every call.
    const options = {
      retry: this.#retryOptions(o, exchange),
      [WIRE_OPTION]: exchange,
    } as KyOptions & { [WIRE_OPTION]: WireRequest };
    if (o.form) {
      options.method = "POST";
      options.body = o.form;
    }
    if (o.signal) options.signal = o.signal;
    let answer: Answer;
    for (;;) {
      exchange.startedAt = performance.now();
      exchange.logged = false;
      let response: Response;
      try {
        response = await this.#ky(o.url, options);
      } catch (error) {
        // An error status after ky's retries: its answer is mapped below.
        if (!isHTTPError(error)) throw error;
        response = error.response;
      }
      answer = await readAnswer(transport, response, o.expect);
      if (!exchange.logged && this.#options.log) {
        this.#log(`${o.wireMethod} ${o.url} ${answer.status} ${elapsed(exchange.startedAt)} ms`);
      }
      const token = exchange.token;
      if (
        o.auth && token && !exchange.renewed && this.tokens &&
        isInvalidTokenAnswer(answer.status, errorMapOf(answer.body))
      ) {
        // (c) the service refused the token before running the command: renew once, resend.
        exchange.renewed = true;
        this.tokens.invalidate(token);
        this.#log(`${o.command}: token refused (HTTP 401), renewing it once`);
        exchange.token = await this.#token();
        exchange.tokenRef = transport.tokenRef(exchange.token);
        continue;
      }
      break;
    }
    const { status, body, bytes } = answer;
    if (o.raw) return { status, value: undefined, body, warnings: [] };
    if (o.expect === "bytes" && bytes && status >= 200 && status < 300) {
      return { status, value: bytes, body, warnings: [] };
    }
    const error = errorForAnswer(o.command, o.url, status, body);
    if (error) throw error;
    const warnings = warningsIn(o.command, errorMapOf(body));
    for (const w of warnings) {
      this.#log(`warning from ${formatWarning(w)}`);
      this.#options.onWarning?.(w);
    }
    return { status, value: body.kind === "json" ? body.value : undefined, body, warnings };
  }

  /** ky's retry options for one request, by its policy (see the module doc). */
  #retryOptions(o: SendOptions, exchange: Exchange): RetryOptions {
    const { retries, retryBaseMs } = this.#options;
    const max = this.#options.retryMaxMs ?? 10_000;
    const statusCodes = o.policy === "read" ? READ_RETRY_STATUSES : WRITE_RETRY_STATUSES;
    return {
      // The retries made so far are counted by shouldRetry, across the renewal of (c).
      limit: retries,
      // ky's Request is a GET (a form upload's a POST); the transport sends the wire method.
      methods: ["get", "post"],
      statusCodes,
      // A `Retry-After` is honoured on every status that is retried, within retryMaxMs.
      afterStatusCodes: statusCodes,
      maxRetryAfter: max,
      // Exponential backoff with full jitter: uniform in [0, min(max, base·2^(retry-1))], by
      // the retries made (ky's own count would take the renewal for one).
      delay: () => Math.min(max, retryBaseMs * 2 ** exchange.retries),
      jitter: true,
      backoffLimit: max,
      retryOnTimeout: this.#options.retryOnTimeout === true,
      shouldRetry: (state) => this.#shouldRetry(state, exchange),
    };
  }

  /**
   * Whether a failed attempt may go again. `undefined` leaves it to ky's options (the status
   * codes of the policy, `retryOnTimeout`).
   */
  #shouldRetry(state: ShouldRetryState, exchange: Exchange): boolean | undefined {
    const o = exchange.send;
    exchange.failedAt = performance.now();
    if (isHTTPError(state.error) && !exchange.logged) {
      exchange.logged = true;
      const status = state.error.response.status;
      this.#log(`${o.wireMethod} ${o.url} ${status} ${elapsed(exchange.startedAt)} ms`);
    }
    if (exchange.retries >= this.#options.retries) return false;
    if (isHTTPError(state.error)) return undefined;
    const error = this.#mapThrown(state.error, o);
    this.#logFailure(error, exchange);
    if (!(error instanceof NetworkError) || !error.retryable) return false;
    if (error instanceof TimeoutError) return o.policy === "read" ? undefined : false;
    // (a) writes only when the transport proved nothing was sent.
    return o.policy === "read" || error.maybeSent === false;
  }

  /** Before an attempt is sent again: the log line, the count, a token (renewed if refused). */
  async #beforeRetry({ options, error }: BeforeRetryState): Promise<void> {
    const exchange = exchangeOf(options);
    const o = exchange.send;
    exchange.retries++;
    this.#retriesDone++;
    const reason = isHTTPError(error)
      ? `HTTP ${error.response.status}`
      : this.#mapThrown(error, o).name;
    this.#log(
      `retry ${exchange.retries}/${this.#options.retries} after ` +
        `${elapsed(exchange.failedAt)} ms (${reason})`,
    );
    if (o.auth) {
      exchange.token = await this.#token();
      exchange.tokenRef = this.#options.transport.tokenRef(exchange.token);
    }
    exchange.startedAt = performance.now();
    exchange.logged = false;
  }

  /** The error ky gives up with, as the toolkit's error (logged once). */
  #failed({ error, options }: BeforeErrorState): Error {
    if (isHTTPError(error)) return error;
    const exchange = exchangeOf(options);
    const mapped = this.#mapThrown(error, exchange.send);
    this.#logFailure(mapped, exchange);
    return mapped;
  }

  #logFailure(error: Error, exchange: Exchange): void {
    if (exchange.logged) return;
    const o = exchange.send;
    exchange.logged = true;
    const sent = error instanceof NetworkError
      ? (error.maybeSent ? ", may have been sent" : ", not sent")
      : "";
    const ms = elapsed(exchange.startedAt);
    this.#log(`${o.wireMethod} ${o.url} failed after ${ms} ms: ${error.name}${sent}`);
  }

  async #token(): Promise<string> {
    if (!this.tokens) throw new AuthError("no token source configured");
    return await this.tokens.getToken();
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

  #log(line: string): void {
    this.#options.log?.(redact(line));
  }
}

const TEXT_DECODER = new TextDecoder();
const TEXT_ENCODER = new TextEncoder();

/**
 * Reads an answer whole: the bytes of a download, the parsed body otherwise. The bytes are the
 * transport's (the Response's own body is neither read nor streamed).
 */
async function readAnswer(
  transport: HttpTransport,
  response: Response,
  expect: SendOptions["expect"],
): Promise<Answer> {
  // The transport's text keeps a byte order mark (its Response holds the bytes as sent); the
  // decoder drops it, as before.
  const raw = transport.answerText(response);
  const text = raw?.charCodeAt(0) === 0xfeff ? raw.slice(1) : raw;
  const received = transport.answerHeaders(response);
  const headers = received ? headerOf(received) : (name: string) => response.headers.get(name);
  const contentType = headers("content-type");
  const status = response.status;
  if (expect === "bytes" && isDownload(status, contentType, headers("content-disposition"))) {
    const buffer = transport.answerBytes(response) ??
      new Uint8Array(await response.arrayBuffer());
    return { status, body: { kind: "text", text: "" }, bytes: buffer };
  }
  if (text !== undefined) return { status, body: parseBody(text, contentType) };
  const buffer = transport.answerBytes(response) ?? new Uint8Array(await response.arrayBuffer());
  return { status, body: parseBody(TEXT_DECODER.decode(buffer), contentType) };
}

/** A header of an answer as `Headers.get` gives it (repeated ones joined with `, `), or null. */
function headerOf(
  received: readonly (readonly [string, string])[],
): (name: string) => string | null {
  return (name) => {
    let value: string | null = null;
    for (let i = 0; i < received.length; i++) {
      if (received[i][0] !== name) continue;
      const v = received[i][1];
      value = value === null ? v : `${value}, ${v}`;
    }
    return value;
  };
}

/**
 * True when an answer to a download holds the file itself: a success that is not the site's
 * HTML page (an unknown route answers one with status 200), or any success sent as an
 * attachment. A JSON file is a file too: errors come with an error status.
 */
function isDownload(
  status: number,
  contentType: string | null,
  disposition: string | null,
): boolean {
  if (status < 200 || status > 299) return false;
  if (/attachment/i.test(disposition ?? "")) return true;
  return !/html/i.test(contentType ?? "");
}

function elapsed(started: number): number {
  return Math.round(performance.now() - started);
}
