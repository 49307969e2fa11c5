/**
 * Break-mode fractions per site: one bar per institution, split by break mode.
 *
 * @module
 */

import { renderSvg } from "./_render.ts";
import { Plot } from "./plot.ts";

/** How often one break mode occurs at one site. */
export interface ModeShare {
  institution: string;
  /** The break mode (0..5). */
  mode: number;
  /** What it means, e.g. "midspan break". */
  name: string;
  /** Pulls of this mode at this site. */
  pulls: number;
  /** Share of the site's pulls, in % (0..100). */
  share: number;
}

/** Options of {@linkcode breakModeChart}. */
export interface BreakModeChartOptions {
  /** The plot's title. Default "Break modes per site". */
  title?: string;
  /** Plot width in pixels (the legend comes beside it). Default 520. */
  width?: number;
}

/** A colour per break mode (0 midspan … 5 pull failure), the same in every plot. */
const MODE_COLORS = ["#4c78a8", "#f58518", "#eeca3b", "#e45756", "#b279a2", "#9d755d"];

/**
 * Plots, per institution, the share of its pulls in each break mode as one stacked bar of
 * 100 %, modes in order (0 midspan break first) with one colour each.
 *
 * @example
 * ```ts
 * import { breakModeChart } from "./break_mode_chart.ts";
 * const plot = await breakModeChart([
 *   { institution: "A", mode: 0, name: "midspan break", pulls: 90, share: 90 },
 *   { institution: "A", mode: 1, name: "heel break on hybrid", pulls: 10, share: 10 },
 * ]);
 * plot.svg.includes("Share of pulls (%)"); // true
 * ```
 */
export async function breakModeChart(
  rows: readonly ModeShare[],
  options: BreakModeChartOptions = {},
): Promise<Plot> {
  const title = options.title ?? "Break modes per site";
  const values = rows.filter((r) => Number.isFinite(r.share) && r.pulls > 0)
    .map((r) => ({ ...r, label: `${r.mode} ${r.name}` }));
  const sites = [...new Set(values.map((r) => r.institution))].sort();
  const modes = [...new Map(values.map((r) => [r.mode, r.label])).entries()]
    .sort((a, b) => a[0] - b[0]);
  const pulls = values.reduce((n, r) => n + r.pulls, 0);
  const subtitle = `${pulls} pulls · ${sites.length} site${sites.length === 1 ? "" : "s"}`;
  const svg = await renderSvg({
    width: options.width ?? 520,
    height: { step: 28 },
    title: { text: title, subtitle },
    data: { values },
    layer: [{
      name: "shares",
      mark: { type: "bar", stroke: "white", strokeWidth: 0.5 },
      encoding: {
        y: { field: "institution", type: "nominal", title: "Institution", sort: sites },
        x: {
          field: "share",
          type: "quantitative",
          title: "Share of pulls (%)",
          stack: "zero",
          scale: { domain: [0, 100] },
        },
        color: {
          field: "label",
          type: "nominal",
          title: "Break mode",
          legend: { labelLimit: 240 },
          sort: modes.map(([, label]) => label),
          scale: {
            domain: modes.map(([, label]) => label),
            range: modes.map(([mode]) => MODE_COLORS[mode] ?? "#bab0ac"),
          },
        },
        order: { field: "mode", type: "quantitative" },
        tooltip: [
          { field: "institution" },
          { field: "label", title: "break mode" },
          { field: "pulls" },
          { field: "share", format: ".1f" },
        ],
      },
    }],
  });
  return new Plot(svg, `${title} (${subtitle.replaceAll(" · ", ", ")})`);
}
