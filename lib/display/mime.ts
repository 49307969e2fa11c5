/**
 * The display protocol of the `deno jupyter` kernel: an object that implements
 * {@linkcode $display} renders itself as a MIME bundle (`text/plain`, `text/html`,
 * `image/svg+xml`, …) when it is the last expression of a notebook cell. Plots, progress
 * displays, tables and error views implement it; this module imports nothing of the toolkit, so
 * that each of them can.
 *
 * @example
 * ```ts
 * import { $display, type Displayable, isDisplayable } from "./mime.ts";
 * const bold: Displayable = { [$display]: () => ({ "text/plain": "hi", "text/html": "<b>hi</b>" }) };
 * isDisplayable(bold); // true
 * ```
 *
 * @module
 */

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
 * import { $display, type Displayable } from "./mime.ts";
 * const bold: Displayable = {
 *   [$display]: () => ({ "text/plain": "hi", "text/html": "<b>hi</b>" }),
 * };
 * ```
 */
export interface Displayable {
  /** Returns the MIME bundle to show. */
  [$display](): MimeBundle;
}

/**
 * True when `value` renders itself in the kernel (implements {@linkcode $display}).
 *
 * @example
 * ```ts
 * import { isDisplayable } from "./mime.ts";
 * isDisplayable({}); // false
 * ```
 */
export function isDisplayable(value: unknown): value is Displayable {
  return (typeof value === "object" || typeof value === "function") && value !== null &&
    typeof (value as Record<symbol, unknown>)[$display] === "function";
}
