/**
 * One module against many: the mean and minimum pull strength of every module of a batch,
 * the cuts as rules, failing modules in red, chosen modules and the worst ones labelled; never
 * wider than a notebook page (~900 px).
 *
 * @module
 */

import {
  CUT_COLOR,
  DASHED_RULE,
  FAIL_COLOR,
  horizontalCutLayers,
  RIGHT_LABEL,
  statusColor,
  strengthCutLines,
  type StrengthCuts,
  strengthCutsOf,
} from "./_cuts.ts";
import { renderSvg } from "./_render.ts";
import { Plot } from "./plot.ts";

/** One module's pull-test summary. */
export interface ModuleRow {
  /** The module (serial number or name). */
  module: string;
  /** Mean pull strength. */
  mean: number;
  /** Minimum pull strength. */
  min: number;
  /** Whether the module passed; by default mean ≥ meanCut and min ≥ minCut. */
  passed?: boolean;
}

/** Options of {@linkcode moduleComparison}. */
export interface ModuleComparisonOptions {
  /** The cut on the mean. Default 7.0 (PULL_STRENGTH ≥ 7.0 g). */
  meanCut?: number;
  /** The cut on the minimum. Default 4.0 (PULL_STRENGTH_MIN ≥ 4.0 g). */
  minCut?: number;
  /** Modules to pick out with a label (the one module compared with the batch). */
  highlight?: string | string[];
  /** The plot's title. */
  title?: string;
  /** The load unit. Default "g". */
  unit?: string;
  /**
   * `"modules"`: one column per module, mean and min joined by a line (readable up to a few
   * dozen modules). `"scatter"`: one point per module, mean on x and min on y, the cuts
   * splitting the plane (for whole batches). Default: "modules" up to 60 modules. The
   * "modules" layout wraps into rows of at most 30 modules, so that it fits a page.
   */
  layout?: "modules" | "scatter";
  /** Plot height in pixels (of each row of the "modules" layout). Default 300 (220 a row). */
  height?: number;
  /**
   * Failing modules named on the "scatter" layout, worst first (lowest minimum, then mean):
   * numbered beside their points and listed beside the plot with their numbers. Default 5; 0
   * names none. (The "modules" layout names every module on its axis.)
   */
  worst?: number;
}

const PASS = "#4c78a8";
/** Modules in one row of the "modules" layout at most (24 px each: 720 px). */
const PER_ROW = 30;

/**
 * Plots one module against many: the mean and minimum pull strength of every module, the
 * cuts as dashed rules, failing modules in red, highlighted modules circled and labelled.
 * Up to 60 modules, one column per module (mean ●, min ▼, in the given order, in rows of at
 * most 30); beyond, or with `layout: "scatter"`, one point per module with the mean on x and
 * the minimum on y, the worst failing modules named beside their points.
 *
 * @example
 * ```ts
 * import { moduleComparison } from "./module_comparison.ts";
 * const plot = await moduleComparison([
 *   { module: "20UPGM22110001", mean: 8.7, min: 5.6 },
 *   { module: "20UPGM22110002", mean: 6.8, min: 3.9 },
 * ], { highlight: "20UPGM22110002" });
 * plot.svg.includes("Pull strength (g)"); // true
 * ```
 */
