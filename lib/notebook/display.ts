/**
 * Rich display in the `deno jupyter` kernel, plain text everywhere else.
 *
 * Objects that implement {@linkcode $display} (tables, plots, error views, progress) render
 * by themselves when they are the last expression of a notebook cell; {@linkcode show}
 * displays any value from the middle of a cell, or prints its text outside the kernel.
 *
 * @example Show a value
 * ```ts
 * import { show } from "./display.ts";
 * await show("plain text outside the kernel, text/plain inside");
 * ```
 *
 * @module
 */

import { fileWriter } from "./_io.ts";

/**
 * A MIME bundle: media type → content, as the Jupyter protocol sends it
 * (`text/plain`, `text/html`, `image/svg+xml`, …).
 */
export type MimeBundle = Record<string, string | object>;

/**
 * The symbol the Deno kernel looks for to render an object (`Deno.jupyter.$display`).
 * It is a registered symbol, so it is the same inside and outside the kernel.
 */
export const $display: typeof Deno.jupyter.$display = Symbol.for(
  "Jupyter.display",
) as typeof Deno.jupyter.$display;

/**
 * An object that renders itself as a MIME bundle in the kernel.
 *
 * @example
 * ```ts
 * import { $display, type Displayable } from "./display.ts";
 * const bold: Displayable = {
 *   [$display]: () => ({ "text/plain": "hi", "text/html": "<b>hi</b>" }),
 * };
 * ```
 */
export interface Displayable {
  /** Returns the MIME bundle to show. */
  [$display](): MimeBundle;
}

/** Options of `Deno.jupyter.display`. */
export interface KernelDisplayOptions {
  /** Send the bundle as is (always true here). */
  raw?: boolean;
  /** Id of a display that can be updated later. */
  display_id?: string;
  /** Replace the display with this id instead of adding a new one. */
  update?: boolean;
}

/** The part of `Deno.jupyter` this module uses; tests can pass a fake one. */
export interface KernelDisplay {
  /** Sends a MIME bundle to the frontend. */
  display(bundle: MimeBundle, options: KernelDisplayOptions): Promise<void>;
}

/** Where plain text goes outside the kernel. */
export interface TextWriter {
  /** Writes the text as is (no newline added). */
  write(text: string): void;
}

/**
 * The running Jupyter kernel's display API, or `undefined` outside `deno jupyter`.
 *
 * `Deno.jupyter` is declared in every Deno process, but outside the kernel reading it
 * throws; this never throws.
 *
 * @example
 * ```ts
 * import { kernel } from "./display.ts";
 * console.log(kernel() ? "in a notebook" : "in a terminal");
 * ```
 */
export function kernel(): KernelDisplay | undefined {
  try {
    const jupyter = (Deno as unknown as { jupyter?: { display?: unknown } }).jupyter;
    if (jupyter && typeof jupyter.display === "function") {
      return jupyter as unknown as KernelDisplay;
    }
  } catch {
    // Outside `deno jupyter` the getter throws.
  }
  return undefined;
}

/**
 * True when running inside the `deno jupyter` kernel.
 *
 * @example
 * ```ts
 * import { inKernel } from "./display.ts";
 * if (!inKernel()) console.log("plain text mode");
 * ```
 */
export function inKernel(): boolean {
  return kernel() !== undefined;
}

/**
 * True when `value` renders itself in the kernel (implements {@linkcode $display}).
 *
 * @example
 * ```ts
 * import { isDisplayable } from "./display.ts";
 * isDisplayable({}); // false
 * ```
 */
export function isDisplayable(value: unknown): value is Displayable {
  return (typeof value === "object" || typeof value === "function") && value !== null &&
    typeof (value as Record<symbol, unknown>)[$display] === "function";
}

/**
 * The MIME bundle of any value: its own bundle when it is displayable, its text otherwise.
 * Always holds `text/plain`.
 *
 * @example
 * ```ts
 * import { mimeBundle } from "./display.ts";
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
 * import { plainText } from "./display.ts";
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

/** Options of {@linkcode show}. */
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
 * import { show } from "./display.ts";
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

/**
 * A writer to standard output.
 *
 * @example
 * ```ts
 * import { stdoutWriter } from "./display.ts";
 * stdoutWriter().write("hello\n");
 * ```
 */
export function stdoutWriter(): TextWriter {
  return fileWriter(Deno.stdout);
}
