/**
 * A sensor IV curve: leakage current against bias voltage, with error bars.
 *
 * @module
 */

import { renderSvg } from "./_render.ts";
import { short } from "./_stats.ts";
import { Plot } from "./plot.ts";

/** One IV point. */
export interface IvPoint {
  /** Bias voltage (sign as measured; the plot uses |V|). */
  voltage: number;
  /** Current at that voltage. */
  current: number;
  /** Standard error of the current, drawn as an error bar. */
  sem?: number;
}

/** Options of {@linkcode ivCurve}. */
export interface IvCurveOptions {
  /** The plot's title. Default "IV curve". */
  title?: string;
  /** The current unit. Default "µA". */
  currentUnit?: string;
  /** The voltage unit. Default "V". */
  voltageUnit?: string;
  /** Above this many points the symbols are left out and error bars become a band. Default 300. */
  maxSymbols?: number;
  /** Plot width in pixels. Default 480. */
  width?: number;
  /** Plot height in pixels. Default 300. */
  height?: number;
}

const LINE = "#4c78a8";

/** The unit a current axis shows, and the factor from the data's unit to it. */
export interface CurrentScale {
  /** The unit on the axis, e.g. "nA". */
  unit: string;
  /** Multiply a current in the data's unit by this to get the axis unit (1 or 1000). */
  factor: number;
}

/**
 * The unit in which {@linkcode ivCurve} shows currents: small currents given in µA (all below
 * 1 µA) in nA, so that the axis has readable numbers; any other unit as it is. `"uA"` (how IV
 * tables write it) is written µA.
 *
 * @example
 * ```ts
 * import { currentScale } from "./iv_curve.ts";
 * currentScale([0.012, 0.2], "uA"); // { unit: "nA", factor: 1000 }
 * currentScale([1.5, 2.0], "uA"); // { unit: "µA", factor: 1 }
 * ```
 */
export function currentScale(currents: readonly number[], unit = "µA"): CurrentScale {
  const micro = /^(µ|μ|u)A$/.test(unit);
  const maxI = Math.max(0, ...currents.filter(Number.isFinite).map(Math.abs));
  if (micro && maxI > 0 && maxI < 1) return { unit: "nA", factor: 1000 };
  return { unit: micro ? "µA" : unit, factor: 1 };
}

/**
 * Plots |current| against |V|, points joined in order of |V|, with error bars of ± sem where
 * given (never below 0), the current axis from 0 in the unit of {@linkcode currentScale}.
 * Points with a non-numeric voltage or current are left out and counted.
 *
 * @example
 * ```ts
 * import { ivCurve } from "./iv_curve.ts";
 * const plot = await ivCurve([
 *   { voltage: 0, current: 0.01 },
 *   { voltage: -50, current: 0.12, sem: 0.01 },
 *   { voltage: -100, current: 0.2, sem: 0.02 },
 * ]);
 * plot.svg.includes("|Bias voltage| (V)"); // true
 * ```
 */
export async function ivCurve(
  points: readonly IvPoint[],
  options: IvCurveOptions = {},
): Promise<Plot> {
  const title = options.title ?? "IV curve";
  const vUnit = options.voltageUnit ?? "V";
  // Sensors are biased with either sign: magnitudes on both axes, as IV curves are read.
  // Small currents given in µA are shown in nA, so the axis has readable numbers.
  const finite = points.filter((p) => Number.isFinite(p.voltage) && Number.isFinite(p.current));
  const { unit: iUnit, factor: scale } = currentScale(
    finite.map((p) => p.current),
    options.currentUnit ?? "µA",
  );
  const data = finite
    .map((p, i) => {
      const sem = typeof p.sem === "number" && Number.isFinite(p.sem) ? Math.abs(p.sem) : undefined;
      const current = Math.abs(p.current) * scale;
      return {
        order: i,
        v: Math.abs(p.voltage),
        i: current,
        // A magnitude is never below 0: the error bar stops there.
        ...(sem === undefined
          ? {}
          : { lo: Math.max(0, current - sem * scale), hi: current + sem * scale }),
      };
    })
    .sort((a, b) => a.v - b.v || a.order - b.order);
  const ignored = points.length - data.length;
  const withSem = data.filter((d) => d.lo !== undefined);
  const symbols = data.length <= (options.maxSymbols ?? 300);

  const x = { field: "v", type: "quantitative", title: `|Bias voltage| (${vUnit})` };
  const y = { type: "quantitative", title: `|Current| (${iUnit})`, scale: { domainMin: 0 } };
  const layers: Record<string, unknown>[] = [];
  if (withSem.length) {
    layers.push(
      symbols
        ? {
          name: "error_bars",
          data: { values: withSem },
          mark: { type: "rule", color: "#666", aria: false },
          encoding: { x, y: { ...y, field: "lo" }, y2: { field: "hi" } },
        }
        : {
          name: "error_band",
          data: { values: withSem },
          mark: { type: "area", color: LINE, opacity: 0.25, aria: false },
          encoding: { x, y: { ...y, field: "lo" }, y2: { field: "hi" } },
        },
    );
  }
  layers.push({
    name: "curve",
    mark: { type: "line", color: LINE, strokeWidth: 1.5, aria: false },
    encoding: { x, y: { ...y, field: "i" }, order: { field: "v", type: "quantitative" } },
  });
  if (symbols) {
    layers.push({
      name: "points",
      mark: { type: "point", filled: true, size: 24, color: LINE, aria: false },
      encoding: { x, y: { ...y, field: "i" } },
    });
  }

  const subtitle = [`${data.length} points`];
  if (data.length) {
    const last = data[data.length - 1];
    subtitle.push(`${short(last.i)} ${iUnit} at ${short(last.v)} ${vUnit}`);
  }
  if (withSem.length) subtitle.push(`error bars: ± sem`);
  if (ignored) subtitle.push(`${ignored} non-numeric left out`);
  const svg = await renderSvg({
    data: { values: data },
    width: options.width ?? 480,
    height: options.height ?? 300,
    title: { text: title, subtitle: subtitle.join(" · ") },
    layer: layers,
  });
  return new Plot(svg, `${title} (${subtitle.join(", ")})`);
}
