/**
 * Where plain text goes outside the kernel: a {@linkcode TextWriter}, by default standard
 * output or standard error, written to the last byte.
 *
 * @example
 * ```ts
 * import { stdoutWriter } from "./writer.ts";
 * stdoutWriter().write("hello\n");
 * ```
 *
 * @module
 */

/** Where plain text goes outside the kernel. */
export interface TextWriter {
  /** Writes the text as is (no newline added). */
  write(text: string): void;
}

/**
 * A text writer to a file such as `Deno.stdout` or `Deno.stderr`: every byte is written, though
 * `writeSync` may write only part of them at a time.
 *
 * @example
 * ```ts
 * import { fileWriter } from "./writer.ts";
 * fileWriter(Deno.stderr).write("to standard error\n");
 * ```
 */
export function fileWriter(file: { writeSync(p: Uint8Array): number }): TextWriter {
  const encoder = new TextEncoder();
  return {
    write: (text) => {
      const bytes = encoder.encode(text);
      let offset = 0;
      while (offset < bytes.length) offset += file.writeSync(bytes.subarray(offset));
    },
  };
}

/**
 * A writer to standard output.
 *
 * @example
 * ```ts
 * import { stdoutWriter } from "./writer.ts";
 * stdoutWriter().write("hello\n");
 * ```
 */
export function stdoutWriter(): TextWriter {
  return fileWriter(Deno.stdout);
}
