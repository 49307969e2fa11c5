/**
 * Reading a user's input file, bounded: what it is is checked before a byte is read (a FIFO, a
 * device or a socket is refused: it could be read forever), its size is checked against a
 * documented limit before it is read whole, and it is read with a hard cap, so that a file
 * growing while it is read cannot exceed the limit either. Its text is decoded strictly: UTF-8
 * (with or without a byte-order mark) or UTF-16 with a byte-order mark; invalid UTF-8 is
 * refused with file:line, never replaced by U+FFFD.
 *
 * Limits (the reference DAGE export is 32 KB for 60 pulls, 546 bytes a pull with DAGE's header
 * repeated before every test):
 * - {@link MAX_INPUT_BYTES}, 16 MiB, for data files (DAGE CSV, IV tables, manifests): about
 *   30,000 pulls, 500 times the reference export. Measured: parsing a 16 MiB export of that
 *   layout (every header distinct) takes about 90 MB of V8 heap, a 32 MiB one 180 MB, and a
 *   64 MiB one does not fit in the 256 MB the batch task allows.
 * - {@link MAX_JSON_BYTES}, 8 MiB, for JSON documents (test runs, mappings, registrations): a
 *   WIREBOND_PULL_TEST run of 30,000 pulls is about 2 MB as the steps write it.
 *
 * @module
 */
import { InputError, ParseError } from "../errors.ts";

/** Largest data file read (DAGE CSV, IV table, manifest): 16 MiB. */
export const MAX_INPUT_BYTES = 16 * 1024 * 1024;
/** Largest JSON document read (test run, break-mode mapping, registrations): 8 MiB. */
export const MAX_JSON_BYTES = 8 * 1024 * 1024;

/** Options of {@link readInputBytes} and {@link readInputText}. */
export interface ReadInputOptions {
  /** What the file is, for messages (`"DAGE file"`). Default `"file"`. */
  what?: string;
  /** The file's name in messages (default: the path). */
  name?: string;
  /** Refuse files larger than this (default {@link MAX_INPUT_BYTES}). */
  maxBytes?: number;
}

/** True for the errors Deno throws when a permission is missing. */
function isPermissionError(e: unknown): boolean {
  return e instanceof Deno.errors.NotCapable || e instanceof Deno.errors.PermissionDenied;
}

/** `12.3 MB`, for messages. */
function formatBytes(n: number): string {
  if (n >= 1024 * 1024) return `${Number((n / (1024 * 1024)).toFixed(1))} MiB`;
  if (n >= 1024) return `${Number((n / 1024).toFixed(1))} KiB`;
  return `${n} bytes`;
}

/** What a file system entry that is not a regular file is, in words. */
function kindOf(info: Deno.FileInfo): string {
  if (info.isDirectory) return "a folder";
  if (info.isFifo) return "a FIFO (named pipe)";
  if (info.isCharDevice) return "a character device";
  if (info.isBlockDevice) return "a block device";
  if (info.isSocket) return "a socket";
  return "not a regular file";
}

function refuse(name: string, what: string, reason: string, hint?: string): InputError {
  return new InputError(`${name}: cannot read the ${what} (${reason})`, [], {
    hint: hint ??
      "check the path (relative paths are taken from the folder you ran the command in)",
  });
}

/**
 * The bytes of the file at `path`, refused before reading when it is not a regular file or is
 * larger than `maxBytes`, and read with a hard cap of `maxBytes`. A missing permission is
 * rethrown unchanged; anything else is an {@link InputError} naming the file.
 *
 * The file is read with synchronous system calls: a data file is read in tens of microseconds
 * that way (a 16 MiB one in a few milliseconds), where each of the seven asynchronous calls
 * costs more than that in hand-offs between threads, and a batch reads thousands of files.
 *
 * @example
 * ```ts ignore
 * import { readInputBytes } from "./read_input.ts";
 * await readInputBytes("/dev/zero"); // InputError: /dev/zero: cannot read the file (a character device …)
 * ```
 */
export function readInputBytes(
  path: string,
  opts: ReadInputOptions = {},
): Promise<Uint8Array> {
  try {
    return Promise.resolve(readInputBytesSync(path, opts));
  } catch (e) {
    return Promise.reject(e);
  }
}

