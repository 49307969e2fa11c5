/**
 * The distribution of pull loads, with the pass cuts as vertical rules.
 *
 * @module
 */

import { binValues, defaultBinCount } from "./_bins.ts";
import { renderSvg } from "./_render.ts";
import { cutText, finite, mean, short } from "./_stats.ts";
import { Plot } from "./plot.ts";

/** Options of {@linkcode loadHistogram}. */
export interface LoadHistogramOptions {
  /**
   * The per-pull cut (e.g. 4, the cut on the minimum): a rule, and bins below it in red. Labelled
   * "min cut 4 g" when `meanCut` is drawn too, else "cut 4 g".
   */
  threshold?: number;
  /** The cut on the mean (e.g. 7): a second rule, "mean cut 7 g"; bins keep their colour. */
  meanCut?: number;
  /** A logarithmic count axis (symlog: 0 stays 0), so that a few pulls below a cut show. */
  logCount?: boolean;
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
const MEAN_CUT = "#8250df";

/**
 * Plots the distribution of loads as a histogram; bins below the threshold are red and the
 * threshold is a dashed vertical rule; the cut on the mean, when given, is a second rule. Each
 * cut is labelled once. Non-numeric loads are left out and counted in the subtitle. Resolves to
 * a {@linkcode Plot} (SVG).
 *
 * @example
 * ```ts
 * import { loadHistogram } from "./histogram.ts";
 * const plot = await loadHistogram([8.4, 9.1, 5.6, 10.9, 7.7], { threshold: 4, meanCut: 7 });
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
  const meanCut = Number.isFinite(options.meanCut) ? options.meanCut : undefined;
  const bins = binValues(values, options.bins ?? defaultBinCount(values.length));
  const rows = bins.map((b) => ({
    ...b,
    side: threshold !== undefined && b.stop <= threshold ? "below" : "above",
  }));

  let lo = bins.length ? bins[0].start : (threshold ?? 0) - 1;
  let hi = bins.length ? bins[bins.length - 1].stop : (threshold ?? 0) + 1;
  for (const cut of [threshold, meanCut]) {
    if (cut === undefined) continue;
    const pad = (hi - lo) * 0.02;
    lo = Math.min(lo, cut - pad);
    hi = Math.max(hi, cut + pad);
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
        title: options.logCount ? "Pulls (log scale)" : "Pulls",
        ...(options.logCount ? { scale: { type: "symlog" } } : {}),
        axis: {
          tickMinStep: 1,
          format: "d",
          // symlog ticks: 0, 1, 2, 5, 10, 20, 50, … up to the highest bin.
          ...(options.logCount
            ? { values: logTicks(Math.max(1, ...bins.map((b) => b.count))) }
            : {}),
        },
      },
      color: {
        field: "side",
        type: "nominal",
        scale: { domain: ["above", "below"], range: [OK, LOW] },
        legend: null,
      },
    },
  }];
  const cuts = [
    ...(threshold === undefined ? [] : [{
      name: "threshold",
      value: threshold,
      text: `${meanCut === undefined ? "" : "min "}cut ${cutText(threshold)} ${unit}`,
      color: CUT,
    }]),
    ...(meanCut === undefined ? [] : [{
      name: "mean_cut",
      value: meanCut,
      text: `mean cut ${cutText(meanCut)} ${unit}`,
      color: MEAN_CUT,
    }]),
  ];
  // One rule and one label per cut, the labels above the plot area (clear of the bars): the
  // lower cut's label ends at its rule, the higher one's starts there, so they never meet.
  cuts.sort((a, b) => a.value - b.value).forEach((cut, i) => {
    const at = [{ value: cut.value, text: cut.text }];
    const left = cuts.length > 1 && i === 0;
    layers.push({
      name: cut.name,
      data: { values: at },
      mark: { type: "rule", color: cut.color, strokeWidth: 2, strokeDash: [6, 3] },
      encoding: { x: { field: "value", type: "quantitative" } },
    }, {
      name: `${cut.name}_label`,
      data: { values: at },
      mark: {
        type: "text",
        color: cut.color,
        align: left ? "right" : "left",
        dx: left ? -3 : 3,
        y: -4,
        baseline: "bottom",
        fontSize: 11,
        fontWeight: "bold",
      },
      encoding: { x: { field: "value", type: "quantitative" }, text: { field: "text" } },
    });
  });
  const svg = await renderSvg({
    width: options.width ?? 480,
    height: options.height ?? 260,
    title: { text: title, subtitle: subtitle.join(" · ") },
    layer: layers,
  });
  return new Plot(svg, `${title} (${subtitle.join(", ")})`);
}

/** 0, 1, 2, 5, 10, 20, 50, … up to the first value at or above `max`. */
function logTicks(max: number): number[] {
  const ticks = [0];
  for (let p = 1; ticks[ticks.length - 1] < max; p *= 10) {
    for (const m of [1, 2, 5]) {
      ticks.push(m * p);
      if (m * p >= max) break;
    }
  }
  return ticks;
}