export async function moduleComparison(
  rows: readonly ModuleRow[],
  options: ModuleComparisonOptions = {},
): Promise<Plot> {
  const strength = strengthCutsOf(options);
  const titleText = options.title ?? "Pull strength per module";
  const highlight = new Set(
    options.highlight === undefined
      ? []
      : Array.isArray(options.highlight)
      ? options.highlight
      : [options.highlight],
  );
  const usable = rows.filter((r) => Number.isFinite(r.mean) && Number.isFinite(r.min));
  const ignored = rows.length - usable.length;
  const modules: ModulePoint[] = usable.map((r, i) => {
    const passed = r.passed ?? (r.mean >= strength.meanCut && r.min >= strength.minCut);
    return {
      index: i + 1,
      module: String(r.module),
      mean: r.mean,
      min: r.min,
      status: passed ? "passed" : "failed",
      highlighted: highlight.has(String(r.module)),
    };
  });
  const failed = modules.filter((m) => m.status === "failed").length;
  const layout = options.layout ?? (modules.length <= 60 ? "modules" : "scatter");
  const cuts = { ...strength, highlight: highlight.size > 0 };
  const subtitle = [
    `${modules.length} module${modules.length === 1 ? "" : "s"}`,
    `${failed} failing (red)`,
  ];
  if (layout === "modules") subtitle.push("● mean  ▼ min");
  const worst = layout === "scatter" ? worstOf(modules, options.worst ?? 5) : [];
  if (ignored) subtitle.push(`${ignored} without numbers left out`);
  const title = { text: titleText, subtitle: subtitle.join(" · ") };
  let spec: Record<string, unknown>;
  if (layout === "scatter") {
    worst.forEach((m, i) => (m.rank = i + 1));
    const plot = { ...scatterSpec(cuts, worst.length > 0), data: { values: modules } };
    const height = options.height ?? 300;
    spec = worst.length === 0 ? { ...plot, height } : {
      // The worst failing modules: numbered beside their points, named in a list beside the
      // plot (names beside the points would overlap where the worst modules crowd).
      hconcat: [{ ...plot, height }, worstList(worst, strength.unit)],
      spacing: 12,
    };
  } else {
    const rows = chunks(modules);
    const height = options.height ?? (rows.length > 1 ? 220 : 300);
    // Mark names must differ between rows (vega keys marks by name): the first row keeps the
    // plain names ("mean"), the next ones add their number ("mean_row2").
    const row = (part: ModulePoint[], i: number) => ({
      ...columnsSpec(part, cuts, i === 0 ? "" : `_row${i + 1}`),
      data: { values: part },
      height,
    });
    spec = rows.length === 1 ? row(rows[0], 0) : {
      vconcat: rows.map((part, i) => row(part, i)),
      resolve: { scale: { x: "independent", y: "shared" }, axis: { x: "independent" } },
      spacing: 16,
    };
  }
  const svg = await renderSvg({ ...spec, title });
  return new Plot(svg, `${titleText} (${subtitle.slice(0, 2).join(", ")})`);
}

/** Splits the modules into rows of at most {@linkcode PER_ROW}, as even as can be. */
function chunks(modules: ModulePoint[]): ModulePoint[][] {
  const rows = Math.max(1, Math.ceil(modules.length / PER_ROW));
  const size = Math.ceil(modules.length / rows);
  return Array.from({ length: rows }, (_, i) => modules.slice(i * size, (i + 1) * size));
}

/** The list of the worst modules: rank, serial number, minimum and mean. */
function worstList(worst: ModulePoint[], unit: string): Record<string, unknown> {
  const lines = worst.map((m) => ({
    rank: m.rank,
    text: `${m.rank}  ${m.module}  min ${m.min.toFixed(2)} ${unit}`,
  }));
  return {
    title: { text: `The ${worst.length} worst`, fontSize: 12, anchor: "start", subtitle: "" },
    data: { values: lines },
    width: 200,
    height: { step: 18 },
    view: { stroke: null },
    layer: [{
      name: "worst_list",
      mark: { type: "text", align: "left", baseline: "middle", fontSize: 11, color: FAIL_COLOR },
      encoding: {
        y: { field: "rank", type: "ordinal", axis: null },
        x: { value: 0 },
        text: { field: "text" },
      },
    }],
  };
}

/** The `n` worst failing modules: lowest minimum first, then lowest mean. */
function worstOf(modules: ModulePoint[], n: number): ModulePoint[] {
  return modules.filter((m) => m.status === "failed")
    .sort((a, b) => a.min - b.min || a.mean - b.mean)
    .slice(0, Math.max(0, n));
}

/** One module as plotted. */
interface ModulePoint {
  index: number;
  module: string;
  mean: number;
  min: number;
  status: "passed" | "failed";
  highlighted: boolean;
  /** Its rank among the worst failing modules (scatter layout), 1 = worst. */
  rank?: number;
}

/** What both layouts draw besides the modules. */
interface Cuts extends StrengthCuts {
  highlight: boolean;
}

const COLOR = statusColor(PASS);

