/**
 * Pull loads per bond group (label) or per grade code: every pull as a point, with a box
 * plot per group and the cut as a horizontal rule.
 *
 * @module
 */

import { renderSvg } from "./_render.ts";
import { boxStats, cutText } from "./_stats.ts";
import { Plot } from "./plot.ts";

/** One pull, as parsed from a DAGE file. */
export interface GroupedPull {
  /** The pull strength. */
  load: number;
  /** The bond group ("r1 20g"). */
  label?: string;
  /** The operator's grade code ("1".."4"). */
  gradeCode?: string;
}

/** Options of {@linkcode loadsByGroup}. */
export interface LoadsByGroupOptions {
  /** Group by bond label or by grade code. */
  by: "label" | "gradeCode";
  /** The cut drawn as a rule (e.g. 4.0 g); pulls below it are red. */
  threshold?: number;
  /** The plot's title. */
  title?: string;
  /** The load unit. Default "g". */
  unit?: string;
  /** Plot height in pixels. Default 300. */
  height?: number;
  /**
   * What each group is called on the axis, by its key: e.g. a grade code with the break mode it
   * means in the mapping in use (`{ "2": "2\nheel break on hybrid" }`; a label of several lines
   * is written upright, line by line). Default: the key.
   */
  labels?: Readonly<Record<string, string>>;
}

const OK = "#4c78a8";
const LOW = "#e45756";
const CUT = "#cf222e";
/** Pulls without a label or grade code. */
const NONE = "(none)";
/** Widest plot area: with the axes and titles the SVG stays within ~900 px. */
const MAX_PLOT_WIDTH = 720;

/**
 * Plots loads per bond label or per grade code: a box plot per group and every pull as a
 * point (spread sideways by a fixed, repeatable jitter). Bond groups are in the order of the
 * file (of their first pull), grade codes in natural order ("2" before "10"); pulls without one
 * come last. Non-numeric loads are left out and counted in the subtitle. At most 900 px wide:
 * many groups share a fixed width.
 *
 * @example
 * ```ts
 * import { loadsByGroup } from "./by_group.ts";
 * const plot = await loadsByGroup([
 *   { load: 8.4, label: "r1 20g", gradeCode: "2" },
 *   { load: 5.2, label: "r2 20g", gradeCode: "4" },
 * ], { by: "label", threshold: 4.0 });
 * plot.svg.includes("Bond group"); // true
 * ```
 */
