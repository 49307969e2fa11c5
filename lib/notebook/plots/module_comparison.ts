/**
 * One module against many: the mean and minimum pull strength of every module of a batch,
 * the cuts as rules, failing modules in red and chosen modules labelled.
 *
 * @module
 */

import { renderSvg } from "./_render.ts";
import { cutText } from "./_stats.ts";
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
   * splitting the plane (for whole batches). Default: "modules" up to 60 modules.
   */
  layout?: "modules" | "scatter";
  /** Plot height in pixels. Default 300. */
  height?: number;
}

const PASS = "#4c78a8";
const FAIL = "#e45756";
const CUT = "#cf222e";

/**
 * Plots one module against many: the mean and minimum pull strength of every module, the
 * cuts as dashed rules, failing modules in red, highlighted modules circled and labelled.
 * Up to 60 modules, one column per module (mean ●, min ▼, in the given order); beyond, or
 * with `layout: "scatter"`, one point per module with the mean on x and the minimum on y.
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
  const meanCut = options.meanCut ?? 7.0;
  const minCut = options.minCut ?? 4.0;
  const unit = options.unit ?? "g";
  const title = options.title ?? "Pull strength per module";
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
    const passed = r.passed ?? (r.mean >= meanCut && r.min >= minCut);
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
  const cuts = { meanCut, minCut, unit, highlight: highlight.size > 0 };
  const subtitle = [
    `${modules.length} module${modules.length === 1 ? "" : "s"}`,
    `${failed} failing (red)`,
  ];
  if (layout === "modules") subtitle.push("● mean  ▼ min");
  if (ignored) subtitle.push(`${ignored} without numbers left out`);
  const spec = layout === "modules" ? columnsSpec(modules, cuts) : scatterSpec(modules, cuts);
  const svg = await renderSvg({
    ...spec,
    data: { values: modules },
    height: options.height ?? 300,
    title: { text: title, subtitle: subtitle.join(" · ") },
  });
  return new Plot(svg, `${title} (${subtitle.slice(0, 2).join(", ")})`);
}

/** One module as plotted. */
interface ModulePoint {
  index: number;
  module: string;
  mean: number;
  min: number;
  status: "passed" | "failed";
  highlighted: boolean;
}

/** What both layouts draw besides the modules. */
interface Cuts {
  meanCut: number;
  minCut: number;
  unit: string;
  highlight: boolean;
}

const COLOR = {
  field: "status",
  type: "nominal",
  legend: null,
  scale: { domain: ["passed", "failed"], range: [PASS, FAIL] },
};

const DASHED = { type: "rule", color: CUT, strokeWidth: 1.5, strokeDash: [6, 3] };

/** One column per module: min–mean line, mean ●, min ▼; cuts as horizontal rules. */
function columnsSpec(modules: ModulePoint[], cuts: Cuts): Record<string, unknown> {
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
  const lines = [
    { value: cuts.meanCut, text: `mean cut ${cutText(cuts.meanCut)} ${cuts.unit}` },
    { value: cuts.minCut, text: `min cut ${cutText(cuts.minCut)} ${cuts.unit}` },
  ];
  const layers: Record<string, unknown>[] = [
    {
      name: "span",
      mark: { type: "rule", opacity: 0.5, aria: false },
      encoding: { x, y: { ...y, field: "min" }, y2: { field: "mean" }, color: COLOR },
    },
    {
      name: "mean",
      mark: { type: "point", shape: "circle", filled: true, size: 40, aria: false },
      encoding: { x, y: { ...y, field: "mean" }, color: COLOR },
    },
    {
      name: "min",
      mark: { type: "point", shape: "triangle-down", filled: true, size: 34, aria: false },
      encoding: { x, y: { ...y, field: "min" }, color: COLOR },
    },
    {
      name: "cuts",
      data: { values: lines },
      mark: DASHED,
      encoding: { y: { field: "value", type: "quantitative" } },
    },
    {
      name: "cut_labels",
      data: { values: lines },
      mark: { type: "text", color: CUT, align: "right", baseline: "bottom", dy: -2, x: "width" },
      encoding: { y: { field: "value", type: "quantitative" }, text: { field: "text" } },
    },
  ];
  if (cuts.highlight) layers.push(...highlightLayers(x, { ...y, field: "mean" }));
  // A few modules: a plot wide enough for its title; many: 24 px per module.
  const columns = new Set(modules.map((m) => m.module)).size;
  return { width: columns * 24 < 320 ? 320 : { step: 24 }, layer: layers };
}

/** One point per module (mean on x, min on y); the cuts split the plane. */
function scatterSpec(_modules: ModulePoint[], cuts: Cuts): Record<string, unknown> {
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
  const meanLine = [{
    value: cuts.meanCut,
    text: `mean cut ${cutText(cuts.meanCut)} ${cuts.unit}`,
  }];
  const minLine = [{ value: cuts.minCut, text: `min cut ${cutText(cuts.minCut)} ${cuts.unit}` }];
  const layers: Record<string, unknown>[] = [
    {
      name: "modules",
      mark: { type: "circle", size: 16, opacity: 0.6, aria: false },
      encoding: { x, y, color: COLOR },
    },
    {
      name: "cuts",
      data: { values: meanLine },
      mark: DASHED,
      encoding: { x: { field: "value", type: "quantitative" } },
    },
    {
      name: "cuts_min",
      data: { values: minLine },
      mark: DASHED,
      encoding: { y: { field: "value", type: "quantitative" } },
    },
    {
      name: "cut_labels",
      data: { values: meanLine },
      mark: { type: "text", color: CUT, align: "left", dx: 4, y: 8 },
      encoding: { x: { field: "value", type: "quantitative" }, text: { field: "text" } },
    },
    {
      name: "cut_labels_min",
      data: { values: minLine },
      mark: { type: "text", color: CUT, align: "right", baseline: "bottom", dy: -2, x: "width" },
      encoding: { y: { field: "value", type: "quantitative" }, text: { field: "text" } },
    },
  ];
  if (cuts.highlight) layers.push(...highlightLayers(x, y));
  return { width: 480, layer: layers };
}

/** A ring and a label around each highlighted module. */
function highlightLayers(x: unknown, y: unknown): Record<string, unknown>[] {
  const only = [{ filter: "datum.highlighted" }];
  return [
    {
      name: "highlight",
      transform: only,
      mark: { type: "point", shape: "circle", size: 220, strokeWidth: 2, color: "#000" },
      encoding: { x, y },
    },
    {
      name: "highlight_label",
      transform: only,
      mark: { type: "text", dy: -14, fontWeight: "bold", color: "#000" },
      encoding: { x, y, text: { field: "module" } },
    },
  ];
}
