/**
 * The pass cuts as the strength plots draw them (private): the cuts on the mean and on the
 * minimum pull strength, dashed rules in one colour, each labelled once at the plot's right edge,
 * and runs or modules coloured by whether they passed.
 *
 * @module
 */
import { cutText } from "./_stats.ts";

/** The colour of a cut on every plot. */
export const CUT_COLOR = "#cf222e";
/** The colour of what failed. */
export const FAIL_COLOR = "#e45756";

/** A cut drawn as a dashed rule. */
export const DASHED_RULE = { type: "rule", color: CUT_COLOR, strokeWidth: 1.5, strokeDash: [6, 3] };

/** The cuts of a strength plot and its unit, from a plot's options (defaults 7 and 4 g). */
export interface StrengthCuts {
  meanCut: number;
  minCut: number;
  unit: string;
}

/** The cuts asked for, or WIREBOND_PULL_TEST's (mean 7, minimum 4, in g). */
export function strengthCutsOf(
  options: { meanCut?: number; minCut?: number; unit?: string },
): StrengthCuts {
  return {
    meanCut: options.meanCut ?? 7.0,
    minCut: options.minCut ?? 4.0,
    unit: options.unit ?? "g",
  };
}

/** A cut as a rule: where, and its label ("mean cut 7 g"). */
export interface CutLine {
  value: number;
  text: string;
}

/** The rules of the cuts on the mean and on the minimum, labelled the same way everywhere. */
export function strengthCutLines(cuts: StrengthCuts): CutLine[] {
  return [
    { value: cuts.meanCut, text: `mean cut ${cutText(cuts.meanCut)} ${cuts.unit}` },
    { value: cuts.minCut, text: `min cut ${cutText(cuts.minCut)} ${cuts.unit}` },
  ];
}

/** The label of a horizontal cut: at the right edge, just above its rule. */
export const RIGHT_LABEL = {
  type: "text",
  color: CUT_COLOR,
  align: "right",
  baseline: "bottom",
  dy: -2,
  x: "width",
};

/**
 * Horizontal rules at `lines` across the plot, each labelled once at the right edge (layers
 * `cuts<suffix>` and `cut_labels<suffix>`).
 */
export function horizontalCutLayers(lines: CutLine[], suffix = ""): Record<string, unknown>[] {
  const y = { field: "value", type: "quantitative" };
  return [
    { name: `cuts${suffix}`, data: { values: lines }, mark: DASHED_RULE, encoding: { y } },
    {
      name: `cut_labels${suffix}`,
      data: { values: lines },
      mark: RIGHT_LABEL,
      encoding: { y, text: { field: "text" } },
    },
  ];
}

/** The colour of a point by its `status`: `passed` in `pass`, `failed` in red; no legend. */
export function statusColor(pass: string): Record<string, unknown> {
  return {
    field: "status",
    type: "nominal",
    legend: null,
    scale: { domain: ["passed", "failed"], range: [pass, FAIL_COLOR] },
  };
}
