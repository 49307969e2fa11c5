/**
 * Showing any value: as a MIME bundle in the `deno jupyter` kernel, as plain text everywhere
 * else.
 *
 * Objects that implement {@linkcode $display} (tables, plots, error views, progress) render
 * by themselves when they are the last expression of a notebook cell; {@linkcode show}
 * displays any value from the middle of a cell, or prints its text outside the kernel.
 *
 * @example Show a value
 * ```ts
 * import { show } from "./show.ts";
 * await show("plain text outside the kernel, text/plain inside");
 * ```
 *
 * @module
 */

import { $display, isDisplayable, type MimeBundle } from "../display/mime.ts";
import { kernel, type KernelDisplay } from "../display/kernel.ts";
import { stdoutWriter, type TextWriter } from "../display/writer.ts";

/**
 * The MIME bundle of any value: its own bundle when it is displayable, its text otherwise.
 * Always holds `text/plain`.
 *
 * @example
 * ```ts
 * import { mimeBundle } from "./show.ts";
 * mimeBundle(42); // { "text/plain": "42" }
 * ```
 */
export function mimeBundle(value: unknown): MimeBundle {
  if (isDisplayable(value)) {
    const bundle = { ...value[$display]() };
    if (typeof bundle["text/plain"] !== "string") bundle["text/plain"] = plainText(value);
    return bundle;
  }
  return { "text/plain": plainText(value) };
}

/**
 * The plain-text form of a value: strings as they are, displayable objects by their
 * `toString()` (or their `text/plain`), anything else through `Deno.inspect`.
 *
 * @example
 * ```ts
 * import { plainText } from "./show.ts";
 * plainText({ a: 1 }); // "{ a: 1 }"
 * ```
 */
export function plainText(value: unknown): string {
  if (typeof value === "string") return value;
  if (isDisplayable(value)) {
    const own = (value as { toString?: () => string }).toString;
    if (typeof own === "function" && own !== Object.prototype.toString) {
      return own.call(value);
    }
    const text = value[$display]()["text/plain"];
    if (typeof text === "string") return text;
  }
  return Deno.inspect(value, { colors: false, depth: 4 });
}

/** Options of {@link show}. */
export interface ShowOptions {
  /** The kernel to display in; found automatically when not given. `null`: text only. */
  kernel?: KernelDisplay | null;
  /** Where text goes outside the kernel; standard output by default. */
  writer?: TextWriter;
}

/**
 * Shows a value: as a MIME bundle in the kernel (tables as HTML, plots as SVG), as plain
 * text on standard output elsewhere. Falls back to text when the kernel refuses the bundle.
 *
 * @example
 * ```ts
 * import { show } from "./show.ts";
 * await show({ module: "20UPGM22110001", passed: true });
 * ```
 */
export async function show(value: unknown, options: ShowOptions = {}): Promise<void> {
  const target = options.kernel === undefined ? kernel() : options.kernel ?? undefined;
  if (target) {
    try {
      await target.display(mimeBundle(value), { raw: true });
      return;
    } catch {
      // Fall through to text: a display that fails must not lose the output.
    }
  }
  const text = plainText(value);
  (options.writer ?? stdoutWriter()).write(text.endsWith("\n") ? text : `${text}\n`);
}
