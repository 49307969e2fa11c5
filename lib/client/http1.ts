/**
 * HTTP/1.1 on the wire, for the client's transport: a request's bytes ({@link encodeRequest})
 * and an answer read from a byte stream ({@link AnswerParser}, RFC 9112).
 *
 * The parser takes the answer in whatever pieces the connection gives (it never assumes a
 * boundary), and knows where the answer ends:
 * - no body: the answer to `HEAD`, `204` and `304` (and `1xx` interim answers, which are
 *   skipped: the final answer follows);
 * - `Transfer-Encoding: chunked` (chunk extensions ignored, trailers read and dropped);
 * - `Content-Length` (several equal values are one; different ones are an error);
 * - otherwise the answer ends when the server closes the connection ({@link AnswerParser.end}).
 *
 * It says whether the connection may carry another request ({@link ParsedAnswer.reusable}):
 * not after `Connection: close`, an HTTP/1.0 answer without `Connection: keep-alive`, or an
 * answer ended by the close. The status line, headers and trailers together are limited to
 * {@link MAX_HEAD_BYTES}; a larger block, or bytes that are not HTTP/1.1, is an
 * {@link AnswerFormatError} that says what was wrong (never the bytes themselves, which may hold
 * anything).
 *
 * @module
 */

/** Most bytes of an answer's status line and headers (and, apart, of its trailers). */
export const MAX_HEAD_BYTES = 64 * 1024;

/** Largest body announced by Content-Length that is read (it is held in memory). */
const MAX_BODY_BYTES = 2 ** 31 - 1;

/** Longest line giving the size of a chunk (hex digits and extensions). */
const MAX_CHUNK_LINE = 4 * 1024;

/** An answer read whole. */
export interface ParsedAnswer {
  /** `1.1` or `1.0`. */
  version: string;
  status: number;
  /** The reason phrase (may be empty). */
  statusText: string;
  /** Header names (lower case) and values in the order received; repeated headers kept. */
  headers: [string, string][];
  /** The body (empty when there is none). */
  body: Uint8Array<ArrayBuffer>;
  /** True when the connection may carry another request after this answer. */
  reusable: boolean;
}

/** An answer that is not HTTP/1.1 as RFC 9112 describes it, or beyond a limit. */
export class AnswerFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "AnswerFormatError";
  }
}

const enum State {
  StatusLine,
  Headers,
  Length,
  ChunkSize,
  ChunkData,
  ChunkEnd,
  Trailers,
  UntilClose,
  Done,
}

const EMPTY = new Uint8Array(0);
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const STATUS_LINE = /^HTTP\/1\.([01]) ([1-9]\d\d)(?:[ \t](.*))?$/;
const DIGITS = /^\d{1,15}$/;

/**
 * Reads one answer from the bytes of a connection.
 *
 * @example
 * ```ts
 * import { AnswerParser } from "./http1.ts";
 * const parser = new AnswerParser();
 * const bytes = new TextEncoder().encode("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}");
 * parser.push(bytes); // bytes.length: the answer ended there
 * parser.answer().status; // 200
 * ```
 */
export class AnswerParser {
  #state = State.StatusLine;
  readonly #noBody: boolean;
  readonly #borrow: boolean;
  /** Bytes of a line that has not ended yet. */
  #partial: Uint8Array = EMPTY;
  #partialLength = 0;
  /** Bytes of the head (or of the trailers) so far. */
  #headBytes = 0;
  #received = false;
  #version = "1.1";
  #status = 0;
  #statusText = "";
  #headers: [string, string][] = [];
  #reusable = true;
  /** Body of known length: filled in place. */
  #body: Uint8Array<ArrayBuffer> = EMPTY as Uint8Array<ArrayBuffer>;
  #filled = 0;
  /** Body of unknown length (chunked, or until the close): its pieces. */
  #pieces: Uint8Array[] = [];
  #remaining = 0;

  /**
   * @param options.noBody the answer has no body whatever its headers say (`HEAD`).
   * @param options.borrow a body of known length that arrives whole in one chunk is lent as a
   *   view of that chunk (no copy): the answer's `body` is then valid only until the caller
   *   reuses the chunk.
   */
  constructor(options: { noBody?: boolean; borrow?: boolean } = {}) {
    this.#noBody = options.noBody === true;
    this.#borrow = options.borrow === true;
  }

