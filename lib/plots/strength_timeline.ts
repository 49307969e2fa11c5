/**
 * Pull strength over time: each run's mean and minimum against its date, with the cuts.
 *
 * @module
 */

import { horizontalCutLayers, statusColor, strengthCutLines, strengthCutsOf } from "./_cuts.ts";
import { renderSvg, roundPositions } from "./_render.ts";
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

/**
 * Options of {@linkcode strengthTimeline}: the same as {@linkcode historyChart}'s (and the cuts
 * of {@linkcode moduleComparison}), each plot saying its own defaults; the cuts themselves are
 * drawn by one helper (`_cuts.ts`).
 */
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
  const cuts = strengthCutsOf(options);
  const title = options.title ?? "Pull strength over time";
  const usable = points.filter((p) =>
    Number.isFinite(p.mean) && Number.isFinite(p.min) && !Number.isNaN(Date.parse(p.date))
  ).map((p) => ({ ...p, status: p.passed ? "passed" : "failed" }));
  const ignored = points.length - usable.length;
  const failed = usable.filter((p) => !p.passed).length;
  const subtitle = [`${usable.length} runs`, `${failed} failing (red)`, "● mean  ▼ min"];
  if (ignored) subtitle.push(`${ignored} without numbers left out`);
  const x = { field: "date", type: "temporal", title: "Date of the test" };
  const y = {
    type: "quantitative",
    title: `Pull strength (${cuts.unit})`,
    scale: { zero: false },
  };
  const color = statusColor(PASS);
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
      ...horizontalCutLayers(strengthCutLines(cuts)),
    ],
  });
  return new Plot(roundPositions(svg), `${title} (${subtitle.slice(0, 2).join(", ")})`);
}
