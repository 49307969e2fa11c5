/**
 * One module's history: every wire-pull run of it against its date, with the cuts.
 *
 * @module
 */

import { horizontalCutLayers, statusColor, strengthCutLines, strengthCutsOf } from "./_cuts.ts";
import { renderSvg } from "./_render.ts";
import { Plot } from "./plot.ts";

/** One run of the module. */
export interface HistoryPoint {
  /** The run's date (ISO). */
  date: string;
  /** Mean pull strength. */
  mean: number;
  /** Minimum pull strength. */
  min: number;
  /** Maximum pull strength. */
  max: number;
  passed: boolean;
  /** The run number, written beside the run. */
  runNumber?: string | null;
}

/** Options of {@linkcode historyChart}. */
export interface HistoryChartOptions {
  /** The cut on the mean. Default 7.0. */
  meanCut?: number;
  /** The cut on the minimum. Default 4.0. */
  minCut?: number;
  /** The plot's title. Default "Module history". */
  title?: string;
  /** The load unit. Default "g". */
  unit?: string;
  /** Plot width in pixels. Default 480. */
  width?: number;
  /** Plot height in pixels. Default 260. */
  height?: number;
}

const PASS = "#1a7f37";

/**
 * Plots each run of one module at its date: a bar from the minimum to the maximum pull
 * strength, the mean (●) and the minimum (▼), green when the run passed and red when it
 * failed, the cuts as dashed rules.
 *
 * @example
 * ```ts
 * import { historyChart } from "./history_chart.ts";
 * const plot = await historyChart([
 *   { date: "2024-02-05T10:00:00Z", mean: 6.8, min: 3.2, max: 10.1, passed: false },
 *   { date: "2024-02-19T10:00:00Z", mean: 8.9, min: 5.9, max: 11.2, passed: true },
 * ], { title: "20UPGM21000042" });
 * plot.svg.includes("20UPGM21000042"); // true
 * ```
 */
export async function historyChart(
  points: readonly HistoryPoint[],
  options: HistoryChartOptions = {},
): Promise<Plot> {
  const cuts = strengthCutsOf(options);
  const title = options.title ?? "Module history";
  const values = points
    .filter((p) =>
      [p.mean, p.min, p.max].every(Number.isFinite) && !Number.isNaN(Date.parse(p.date))
    )
    .map((p) => ({ ...p, status: p.passed ? "passed" : "failed", label: p.runNumber ?? "" }));
  const failed = values.filter((p) => !p.passed).length;
  const subtitle = [
    `${values.length} run${values.length === 1 ? "" : "s"}`,
    `${failed} failed`,
    "bar: min–max · ● mean  ▼ min",
  ];
  const x = {
    field: "date",
    type: "temporal",
    title: "Date of the test",
    scale: { padding: 40 },
  };
  const y = {
    type: "quantitative",
    title: `Pull strength (${cuts.unit})`,
    scale: { zero: false, padding: 24 },
  };
  const color = statusColor(PASS);
  const svg = await renderSvg({
    width: options.width ?? 480,
    height: options.height ?? 260,
    title: { text: title, subtitle: subtitle.join(" · ") },
    data: { values },
    layer: [
      {
        name: "range",
        mark: { type: "rule", strokeWidth: 6, opacity: 0.3 },
        encoding: { x, y: { ...y, field: "min" }, y2: { field: "max" }, color },
      },
      {
        name: "mean",
        mark: { type: "point", shape: "circle", filled: true, size: 80 },
        encoding: { x, y: { ...y, field: "mean" }, color },
      },
      {
        name: "min",
        mark: { type: "point", shape: "triangle-down", filled: true, size: 60 },
        encoding: { x, y: { ...y, field: "min" }, color },
      },
      {
        name: "run_labels",
        mark: { type: "text", dy: 10, baseline: "top", fontSize: 10, color: "#333" },
        encoding: { x, y: { ...y, field: "min" }, text: { field: "label" } },
      },
      ...horizontalCutLayers(strengthCutLines(cuts)),
    ],
  });
  return new Plot(svg, `${title} (${subtitle.slice(0, 2).join(", ")})`);
}