export async function loadsByGroup(
  pulls: readonly GroupedPull[],
  options: LoadsByGroupOptions,
): Promise<Plot> {
  const unit = options.unit ?? "g";
  const by = options.by;
  const groupTitle = by === "label" ? "Bond group" : "Grade code";
  const title = options.title ?? `Pull load by ${by === "label" ? "bond group" : "grade code"}`;
  const threshold = Number.isFinite(options.threshold) ? options.threshold : undefined;

  const points: { group: string; load: number; jitter: number; low: boolean }[] = [];
  let ignored = 0;
  pulls.forEach((p, i) => {
    if (typeof p.load !== "number" || !Number.isFinite(p.load)) {
      ignored++;
      return;
    }
    const raw = by === "label" ? p.label : p.gradeCode;
    const key = raw === undefined || String(raw).trim() === "" ? NONE : String(raw).trim();
    const group = options.labels?.[key] ?? key;
    points.push({
      group,
      load: p.load,
      jitter: jitter(i),
      low: threshold !== undefined && p.load < threshold,
    });
  });
  const seen = [...new Set(points.map((p) => p.group))];
  const none = options.labels?.[NONE] ?? NONE;
  const groups = by === "label"
    ? [...seen.filter((g) => g !== none), ...seen.filter((g) => g === none)]
    : seen.sort((a, b) => naturalCompare(a, b, none));

  // Labels of several lines ("2\nheel break on hybrid") stand upright, a column wide enough
  // for their longest line (about 7 px a character at 11 px).
  const multiLine = groups.some((g) => g.includes("\n"));
  const longest = Math.max(0, ...groups.flatMap((g) => g.split("\n").map((l) => l.length)));
  const step = multiLine ? Math.max(56, Math.ceil(longest * 7) + 8) : 56;

  const subtitle = [
    `n = ${points.length}`,
    `${groups.length} group${groups.length === 1 ? "" : "s"}`,
  ];
  if (threshold !== undefined) {
    subtitle.push(`${points.filter((p) => p.low).length} below ${cutText(threshold)} ${unit}`);
  }
  if (ignored) subtitle.push(`${ignored} non-numeric left out`);

  const x = {
    field: "group",
    type: "nominal",
    title: groupTitle,
    scale: { domain: groups, paddingInner: 0.2 },
    axis: multiLine
      ? { labelAngle: 0, grid: false, labelExpr: "split(datum.label, '\\n')", labelLimit: 0 }
      : { labelAngle: groups.some((g) => g.length > 6) ? -30 : 0, grid: false },
  };
  const y = {
    field: "load",
    type: "quantitative",
    title: `Load (${unit})`,
    scale: { zero: false, padding: 8 },
  };
  const boxes = groups.map((group) => ({
    group,
    ...boxStats(points.filter((p) => p.group === group).map((p) => p.load)),
  }));
  const box = (name: string, mark: Record<string, unknown>, encoding: Record<string, unknown>) => ({
    name,
    data: { values: boxes },
    mark: { aria: false, ...mark },
    encoding: { x, ...encoding },
  });
  const layers: Record<string, unknown>[] = [
    box("whisker", { type: "rule", color: "#999" }, {
      y: { ...y, field: "lower" },
      y2: { field: "upper" },
    }),
    box("box", { type: "bar", size: 28, color: "#ccc", opacity: 0.6 }, {
      y: { ...y, field: "q1" },
      y2: { field: "q3" },
    }),
    box("median", { type: "tick", size: 28, color: "#333", thickness: 2 }, {
      y: { ...y, field: "median" },
    }),
    {
      name: "pulls",
      data: { values: points },
      mark: { type: "circle", size: 18, opacity: 0.75, aria: false },
      encoding: {
        x,
        xOffset: { field: "jitter", type: "quantitative", scale: { domain: [-1, 1] } },
        y,
        color: {
          field: "low",
          type: "nominal",
          scale: { domain: [false, true], range: [OK, LOW] },
          legend: null,
        },
      },
    },
  ];
  if (threshold !== undefined) {
    layers.push({
      name: "threshold",
      data: { values: [{ threshold, text: `cut ${cutText(threshold)} ${unit}` }] },
      mark: { type: "rule", color: CUT, strokeWidth: 2, strokeDash: [6, 3] },
      encoding: { y: { field: "threshold", type: "quantitative" } },
    }, {
      name: "threshold_label",
      data: { values: [{ threshold, text: `cut ${cutText(threshold)} ${unit}` }] },
      mark: { type: "text", color: CUT, align: "right", baseline: "bottom", dy: -2, x: "width" },
      encoding: { y: { field: "threshold", type: "quantitative" }, text: { field: "text" } },
    });
  }
  const svg = await renderSvg({
    width: groups.length * step <= MAX_PLOT_WIDTH ? { step } : MAX_PLOT_WIDTH,
    height: options.height ?? 300,
    title: { text: title, subtitle: subtitle.join(" · ") },
    layer: layers,
  });
  return new Plot(svg, `${title} (${subtitle.join(", ")})`);
}

/** A repeatable sideways offset in [-0.8, 0.8] for the i-th pull. */
function jitter(i: number): number {
  const h = Math.imul(i + 1, 2654435761) >>> 0;
  return Number(((h / 2 ** 32 - 0.5) * 1.6).toFixed(4));
}

/** Compares "r2" < "r10", "1" < "2", with `none` last. */
function naturalCompare(a: string, b: string, none: string): number {
  if (a === none || b === none) return a === b ? 0 : a === none ? 1 : -1;
  return a.localeCompare(b, "en", { numeric: true, sensitivity: "base" });
}
