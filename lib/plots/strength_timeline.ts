/**
 * Pull strength over time: each run's mean and minimum against its date, with the cuts.
 *
 * @module
 */

import { renderSvg, roundPositions } from "./_render.ts";
import { cutText } from "./_stats.ts";
import { Plot } from "./plot.ts";

/** One run's strengths. */
export interface StrengthPoint {
  /** The run's date (ISO). */
  date: string;
  /** The module (serial number). */
  module: string;
  /** Mean pull strength. */
  mean: number;
  /** Minimum pull strength. */
  min: number;
  /** Whether the run passed. */
  passed: boolean;
}

/** Options of {@linkcode strengthTimeline}. */
export interface StrengthTimelineOptions {
  /** The cut on the mean. Default 7.0. */
  meanCut?: number;
  /** The cut on the minimum. Default 4.0. */
  minCut?: number;
  /** The plot's title. Default "Pull strength over time". */
  title?: string;
  /** The load unit. Default "g". */
  unit?: string;
  /** Plot width in pixels. Default 720. */
  width?: number;
  /** Plot height in pixels. Default 300. */
  height?: number;
}

const PASS = "#4c78a8";
const FAIL = "#e45756";
const CUT = "#cf222e";

/**
 * Plots every run's mean (●) and minimum (▼) pull strength against its date, failing runs in
 * red, the cuts on the mean and the minimum as dashed rules. Points without numbers or a date
 * that parses are left out and counted.
 *
 * @example
 * ```ts
 * import { strengthTimeline } from "./strength_timeline.ts";
 * const plot = await strengthTimeline([
 *   { date: "2024-02-05T10:00:00Z", module: "M1", mean: 8.7, min: 5.6, passed: true },
 *   { date: "2024-02-09T10:00:00Z", module: "M2", mean: 6.8, min: 3.1, passed: false },
 * ]);
 * plot.svg.includes("Pull strength (g)"); // true
 * ```
 */
export async function strengthTimeline(
  points: readonly StrengthPoint[],
  options: StrengthTimelineOptions = {},
): Promise<Plot> {
  const meanCut = options.meanCut ?? 7.0;
  const minCut = options.minCut ?? 4.0;
  const unit = options.unit ?? "g";
  const title = options.title ?? "Pull strength over time";
  const usable = points.filter((p) =>
    Number.isFinite(p.mean) && Number.isFinite(p.min) && !Number.isNaN(Date.parse(p.date))
  ).map((p) => ({ ...p, status: p.passed ? "passed" : "failed" }));
  const ignored = points.length - usable.length;
  const failed = usable.filter((p) => !p.passed).length;
  const subtitle = [`${usable.length} runs`, `${failed} failing (red)`, "● mean  ▼ min"];
  if (ignored) subtitle.push(`${ignored} without numbers left out`);
  const x = { field: "date", type: "temporal", title: "Date of the test" };
  const y = { type: "quantitative", title: `Pull strength (${unit})`, scale: { zero: false } };
  const color = {
    field: "status",
    type: "nominal",
    legend: null,
    scale: { domain: ["passed", "failed"], range: [PASS, FAIL] },
  };
  const lines = [
    { value: meanCut, text: `mean cut ${cutText(meanCut)} ${unit}` },
    { value: minCut, text: `min cut ${cutText(minCut)} ${unit}` },
  ];
  const svg = await renderSvg({
    width: options.width ?? 720,
    height: options.height ?? 300,
    title: { text: title, subtitle: subtitle.join(" · ") },
    data: { values: usable },
    layer: [
      {
        name: "min",
        mark: {
          type: "point",
          shape: "triangle-down",
          filled: true,
          size: 14,
          opacity: 0.5,
          aria: false,
        },
        encoding: { x, y: { ...y, field: "min" }, color },
      },
      {
        name: "mean",
        mark: { type: "circle", size: 14, opacity: 0.6, aria: false },
        encoding: { x, y: { ...y, field: "mean" }, color },
      },
      {
        name: "cuts",
        data: { values: lines },
        mark: { type: "rule", color: CUT, strokeWidth: 1.5, strokeDash: [6, 3] },
        encoding: { y: { field: "value", type: "quantitative" } },
      },
      {
        name: "cut_labels",
        data: { values: lines },
        mark: { type: "text", color: CUT, align: "right", baseline: "bottom", dy: -2, x: "width" },
        encoding: { y: { field: "value", type: "quantitative" }, text: { field: "text" } },
      },
    ],
  });
  return new Plot(roundPositions(svg), `${title} (${subtitle.slice(0, 2).join(", ")})`);
}
