/**
 * The distribution of pull loads, with the pass cut as a vertical rule.
 *
 * @module
 */

import { binValues, defaultBinCount } from "./_bins.ts";
import { renderSvg } from "./_render.ts";
import { cutText, finite, mean, short } from "./_stats.ts";
import { Plot } from "./plot.ts";

/** Options of {@linkcode loadHistogram}. */
export interface LoadHistogramOptions {
  /** The cut drawn as a rule, e.g. 7.0 (mean cut) or 4.0 (minimum cut). */
  threshold?: number;
  /** The plot's title. Default "Pull load distribution". */
  title?: string;
  /** The load unit. Default "g". */
  unit?: string;
  /** At most this many bins (rounded to nice edges). Default by the number of loads, 10–40. */
  bins?: number;
  /** Plot width in pixels. Default 480. */
  width?: number;
  /** Plot height in pixels. Default 260. */
  height?: number;
}

/** Colours: bars at or above the cut, below it, and the cut itself. */
const OK = "#4c78a8";
const LOW = "#e45756";
const CUT = "#cf222e";

/**
 * Plots the distribution of loads as a histogram; bins below the threshold are red and the
 * threshold is a dashed vertical rule. Non-numeric loads are left out and counted in the
 * subtitle. Resolves to a {@linkcode Plot} (SVG).
 *
 * @example
 * ```ts
 * import { loadHistogram } from "./histogram.ts";
 * const plot = await loadHistogram([8.4, 9.1, 5.6, 10.9, 7.7], { threshold: 7.0 });
 * plot.svg.includes("Load (g)"); // true
 * ```
 */
export async function loadHistogram(
  loads: readonly number[],
  options: LoadHistogramOptions = {},
): Promise<Plot> {
  const unit = options.unit ?? "g";
  const title = options.title ?? "Pull load distribution";
  const values = finite(loads);
  const ignored = loads.length - values.length;
  const threshold = Number.isFinite(options.threshold) ? options.threshold : undefined;
  const bins = binValues(values, options.bins ?? defaultBinCount(values.length));
  const rows = bins.map((b) => ({
    ...b,
    side: threshold !== undefined && b.stop <= threshold ? "below" : "above",
  }));

  let lo = bins.length ? bins[0].start : (threshold ?? 0) - 1;
  let hi = bins.length ? bins[bins.length - 1].stop : (threshold ?? 0) + 1;
  if (threshold !== undefined) {
    const pad = (hi - lo) * 0.02;
    lo = Math.min(lo, threshold - pad);
    hi = Math.max(hi, threshold + pad);
  }

  const subtitle: string[] = [`n = ${values.length}`];
  if (values.length) subtitle.push(`mean ${short(mean(values))} ${unit}`);
  if (values.length) subtitle.push(`min ${short(Math.min(...values))} ${unit}`);
  if (threshold !== undefined) {
    subtitle.push(
      `${values.filter((v) => v < threshold).length} below ${cutText(threshold)} ${unit}`,
    );
  }
  if (ignored) subtitle.push(`${ignored} non-numeric left out`);

  const layers: Record<string, unknown>[] = [{
    name: "bins",
    data: { values: rows },
    mark: { type: "rect", stroke: "white", strokeWidth: 0.5 },
    encoding: {
      x: {
        field: "start",
        type: "quantitative",
        title: `Load (${unit})`,
        scale: { domain: [lo, hi], nice: false, zero: false },
      },
      x2: { field: "stop" },
      y: {
        field: "count",
        type: "quantitative",
        title: "Pulls",
        axis: { tickMinStep: 1, format: "d" },
      },
      color: {
        field: "side",
        type: "nominal",
        scale: { domain: ["above", "below"], range: [OK, LOW] },
        legend: null,
      },
    },
  }];
  if (threshold !== undefined) {
    const cut = [{ threshold, text: `cut ${cutText(threshold)} ${unit}` }];
    layers.push({
      name: "threshold",
      data: { values: cut },
      mark: { type: "rule", color: CUT, strokeWidth: 2, strokeDash: [6, 3] },
      encoding: { x: { field: "threshold", type: "quantitative" } },
    }, {
      name: "threshold_label",
      data: { values: cut },
      mark: { type: "text", color: CUT, align: "left", dx: 4, y: 8, fontSize: 11 },
      encoding: { x: { field: "threshold", type: "quantitative" }, text: { field: "text" } },
    });
  }
  const svg = await renderSvg({
    width: options.width ?? 480,
    height: options.height ?? 260,
    title: { text: title, subtitle: subtitle.join(" · ") },
    layer: layers,
  });
  return new Plot(svg, `${title} (${subtitle.join(", ")})`);
}
