/**
 * Byte-level output helpers shared by the notebook module (private).
 *
 * @module
 */

import type { TextWriter } from "./display.ts";

/** Writes every byte with `writeSync` (which may write only part of them). */
export function writeAll(file: { writeSync(p: Uint8Array): number }, bytes: Uint8Array): void {
  let offset = 0;
  while (offset < bytes.length) offset += file.writeSync(bytes.subarray(offset));
}

/** A text writer to a file such as `Deno.stdout` or `Deno.stderr`. */
export function fileWriter(file: { writeSync(p: Uint8Array): number }): TextWriter {
  const encoder = new TextEncoder();
  return { write: (text) => writeAll(file, encoder.encode(text)) };
}
