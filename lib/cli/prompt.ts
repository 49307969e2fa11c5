/**
 * Reading answers from the user. `prompt()` returns null when stdin is not a terminal, so the
 * interactive scripts read lines from `Deno.stdin` themselves: they work the same in a terminal
 * and through a pipe (tests, scripted use). Prompts go to stderr, so that stdout stays clean
 * for what a script prints for other programs (e.g. `eval "$(deno task -q get-token)"`).
 *
 * @module
 */
import { escapeControls } from "../escape.ts";

const encoder = new TextEncoder();

/** Something that reads lines, one at a time; `null` at end of input. */
export interface LineSource {
  readLine(): Promise<string | null>;
}

/**
 * Lines from stdin (or a given byte stream), split on LF or CRLF. Stdin is read only when a
 * line is asked for, never in the background, so a hidden prompt reading the terminal directly
 * (see {@link askSecret}) gets every keystroke.
 */
export class StreamLineSource implements LineSource {
  #stream?: ReadableStream<Uint8Array>;
  #reader?: ReadableStreamDefaultReader<Uint8Array>;
  #decoder = new TextDecoder();
  #buffer = "";
  #done = false;

  constructor(stream?: ReadableStream<Uint8Array>) {
    this.#stream = stream;
  }

  async readLine(): Promise<string | null> {
    while (true) {
      const nl = this.#buffer.indexOf("\n");
      if (nl >= 0) {
        const line = this.#buffer.slice(0, nl).replace(/\r$/, "");
        this.#buffer = this.#buffer.slice(nl + 1);
        return line;
      }
      if (this.#done) {
        if (this.#buffer === "") return null;
        const rest = this.#buffer;
        this.#buffer = "";
        return rest;
      }
      const chunk = await this.#read();
      if (chunk === null) {
        this.#done = true;
        this.#buffer += this.#decoder.decode();
      } else {
        this.#buffer += this.#decoder.decode(chunk, { stream: true });
      }
    }
  }

  async #read(): Promise<Uint8Array | null> {
    if (this.#stream) {
      this.#reader ??= this.#stream.getReader();
      const { value, done } = await this.#reader.read();
      return done ? null : value;
    }
    const buf = new Uint8Array(4096);
    const n = await Deno.stdin.read(buf);
    return n === null ? null : buf.subarray(0, n);
  }

  /** Lets go of the stream (so the process can exit). */
  release(): void {
    this.#reader?.releaseLock();
  }
}

/** Lines from a fixed list (for notebooks and tests). */
export class ArrayLineSource implements LineSource {
  #lines: string[];
  constructor(lines: string[]) {
    this.#lines = [...lines];
  }
  readLine(): Promise<string | null> {
    return Promise.resolve(this.#lines.length ? this.#lines.shift()! : null);
  }
}

/** Writes text to stderr without a newline (for prompts), control characters escaped. */
export function writeErr(text: string): void {
  Deno.stderr.writeSync(encoder.encode(escapeControls(text, { keepNewlines: true })));
}

/** Asks a question on stderr and reads one line; `null` at end of input. */
export async function ask(source: LineSource, question: string): Promise<string | null> {
  writeErr(question);
  const line = await source.readLine();
  if (line !== null && !Deno.stdin.isTerminal()) writeErr("\n");
  return line === null ? null : line.trim();
}

/**
 * Asks for a secret. In a terminal the typed characters are not echoed; from a pipe the next
 * line is taken. The secret is never written anywhere.
 */
export async function askSecret(source: LineSource, question: string): Promise<string | null> {
  if (!Deno.stdin.isTerminal()) {
    writeErr(question);
    const line = await source.readLine();
    writeErr("\n");
    return line;
  }
  // Echo off before the question shows: what is typed once it is seen is never echoed.
  Deno.stdin.setRaw(true);
  try {
    writeErr(question);
    let secret = "";
    const buf = new Uint8Array(1);
    while (true) {
      const n = await Deno.stdin.read(buf);
      if (n === null) return secret || null;
      const c = buf[0];
      if (c === 3) throw new Deno.errors.Interrupted("cancelled");
      if (c === 13 || c === 10) break;
      if (c === 127 || c === 8) secret = secret.slice(0, -1);
      else secret += String.fromCharCode(c);
    }
    return secret;
  } finally {
    Deno.stdin.setRaw(false);
    writeErr("\n");
  }
}