  /** True once any byte of the answer arrived. */
  get started(): boolean {
    return this.#received;
  }

  /** True once the answer is complete. */
  get done(): boolean {
    return this.#state === State.Done;
  }

  /**
   * Takes the next bytes of the connection (they may be reused by the caller afterwards).
   * Returns -1 while the answer goes on, else the number of these bytes it took: the answer
   * ended there (bytes after it are not part of it).
   *
   * @throws {AnswerFormatError} when the bytes are not an HTTP/1.1 answer, or a limit is passed.
   */
  push(chunk: Uint8Array): number {
    if (chunk.length > 0) this.#received = true;
    let pos = 0;
    while (pos < chunk.length || this.#state === State.Done) {
      switch (this.#state) {
        case State.Done:
          return pos;
        case State.StatusLine:
          if (this.#partialLength === 0) {
            // The usual case: the whole head in this chunk, read in one go.
            const end = headEnd(chunk, pos);
            if (end > 0 && end - pos <= MAX_HEAD_BYTES) {
              const head = latin1(chunk, pos, end);
              this.#headBytes = end - pos;
              pos = end;
              // Line by line (the head ends with its blank line), without an array of them.
              for (let at = 0; at < head.length;) {
                const lf = head.indexOf("\n", at);
                const stop = lf > at && head.charCodeAt(lf - 1) === 13 ? lf - 1 : lf;
                this.#headLine(head.slice(at, stop));
                at = lf + 1;
              }
              break;
            }
          }
        /* falls through */
        case State.Headers:
        case State.Trailers: {
          const next = this.#line(chunk, pos, MAX_HEAD_BYTES - this.#headBytes);
          if (next < 0) return -1;
          this.#headBytes += this.#lineBytes;
          pos = next;
          this.#headLine(this.#lineText);
          break;
        }
        case State.Length: {
          const n = Math.min(this.#remaining, chunk.length - pos);
          if (this.#filled === 0 && this.#borrow && n === this.#remaining) {
            // The whole body is in this chunk: lent as it is (see `borrow`).
            this.#body = chunk.subarray(pos, pos + n) as Uint8Array<ArrayBuffer>;
          } else {
            if (this.#filled === 0) this.#body = new Uint8Array(this.#remaining);
            this.#body.set(chunk.subarray(pos, pos + n), this.#filled);
          }
          this.#filled += n;
          this.#remaining -= n;
          pos += n;
          if (this.#remaining === 0) this.#state = State.Done;
          break;
        }
        case State.ChunkSize: {
          const next = this.#line(chunk, pos, MAX_CHUNK_LINE);
          if (next < 0) return -1;
          pos = next;
          const size = this.#lineText.split(";", 1)[0].trim();
          if (!/^[0-9a-fA-F]{1,12}$/.test(size)) {
            throw new AnswerFormatError("a chunk of the answer has no valid size");
          }
          this.#remaining = parseInt(size, 16);
          if (this.#remaining === 0) {
            this.#headBytes = 0;
            this.#state = State.Trailers;
          } else this.#state = State.ChunkData;
          break;
        }
        case State.ChunkData: {
          const n = Math.min(this.#remaining, chunk.length - pos);
          this.#pieces.push(chunk.slice(pos, pos + n));
          this.#remaining -= n;
          pos += n;
          if (this.#remaining === 0) this.#state = State.ChunkEnd;
          break;
        }
        case State.ChunkEnd: {
          const next = this.#line(chunk, pos, 2);
          if (next < 0) return -1;
          pos = next;
          if (this.#lineText !== "") {
            throw new AnswerFormatError("a chunk of the answer is longer than its size");
          }
          this.#state = State.ChunkSize;
          break;
        }
        case State.UntilClose:
          this.#pieces.push(chunk.slice(pos));
          pos = chunk.length;
          break;
      }
    }
    return -1;
  }

  /**
   * The connection ended (the server closed it): completes an answer whose end is the close.
   * Returns false when the answer is not complete (it was cut).
   */
  end(): boolean {
    if (this.#state === State.UntilClose) {
      this.#state = State.Done;
      this.#reusable = false;
    }
    return this.#state === State.Done;
  }

  /** The complete answer (after {@link AnswerParser.push} returned ≥ 0 or `end()` true). */
  answer(): ParsedAnswer {
    if (this.#state !== State.Done) throw new Error("the answer is not complete");
    let body = this.#body;
    if (this.#pieces.length > 0) body = joinBytes(this.#pieces);
    return {
      version: this.#version,
      status: this.#status,
      statusText: this.#statusText,
      headers: this.#headers,
      body,
      reusable: this.#reusable,
    };
  }

  /** The line just read by {@link AnswerParser.#line}, without its CRLF (latin1). */
  #lineText = "";
  /** Its length on the wire, LF included. */
  #lineBytes = 0;

  /**
   * Reads a line from `chunk` at `pos` (joined to the start kept from earlier chunks); returns
   * the index after its LF, or -1 when the line goes on in the next chunk.
   */
  #line(chunk: Uint8Array, pos: number, limit: number): number {
    const lf = chunk.indexOf(10, pos);
    const end = lf < 0 ? chunk.length : lf;
    if (this.#partialLength + end - pos > limit) this.#tooLong();
    if (lf < 0) {
      this.#keep(chunk.subarray(pos));
      return -1;
    }
    let bytes = chunk.subarray(pos, lf);
    if (this.#partialLength > 0) {
      this.#keep(bytes);
      bytes = this.#partial.subarray(0, this.#partialLength);
      this.#partialLength = 0;
    }
    this.#lineBytes = bytes.length + 1;
    const length = bytes.length > 0 && bytes[bytes.length - 1] === 13
      ? bytes.length - 1
      : bytes.length;
    this.#lineText = latin1(bytes, 0, length);
    return lf + 1;
  }

  #keep(bytes: Uint8Array): void {
    const need = this.#partialLength + bytes.length;
    if (need > this.#partial.length) {
      const grown = new Uint8Array(Math.max(need, this.#partial.length * 2, 256));
      grown.set(this.#partial.subarray(0, this.#partialLength));
      this.#partial = grown;
    }
    this.#partial.set(bytes, this.#partialLength);
    this.#partialLength = need;
  }

  #tooLong(): never {
    switch (this.#state) {
      case State.ChunkSize:
        throw new AnswerFormatError("a chunk of the answer has no valid size");
      case State.ChunkEnd:
        throw new AnswerFormatError("a chunk of the answer is longer than its size");
      case State.Trailers:
        throw new AnswerFormatError(
          `the answer's trailers are larger than ${MAX_HEAD_BYTES / 1024} KiB`,
        );
      default:
        throw new AnswerFormatError(
          `the answer's status line and headers are larger than ${MAX_HEAD_BYTES / 1024} KiB`,
        );
    }
  }

  #headLine(line: string): void {
    if (this.#state === State.StatusLine) {
      if (this.#plainStatusLine(line)) return;
      const m = STATUS_LINE.exec(line);
      if (!m) throw new AnswerFormatError("the answer does not start with an HTTP/1.1 status line");
      this.#version = `1.${m[1]}`;
      this.#status = Number(m[2]);
      this.#statusText = m[3] ?? "";
      this.#state = State.Headers;
      return;
    }
    if (line === "") {
      if (this.#state === State.Trailers) this.#state = State.Done;
      else this.#headEnded();
      return;
    }
    const first = line.charCodeAt(0);
    if (first === 32 || first === 9) {
      // A folded line (obsolete) continues the previous value.
      const last = this.#headers.at(-1);
      if (!last || this.#state === State.Trailers) {
        throw new AnswerFormatError("a header line of the answer is not valid");
      }
      last[1] = `${last[1]} ${trimOws(line)}`;
      return;
    }
    const colon = line.indexOf(":");
    const name = colon > 0 ? line.slice(0, colon) : "";
    if (!TOKEN.test(name)) throw new AnswerFormatError("a header line of the answer is not valid");
    if (this.#state === State.Trailers) return; // trailers are read, not kept
    // The value without the spaces and tabs around it (RFC 9110's OWS), sliced once.
    let start = colon + 1;
    let end = line.length;
    while (start < end && isOws(line.charCodeAt(start))) start++;
    while (end > start && isOws(line.charCodeAt(end - 1))) end--;
    this.#headers.push([name.toLowerCase(), line.slice(start, end)]);
  }

  /**
   * The usual status line (`HTTP/1.1 200 OK`: a version, a status of three digits, a reason
   * without a CR) read without the regular expression; false for any other line, which
   * {@link STATUS_LINE} then reads (or refuses) as before.
   */
  #plainStatusLine(line: string): boolean {
    if (!line.startsWith("HTTP/1.") || line.length < 12) return false;
    const minor = line.charCodeAt(7);
    const d0 = line.charCodeAt(9) - 48;
    const d1 = line.charCodeAt(10) - 48;
    const d2 = line.charCodeAt(11) - 48;
    if (
      (minor !== 48 && minor !== 49) || line.charCodeAt(8) !== 32 || d0 < 1 || d0 > 9 ||
      d1 < 0 || d1 > 9 || d2 < 0 || d2 > 9
    ) {
      return false;
    }
    let statusText = "";
    if (line.length > 12) {
      const sep = line.charCodeAt(12);
      if ((sep !== 32 && sep !== 9) || line.includes("\r", 13)) return false;
      statusText = line.slice(13);
    }
    this.#version = minor === 49 ? "1.1" : "1.0";
    this.#status = d0 * 100 + d1 * 10 + d2;
    this.#statusText = statusText;
    this.#state = State.Headers;
    return true;
  }

  /** The head is complete: skip a 1xx answer, or decide how the body ends. */
  #headEnded(): void {
    const status = this.#status;
    if (status < 200) {
      if (status === 101) {
        throw new AnswerFormatError("the server switched protocols, which was not asked for");
      }
      // An interim answer (100 Continue, 103 Early Hints): the final answer follows.
      this.#headers = [];
      this.#headBytes = 0;
      this.#state = State.StatusLine;
      return;
    }
    let length: number | undefined;
    let chunked = false;
    let transferEncoding = false;
    let close = false;
    let keepAlive = false;
    const headers = this.#headers;
    for (let i = 0; i < headers.length; i++) {
      const name = headers[i][0];
      const value = headers[i][1];
      if (name === "content-length") {
        if (DIGITS.test(value)) {
          // One length (the usual case): what the loop below makes of it.
          const n = Number(value);
          if (length !== undefined && length !== n) {
            throw new AnswerFormatError("the answer has Content-Lengths that differ");
          }
          length = n;
          continue;
        }
        for (const part of value.split(",")) {
          const text = part.trim();
          if (!/^\d{1,15}$/.test(text)) {
            throw new AnswerFormatError("the answer's Content-Length is not a number");
          }
          const n = Number(text);
          if (length !== undefined && length !== n) {
            throw new AnswerFormatError("the answer has Content-Lengths that differ");
          }
          length = n;
        }
      } else if (name === "transfer-encoding") {
        transferEncoding = true;
        const codings = value.toLowerCase().split(",");
        chunked = codings[codings.length - 1].trim() === "chunked";
      } else if (name === "connection") {
        const lower = value.toLowerCase();
        // One option (the usual case): what the loop below makes of it.
        if (lower === "keep-alive") keepAlive = true;
        else if (lower === "close") close = true;
        else {
          for (const option of lower.split(",")) {
            const o = option.trim();
            if (o === "close") close = true;
            else if (o === "keep-alive") keepAlive = true;
          }
        }
      }
    }
    this.#reusable = !close && (this.#version === "1.1" || keepAlive);
    if (this.#noBody || status === 204 || status === 304) {
      this.#state = State.Done;
    } else if (transferEncoding) {
      // RFC 9112 §6.3: Transfer-Encoding wins over Content-Length (then the connection is not
      // reused); a last coding other than chunked runs until the close.
      if (length !== undefined) this.#reusable = false;
      this.#state = chunked ? State.ChunkSize : State.UntilClose;
    } else if (length !== undefined) {
      if (length > MAX_BODY_BYTES) {
        throw new AnswerFormatError(
          `the answer's Content-Length is beyond what this client reads (${MAX_BODY_BYTES} bytes)`,
        );
      }
      this.#remaining = length;
      this.#state = length === 0 ? State.Done : State.Length;
    } else {
      this.#state = State.UntilClose;
    }
    if (this.#state === State.UntilClose) this.#reusable = false;
  }
}

/**
 * The bytes of a request: request line, `Host`, the headers, a blank line, the body, in one
 * piece (one write). Header values are sent as Latin-1, as `Headers` holds them; a value given
 * as bytes (e.g. a long token, encoded once by the caller) is sent as it is.
 *
 * The head is written into the buffer character by character: no string of the whole head is
 * made (with a token of a kilobyte, that string was most of what a request allocated).
 *
 * @param target `/path?query`, or the full URL for a plain-HTTP proxy.
 * @param scratch gives a buffer of at least `size` bytes to write into (reused by the caller),
 *   instead of a new one.
 *
 * @example
 * ```ts
 * import { encodeRequest } from "./http1.ts";
 * const bytes = encodeRequest("GET", "/api/x", "example.org", [["accept", "application/json"]]);
 * new TextDecoder().decode(bytes).split("\r\n")[0]; // "GET /api/x HTTP/1.1"
 * ```
 */
export function encodeRequest(
  method: string,
  target: string,
  host: string,
  headers: readonly (readonly [string, string | Uint8Array])[],
  body?: Uint8Array,
  scratch?: (size: number) => Uint8Array,
): Uint8Array {
  // "METHOD target HTTP/1.1\r\nhost: HOST\r\n", each header "name: value\r\n", "\r\n", body.
  let size = method.length + 1 + target.length + VERSION_HOST.length + host.length + 2 + 2 +
    (body?.length ?? 0);
  for (let i = 0; i < headers.length; i++) size += headers[i][0].length + headers[i][1].length + 4;
  const out = scratch ? scratch(size).subarray(0, size) : new Uint8Array(size);
  let at = latin1Into(out, 0, method);
  out[at++] = 32;
  at = latin1Into(out, at, target);
  at = latin1Into(out, at, VERSION_HOST);
  at = latin1Into(out, at, host);
  out[at++] = 13;
  out[at++] = 10;
  for (let i = 0; i < headers.length; i++) {
    const name = headers[i][0];
    const value = headers[i][1];
    at = latin1Into(out, at, name);
    out[at++] = 58;
    out[at++] = 32;
    if (typeof value === "string") at = latin1Into(out, at, value);
    else {
      out.set(value, at);
      at += value.length;
    }
    out[at++] = 13;
    out[at++] = 10;
  }
  out[at++] = 13;
  out[at++] = 10;
  if (body) out.set(body, at);
  return out;
}

/** What follows the request target, up to the `Host` header's value. */
const VERSION_HOST = " HTTP/1.1\r\nhost: ";

/** Writes `text` as Latin-1 (one byte a character) at `at`; the index after it. */
function latin1Into(out: Uint8Array, at: number, text: string): number {
  for (let i = 0; i < text.length; i++) out[at + i] = text.charCodeAt(i);
  return at + text.length;
}

/** The index after the blank line that ends a head starting at `from`, or -1. */
function headEnd(bytes: Uint8Array, from: number): number {
  for (let i = from;;) {
    const lf = bytes.indexOf(10, i);
    if (lf < 0) return -1;
    if (bytes[lf + 1] === 10) return lf + 2;
    if (bytes[lf + 1] === 13 && bytes[lf + 2] === 10) return lf + 3;
    i = lf + 1;
  }
}

/** `bytes[start..end)` as Latin-1 text. */
function latin1(bytes: Uint8Array, start: number, end: number): string {
  if (end - start <= 4096) {
    return String.fromCharCode.apply(null, bytes.subarray(start, end) as unknown as number[]);
  }
  let text = "";
  for (let i = start; i < end; i += 4096) {
    const part = bytes.subarray(i, Math.min(end, i + 4096));
    text += String.fromCharCode.apply(null, part as unknown as number[]);
  }
  return text;
}

/** A space or a tab (RFC 9110's OWS). */
function isOws(c: number): boolean {
  return c === 32 || c === 9;
}

/** Without the spaces and tabs around it (RFC 9110's OWS). */
function trimOws(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && (text.charCodeAt(start) === 32 || text.charCodeAt(start) === 9)) start++;
  while (end > start && (text.charCodeAt(end - 1) === 32 || text.charCodeAt(end - 1) === 9)) end--;
  return start === 0 && end === text.length ? text : text.slice(start, end);
}

/** Pieces in one new array. */
function joinBytes(pieces: Uint8Array[]): Uint8Array<ArrayBuffer> {
  let length = 0;
  for (const p of pieces) length += p.length;
  const out = new Uint8Array(length);
  let at = 0;
  for (const p of pieces) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