/** One column per module: min–mean line, mean ●, min ▼; cuts as horizontal rules. */
function columnsSpec(modules: ModulePoint[], cuts: Cuts, suffix = ""): Record<string, unknown> {
  const x = {
    field: "module",
    type: "nominal",
    title: "Module",
    sort: null,
    scale: { domain: [...new Set(modules.map((m) => m.module))] },
    axis: { labelAngle: -40, grid: false },
  };
  const y = {
    type: "quantitative",
    title: `Pull strength (${cuts.unit})`,
    scale: { zero: false, padding: 10 },
  };
  const layers: Record<string, unknown>[] = [
    {
      name: `span${suffix}`,
      mark: { type: "rule", opacity: 0.5, aria: false },
      encoding: { x, y: { ...y, field: "min" }, y2: { field: "mean" }, color: COLOR },
    },
    {
      name: `mean${suffix}`,
      mark: { type: "point", shape: "circle", filled: true, size: 40, aria: false },
      encoding: { x, y: { ...y, field: "mean" }, color: COLOR },
    },
    {
      name: `min${suffix}`,
      mark: { type: "point", shape: "triangle-down", filled: true, size: 34, aria: false },
      encoding: { x, y: { ...y, field: "min" }, color: COLOR },
    },
    ...horizontalCutLayers(strengthCutLines(cuts), suffix),
  ];
  if (cuts.highlight) layers.push(...highlightLayers(x, { ...y, field: "mean" }, suffix));
  // A few modules: a plot wide enough for its title; more: 24 px per module (≤ 30 a row).
  const columns = new Set(modules.map((m) => m.module)).size;
  return { width: columns * 24 < 320 ? 320 : { step: 24 }, layer: layers };
}

/** One point per module (mean on x, min on y); the cuts split the plane; the worst named. */
function scatterSpec(cuts: Cuts, nameWorst: boolean): Record<string, unknown> {
  const x = {
    field: "mean",
    type: "quantitative",
    title: `Mean pull strength (${cuts.unit})`,
    scale: { zero: false, padding: 10 },
  };
  const y = {
    field: "min",
    type: "quantitative",
    title: `Minimum pull strength (${cuts.unit})`,
    scale: { zero: false, padding: 10 },
  };
  const [meanCut, minCut] = strengthCutLines(cuts);
  const meanLine = [meanCut];
  const minLine = [minCut];
  const layers: Record<string, unknown>[] = [
    {
      name: "modules",
      mark: { type: "circle", size: 16, opacity: 0.6, aria: false },
      encoding: { x, y, color: COLOR },
    },
    {
      name: "cuts",
      data: { values: meanLine },
      mark: DASHED_RULE,
      encoding: { x: { field: "value", type: "quantitative" } },
    },
    {
      name: "cuts_min",
      data: { values: minLine },
      mark: DASHED_RULE,
      encoding: { y: { field: "value", type: "quantitative" } },
    },
    {
      name: "cut_labels",
      data: { values: meanLine },
      mark: { type: "text", color: CUT_COLOR, align: "left", dx: 4, y: 8 },
      encoding: { x: { field: "value", type: "quantitative" }, text: { field: "text" } },
    },
    {
      name: "cut_labels_min",
      data: { values: minLine },
      mark: RIGHT_LABEL,
      encoding: { y: { field: "value", type: "quantitative" }, text: { field: "text" } },
    },
  ];
  if (nameWorst) {
    const worst = [{ filter: "isValid(datum.rank)" }];
    layers.push({
      name: "worst_ring",
      transform: worst,
      mark: { type: "point", shape: "circle", size: 90, strokeWidth: 1.5, color: FAIL_COLOR },
      encoding: { x, y },
    }, {
      name: "worst_label",
      transform: worst,
      mark: { type: "text", align: "left", dx: 7, dy: -5, fontSize: 10, fontWeight: "bold" },
      encoding: { x, y, text: { field: "rank" }, color: { value: FAIL_COLOR } },
    });
  }
  if (cuts.highlight) layers.push(...highlightLayers(x, y));
  return { width: 480, layer: layers };
}

/** A ring and a label around each highlighted module. */
function highlightLayers(x: unknown, y: unknown, suffix = ""): Record<string, unknown>[] {
  const only = [{ filter: "datum.highlighted" }];
  return [
    {
      name: `highlight${suffix}`,
      transform: only,
      mark: { type: "point", shape: "circle", size: 220, strokeWidth: 2, color: "#000" },
      encoding: { x, y },
    },
    {
      name: `highlight_label${suffix}`,
      transform: only,
      mark: { type: "text", dy: -14, fontWeight: "bold", color: "#000" },
      encoding: { x, y, text: { field: "module" } },
    },
  ];
}
