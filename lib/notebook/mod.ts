/**
 * Rich display for the `deno jupyter` kernel that falls back to plain text elsewhere:
 * tables, plots (SVG, rendered offline with vega-lite), readable errors and progress that
 * updates in place.
 *
 * In a notebook, the objects render themselves when they are a cell's last expression;
 * {@linkcode show} displays them from anywhere in a cell, or prints their text outside the
 * kernel.
 *
 * @example
 * ```ts
 * import { loadHistogram, progress, show, table } from "./mod.ts";
 *
 * const loads = [8.4, 9.1, 5.6, 10.9, 7.7];
 * await show(table(loads.map((load, i) => ({ pull: i + 1, load, passed: load >= 4.0 }))));
 * const plot = await loadHistogram(loads, { threshold: 7.0 });
 * console.log(plot.svg.length > 0);
 *
 * const p = progress({ total: loads.length, label: "upload", silent: true });
 * for (const _ of loads) p.tick();
 * await p.done();
 * ```
 *
 * @module
 */

export * from "../display/mod.ts";
export * from "./show.ts";
export * from "../progress/mod.ts";
export * from "./cell_order.ts";
export * from "./table.ts";
export * from "./errors_view.ts";
export * from "./failure_groups.ts";
export * from "./plots/plot.ts";
export * from "./plots/histogram.ts";
export * from "./plots/by_group.ts";
export * from "./plots/module_comparison.ts";
export * from "./plots/iv_curve.ts";
export * from "./plots/pass_rate.ts";
export * from "./plots/strength_timeline.ts";
export * from "./plots/break_mode_chart.ts";
export * from "./plots/history_chart.ts";
