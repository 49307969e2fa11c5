/**
 * Renders a vega-lite spec to an SVG string, headless and offline (private): no DOM, no
 * canvas, and a loader that refuses every load, so that a plot needs no permission at all
 * and the same spec always gives the same SVG.
 *
 * @module
 */

import type * as Vega from "vega";
import type * as VegaLite from "vega-lite";

let engines: Promise<[typeof Vega, typeof VegaLite]> | undefined;

/** vega and vega-lite, loaded on the first plot only: a step that draws nothing never loads them. */
function loadEngines(): Promise<[typeof Vega, typeof VegaLite]> {
  return engines ??= Promise.all([import("vega"), import("vega-lite")]);
}

/** A vega-lite spec (kept loose: the specs are built in this folder). */
export type VegaLiteSpec = Record<string, unknown>;

const refuse = (what: string) => () =>
  Promise.reject(new Error(`plots load nothing (asked to load ${what})`));

/** A vega loader that loads nothing: every data set is inline. */
const NO_LOADER: Vega.Loader = {
  load: refuse("data"),
  sanitize: refuse("a link or image"),
  http: refuse("a URL"),
  file: refuse("a file"),
};

/** The common look: plain fonts, white background, no interaction. */
const CONFIG = {
  background: "white",
  font: "sans-serif",
  view: { stroke: "#ddd" },
  axis: { labelFontSize: 11, titleFontSize: 12, grid: true, gridColor: "#eee" },
  title: { fontSize: 14, subtitleFontSize: 11, subtitleColor: "#555", anchor: "start" },
  legend: { labelFontSize: 11, titleFontSize: 11 },
};

/** Compiles and renders a vega-lite spec; resolves to the SVG text. */
export async function renderSvg(spec: VegaLiteSpec): Promise<string> {
  const [vega, vl] = await loadEngines();
  const full = { ...spec, config: { ...CONFIG, ...(spec.config as object | undefined) } };
  // Our specs are a subset of vega-lite's, typed loosely (VegaLiteSpec); vega-lite checks them.
  const compiled = vl.compile(full as unknown as VegaLite.TopLevelSpec).spec;
  const view = new vega.View(vega.parse(compiled), {
    renderer: "none",
    loader: NO_LOADER,
    logLevel: vega.Error,
  });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/**
 * The SVG with the positions of its marks (`translate(x,y)`) rounded to two decimals: a
 * hundredth of a pixel is invisible, and plots of thousands of points shrink by a third.
 */
export function roundPositions(svg: string): string {
  return svg.replace(
    /translate\((-?[\d.]+(?:e-?\d+)?),(-?[\d.]+(?:e-?\d+)?)\)/g,
    (_, x: string, y: string) => `translate(${+Number(x).toFixed(2)},${+Number(y).toFixed(2)})`,
  );
}
