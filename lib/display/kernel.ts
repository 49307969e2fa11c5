/**
 * The running Jupyter kernel, when there is one: the part of `Deno.jupyter` the toolkit uses
 * (`display`, with a display id to update a display in place), found without throwing outside
 * the kernel.
 *
 * @example
 * ```ts
 * import { inKernel } from "./kernel.ts";
 * console.log(inKernel() ? "in a notebook" : "in a terminal");
 * ```
 *
 * @module
 */
import type { MimeBundle } from "./mime.ts";

/** Options of `Deno.jupyter.display`. */
export interface KernelDisplayOptions {
  /** Send the bundle as is (always true here). */
  raw?: boolean;
  /** Id of a display that can be updated later. */
  display_id?: string;
  /** Replace the display with this id instead of adding a new one. */
  update?: boolean;
}

/** The part of `Deno.jupyter` the toolkit uses; tests can pass a fake one. */
export interface KernelDisplay {
  /** Sends a MIME bundle to the frontend. */
  display(bundle: MimeBundle, options: KernelDisplayOptions): Promise<void>;
}

/**
 * The running Jupyter kernel's display API, or `undefined` outside `deno jupyter`.
 *
 * `Deno.jupyter` is declared in every Deno process, but outside the kernel reading it
 * throws; this never throws.
 *
 * @example
 * ```ts
 * import { kernel } from "./kernel.ts";
 * console.log(kernel() ? "in a notebook" : "in a terminal");
 * ```
 */
export function kernel(): KernelDisplay | undefined {
  try {
    // `Deno.jupyter` is typed as always present; it is not, outside the kernel.
    const jupyter = (Deno as unknown as { jupyter?: { display?: unknown } }).jupyter;
    if (jupyter && typeof jupyter.display === "function") {
      // Its `display` takes our bundle and options (the kernel's own declaration is wider).
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
 * import { inKernel } from "./kernel.ts";
 * if (!inKernel()) console.log("plain text mode");
 * ```
 */
export function inKernel(): boolean {
  return kernel() !== undefined;
}
