/**
 * What is specific to the Jupyter display, on top of `lib/display`, `lib/plots` and
 * `lib/progress`: {@linkcode show} for any value, tables, readable errors and failures grouped
 * by cause, and the guard of a cell run out of order. Outside the `deno jupyter` kernel every
 * view prints plain text.
 *
 * In a notebook, the objects render themselves when they are a cell's last expression;
 * {@linkcode show} displays them from anywhere in a cell, or prints their text outside the
 * kernel.
 *
 * @example
 * ```ts
 * import { show, table } from "./mod.ts";
 *
 * const loads = [8.4, 9.1, 5.6, 10.9, 7.7];
 * await show(table(loads.map((load, i) => ({ pull: i + 1, load, passed: load >= 4.0 }))));
 * ```
 *
 * @module
 */

export * from "./show.ts";
export * from "./cell_order.ts";
export * from "./table.ts";
export * from "./errors_view.ts";
export * from "./failure_groups.ts";