/** {@link readInputBytes}, synchronous. */
export function readInputBytesSync(path: string, opts: ReadInputOptions = {}): Uint8Array {
  const name = opts.name ?? path;
  const what = opts.what ?? "file";
  const max = opts.maxBytes ?? MAX_INPUT_BYTES;
  let info: Deno.FileInfo;
  try {
    info = Deno.statSync(path);
  } catch (e) {
    if (isPermissionError(e)) throw e;
    throw refuse(name, what, e instanceof Deno.errors.NotFound ? "no such file" : message(e));
  }
  const tooLarge = (size: string) =>
    refuse(
      name,
      what,
      `it is ${size}, above the limit of ${formatBytes(max)} for one input file`,
      "a real export is far smaller: check that this is the right file, or split it",
    );
  if (!info.isFile) {
    throw refuse(name, what, `it is ${kindOf(info)}: only regular files are read`);
  }
  if (info.size > max) throw tooLarge(formatBytes(info.size));
  let file: Deno.FsFile;
  try {
    file = Deno.openSync(path, { read: true });
  } catch (e) {
    if (isPermissionError(e)) throw e;
    throw refuse(name, what, message(e));
  }
  try {
    // The path may have been replaced between stat and open: check what was opened.
    const opened = file.statSync();
    if (!opened.isFile) throw refuse(name, what, `it is ${kindOf(opened)}`);
    // Read in place into one buffer of the size the file has (one byte more, to see it grow),
    // grown (never beyond the limit) only if the file grows while it is read.
    let buffer = new Uint8Array(Math.min(max + 1, opened.size + 1));
    let total = 0;
    while (true) {
      if (total === buffer.length) {
        const grown = new Uint8Array(Math.min(max + 1, Math.max(4096, total * 2)));
        grown.set(buffer);
        buffer = grown;
      }
      const n = file.readSync(buffer.subarray(total));
      if (n === null) break;
      total += n;
      if (total > max) throw tooLarge(`more than ${formatBytes(max)} (it grew while read)`);
      // The whole file as its size said, in one read that did not fill the buffer: that read
      // stopped at its end (a file grown since fills the extra byte, and is read on).
      if (total === opened.size && total < buffer.length) break;
    }
    return buffer.subarray(0, total);
  } catch (e) {
    if (e instanceof InputError || isPermissionError(e)) throw e;
    throw refuse(name, what, message(e));
  } finally {
    file.close();
  }
}

function message(e: unknown): string {
  if (e instanceof Deno.errors.IsADirectory) return "it is a folder";
  return (e instanceof Error ? e.message : String(e)).split("\n")[0];
}

/** The encodings {@link decodeText} reads. */
export type TextEncodingName = "utf-8" | "utf-16le" | "utf-16be";

/** Text decoded from bytes, and the encoding it was in. */
export interface DecodedText {
  text: string;
  encoding: TextEncodingName;
  /** True when the bytes started with a byte-order mark (it is not part of `text`). */
  bom: boolean;
}

/** The 1-based line and column (in bytes) of byte `offset`. */
function placeOfByte(bytes: Uint8Array, offset: number): { line: number; column: number } {
  let line = 1;
  let start = 0;
  for (let i = 0; i < offset; i++) {
    if (bytes[i] === 0x0a) {
      line++;
      start = i + 1;
    }
  }
  return { line, column: offset - start + 1 };
}

