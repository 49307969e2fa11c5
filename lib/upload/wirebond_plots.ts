/**
 * The plots of a wire-bond build: the load histogram with the pass cuts, and the loads per bond
 * group or per grade code (named by the break mode each means in the mapping used).
 *
 * @module
 */
import { BREAK_MODE_NAMES, type BreakModeMapping } from "../analysis/break_modes.ts";
import { WIREBOND_PULL_CUTS } from "../analysis/wirepull.ts";
import { loadsByGroup } from "../plots/by_group.ts";
import { loadHistogram } from "../plots/histogram.ts";
import type { Plot } from "../plots/plot.ts";
import { LEGACY_WIREBOND, type WirebondBuild } from "./wirebond.ts";

/** Options of {@link wirebondPlot}. */
export interface WirebondPlotOptions {
  /** A logarithmic count axis, so that the few pulls below the cut are seen. */
  logCount?: boolean;
}

/**
 * The load histogram of the pulls with the cuts: `WIREBOND_PULL_TEST`, the minimum-strength cut
 * (4 g, bins below it red) and the cut on the mean (7 g); `WIREBOND`, the `--min-load` cut.
 *
 * @example
 * ```ts ignore
 * await (await wirebondPlot(build, { logCount: true })).save("loads.png");
 * ```
 */
export async function wirebondPlot(
  build: WirebondBuild,
  options: WirebondPlotOptions = {},
): Promise<Plot> {
  const who = build.testRun.component ? `${build.testRun.component}: ` : "";
  return await loadHistogram(build.parsed.tests.map((t) => t.load), {
    threshold: build.threshold,
    meanCut: build.testType === LEGACY_WIREBOND
      ? undefined
      : WIREBOND_PULL_CUTS.PULL_STRENGTH_MIN_MEAN,
    logCount: options.logCount,
    title: `${who}wire pull loads (${build.testType})`,
  });
}

/**
 * Axis labels of grade codes: each code with the break mode it means in `mapping`, on two
 * lines (`"2\nheel break on hybrid"`), for {@link loadsByGroup}'s `labels`.
 *
 * @example
 * ```ts
 * import { DEFAULT_BREAK_MODE_MAPPING } from "../analysis/break_modes.ts";
 * import { gradeCodeLabels } from "./wirebond_plots.ts";
 * gradeCodeLabels(DEFAULT_BREAK_MODE_MAPPING)["2"]; // "2\nheel break on hybrid"
 * ```
 */
export function gradeCodeLabels(mapping: BreakModeMapping): Record<string, string> {
  return Object.fromEntries(
    Object.entries(mapping.gradeCodes).map(([code, mode]) => [
      code,
      `${code}\n${BREAK_MODE_NAMES[mode]}`,
    ]),
  );
}

/**
 * The loads of a wire-bond build per bond group (`label`, in the order of the file) or per grade
 * code (named by the break mode each means in the mapping of the build), with the cut.
 *
 * @example
 * ```ts ignore
 * await (await wirebondGroupPlot(build, "gradeCode")).save("by_grade.svg");
 * ```
 */
export async function wirebondGroupPlot(
  build: WirebondBuild,
  by: "label" | "gradeCode",
): Promise<Plot> {
  const who = build.testRun.component ? `${build.testRun.component}: ` : "";
  const labels = Object.fromEntries(build.byGrade.map((g) => [g.key, `${g.key}\n${g.modeName}`]));
  return await loadsByGroup(
    build.parsed.tests.map((t) => ({ load: t.load, label: t.label, gradeCode: t.gradeCode })),
    {
      by,
      threshold: build.threshold,
      labels: by === "gradeCode" ? labels : undefined,
      title: `${who}loads by ${by === "label" ? "bond group" : "grade code (break mode)"}`,
    },
  );
}
