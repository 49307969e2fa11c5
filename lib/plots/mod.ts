/**
 * Plots of wire-pull and IV data, rendered offline with vega-lite to SVG (no permission, no
 * network), saved as SVG, PNG or PDF by the file's extension, and shown as `image/svg+xml` when
 * a plot is a notebook cell's last expression. Shared by the upload steps, the batch, the demo
 * and the notebooks; it imports only `lib/display`, `lib/io` and the errors.
 *
 * @example
 * ```ts
 * import { loadHistogram } from "./mod.ts";
 * const plot = await loadHistogram([8.4, 9.1, 5.6, 10.9, 7.7], { threshold: 4, meanCut: 7 });
 * console.log(plot.svg.length > 0);
 * ```
 *
 * @module
 */
export * from "./plot.ts";
export * from "./histogram.ts";
export * from "./by_group.ts";
export * from "./module_comparison.ts";
export * from "./iv_curve.ts";
export * from "./pass_rate.ts";
export * from "./strength_timeline.ts";
export * from "./break_mode_chart.ts";
export * from "./history_chart.ts";