/** The offset of the first byte that breaks UTF-8 (RFC 3629), or -1 when all are valid. */
export function firstInvalidUtf8(bytes: Uint8Array, from = 0): number {
  const n = bytes.length;
  let i = from;
  while (i < n) {
    const b = bytes[i];
    if (b < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let min: number;
    if (b >= 0xc2 && b <= 0xdf) [need, min] = [1, 0x80];
    else if (b >= 0xe0 && b <= 0xef) [need, min] = [2, 0x800];
    else if (b >= 0xf0 && b <= 0xf4) [need, min] = [3, 0x10000];
    else return i;
    if (i + need >= n) return i;
    let cp = b & (0x3f >> need);
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      if (c === undefined || (c & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (c & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += need + 1;
  }
  return -1;
}

/** `LE`/`BE` when the start of `bytes` looks like UTF-16 text without a byte-order mark. */
function looksLikeUtf16(bytes: Uint8Array): "LE" | "BE" | undefined {
  const n = Math.min(bytes.length, 256) & ~1;
  if (n < 4) return undefined;
  let evenZero = 0;
  let oddZero = 0;
  for (let i = 0; i < n; i += 2) {
    if (bytes[i] === 0) evenZero++;
    if (bytes[i + 1] === 0) oddZero++;
  }
  const pairs = n / 2;
  if (oddZero >= pairs * 0.6 && evenZero === 0) return "LE";
  if (evenZero >= pairs * 0.6 && oddZero === 0) return "BE";
  return undefined;
}

/** UTF-8 to text, invalid sequences replaced by U+FFFD (checked by the caller). */
const LENIENT_UTF8 = new TextDecoder("utf-8", { ignoreBOM: true });

/**
 * Decodes the bytes of a text file: UTF-8 (a byte-order mark is dropped), or UTF-16 LE/BE when
 * a byte-order mark says so. Throws {@link ParseError} with file:line for invalid UTF-8 (or
 * UTF-16), for UTF-32, and for UTF-16 without a byte-order mark (named as such).
 *
 * @example
 * ```ts
 * import { decodeText } from "./read_input.ts";
 * decodeText(new Uint8Array([0xff, 0xfe, 0x41, 0x00, 0x0a, 0x00]), "a.csv").text; // "A\n"
 * ```
 */
export function decodeText(bytes: Uint8Array, name: string): DecodedText {
  const b = bytes;
  const hint = 'save it as UTF-8 (in a spreadsheet: "CSV UTF-8") and run again';
  if (
    (b[0] === 0xff && b[1] === 0xfe && b[2] === 0 && b[3] === 0) ||
    (b[0] === 0 && b[1] === 0 && b[2] === 0xfe && b[3] === 0xff)
  ) {
    throw new ParseError(name, undefined, "the file is UTF-32 text, which is not read", { hint });
  }
  if ((b[0] === 0xff && b[1] === 0xfe) || (b[0] === 0xfe && b[1] === 0xff)) {
    const encoding: TextEncodingName = b[0] === 0xff ? "utf-16le" : "utf-16be";
    if ((b.length & 1) === 1) {
      throw new ParseError(
        name,
        undefined,
        `the file is ${encoding.toUpperCase()} (byte-order mark) but has an odd number of ` +
          "bytes: it is cut short",
        { hint },
      );
    }
    try {
      const text = new TextDecoder(encoding, { fatal: true, ignoreBOM: false }).decode(b);
      return { text, encoding, bom: true };
    } catch {
      throw new ParseError(
        name,
        undefined,
        `the file is ${encoding.toUpperCase()} (byte-order mark) but holds an invalid ` +
          "character (a lone surrogate)",
        { hint },
      );
    }
  }
  const bom = b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf;
  const start = bom ? 3 : 0;
  const utf16 = bom ? undefined : looksLikeUtf16(b);
  if (utf16) {
    throw new ParseError(
      name,
      undefined,
      `the file looks like UTF-16 ${utf16} text without a byte-order mark (every other byte ` +
        "is zero); it is not read as such, to avoid guessing",
      { hint },
    );
  }
  const body = start ? b.subarray(start) : b;
  // A decoder that replaces what is not UTF-8 by U+FFFD is several times faster than one that
  // throws; when the text holds no U+FFFD, nothing was replaced, so the bytes were valid.
  const text = LENIENT_UTF8.decode(body);
  if (!text.includes("\ufffd")) return { text, encoding: "utf-8", bom };
  try {
    const strict = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(body);
    return { text: strict, encoding: "utf-8", bom };
  } catch {
    const at = firstInvalidUtf8(b, start);
    const { line, column } = placeOfByte(b, at < 0 ? b.length : at);
    const byte = at < 0 ? "" : ` (byte 0x${b[at].toString(16).padStart(2, "0")})`;
    throw new ParseError(
      name,
      line,
      `not valid UTF-8 at line ${line}, byte ${column}${byte}: the file is in another ` +
        "encoding or damaged",
      { hint },
    );
  }
}

/**
 * Reads a text file bounded and strictly decoded (see {@link readInputBytes} and
 * {@link decodeText}): the text, without a byte-order mark.
 *
 * @example
 * ```ts ignore
 * import { readInputText } from "./read_input.ts";
 * const text = await readInputText("a.csv", { what: "DAGE file" });
 * ```
 */
export async function readInputText(path: string, opts: ReadInputOptions = {}): Promise<string> {
  const bytes = await readInputBytes(path, opts);
  return decodeText(bytes, opts.name ?? path).text;
}
