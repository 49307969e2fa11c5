/**
 * The display protocol shared by everything that shows itself in a notebook (plots, progress,
 * tables, error views): MIME bundles and the {@linkcode $display} symbol of the `deno jupyter`
 * kernel, the kernel itself when there is one, and the text writers used outside it. It imports
 * nothing of the toolkit: `plots/`, `progress/` and `notebook/` build on it.
 *
 * @example
 * ```ts
 * import { $display, type Displayable, inKernel, stdoutWriter } from "./mod.ts";
 * const hello: Displayable = { [$display]: () => ({ "text/plain": "hello" }) };
 * if (!inKernel()) stdoutWriter().write(`${hello[$display]()["text/plain"]}\n`);
 * ```
 *
 * @module
 */
export * from "./mime.ts";
export * from "./kernel.ts";
export * from "./writer.ts";
