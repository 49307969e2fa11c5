/**
 * Pass rate per week, one line per institution.
 *
 * @module
 */

import { renderSvg } from "./_render.ts";
import { Plot } from "./plot.ts";

/** One week of one institution. */
export interface WeeklyRate {
  /** The week's Monday, `YYYY-MM-DD`. */
  week: string;
  institution: string;
  /** Runs tested that week. */
  runs: number;
  /** Passed runs in % (0..100). */
  passRate: number;
}

/** Options of {@linkcode passRateChart}. */
export interface PassRateChartOptions {
  /** The plot's title. Default "Pass rate per week". */
  title?: string;
  /** Plot width in pixels (the legend comes beside it). Default 640. */
  width?: number;
  /** Plot height in pixels. Default 260. */
  height?: number;
}

/**
 * Plots the share of passed runs per week, one coloured line per institution; each point's
 * size shows how many runs were tested that week. Weeks with a non-numeric rate are left out.
 *
 * @example
 * ```ts
 * import { passRateChart } from "./pass_rate.ts";
 * const plot = await passRateChart([
 *   { week: "2024-02-05", institution: "A", runs: 20, passRate: 90 },
 *   { week: "2024-02-12", institution: "A", runs: 25, passRate: 96 },
 * ]);
 * plot.svg.includes("Pass rate (%)"); // true
 * ```
 */
export async function passRateChart(
  rows: readonly WeeklyRate[],
  options: PassRateChartOptions = {},
): Promise<Plot> {
  const title = options.title ?? "Pass rate per week";
  const values = rows.filter((r) => Number.isFinite(r.passRate) && r.runs > 0);
  const runs = values.reduce((n, r) => n + r.runs, 0);
  const passed = values.reduce((n, r) => n + (r.runs * r.passRate) / 100, 0);
  const sites = new Set(values.map((r) => r.institution)).size;
  const weeks = new Set(values.map((r) => r.week)).size;
  const subtitle = [
    `${runs} runs`,
    `${weeks} week${weeks === 1 ? "" : "s"}`,
    `${sites} institution${sites === 1 ? "" : "s"}`,
  ];
  if (runs) subtitle.push(`${((100 * passed) / runs).toFixed(1)} % passed overall`);
  const x = { field: "week", type: "temporal", title: "Week (from Monday)" };
  const y = {
    field: "passRate",
    type: "quantitative",
    title: "Pass rate (%)",
    scale: { domain: [Math.min(50, ...values.map((r) => r.passRate)), 100], nice: true },
  };
  const color = { field: "institution", type: "nominal", title: "Institution" };
  const svg = await renderSvg({
    width: options.width ?? 640,
    height: options.height ?? 260,
    title: { text: title, subtitle: subtitle.join(" · ") },
    data: { values },
    layer: [
      { name: "lines", mark: { type: "line", strokeWidth: 1.5 }, encoding: { x, y, color } },
      {
        name: "weeks",
        mark: { type: "circle", opacity: 0.9 },
        encoding: {
          x,
          y,
          color,
          size: { field: "runs", type: "quantitative", title: "Runs", scale: { range: [12, 90] } },
        },
      },
    ],
  });
  return new Plot(svg, `${title} (${subtitle.join(", ")})`);
}
