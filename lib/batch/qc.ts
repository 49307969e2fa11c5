/**
 * The QC verdict of a batch item, for the report and the terminal: whether its run passed and,
 * when it did not, every cut it failed as `{cut, value, limit}`, named and valued as the
 * analysis of `lib/analysis` defines them (WIREBOND_PULL_TEST's pass cuts, WIREBOND's minimum
 * load). A run the batch did not compute (a filled test-run JSON file, an IV table) carries its
 * own `passed`, and for WIREBOND_PULL_TEST the cuts its results fail.
 *
 * @module
 */
import { cutsFailedBy, type FailedCut, WIREBOND_PULL_TEST } from "../analysis/wirepull.ts";

/** A failed cut as the report gives it, e.g. `{cut: "PULL_STRENGTH_MIN", value: 2.61, limit: 4}`. */
export interface CutResult {
  /** The cut's name as the analysis defines it (the result code it reads). */
  cut: string;
  /** The measured value (`null` when it is not a finite number). */
  value: number | boolean | null;
  /** The limit of the cut (`null` when none applies: a value that is not a finite number). */
  limit: number | boolean | null;
}

/** Whether an item's run passed, and when not, why. */
export interface ItemQc {
  passed: boolean;
  /** Present when `passed` is false: the failed cuts (empty when no cut analysis says why). */
  failedCuts?: CutResult[];
}

/**
 * A failed cut of the analysis as the report gives it.
 *
 * @example
 * ```ts
 * import { cutResult } from "./qc.ts";
 * import { cutsFailedBy } from "../analysis/wirepull.ts";
 * const [cut] = cutsFailedBy({ PULL_STRENGTH: 8.7, PULL_STRENGTH_MIN: 2.61, LIFT_OFFS_LESS_THAN_7G: 0 });
 * cutResult(cut); // { cut: "PULL_STRENGTH_MIN", value: 2.61, limit: 4 }
 * ```
 */
export function cutResult(cut: FailedCut): CutResult {
  const value = typeof cut.value === "number" && !Number.isFinite(cut.value) ? null : cut.value;
  return { cut: cut.code, value, limit: cut.limit ?? null };
}

/**
 * The cuts that the results of a run given as a file fail: WIREBOND_PULL_TEST's pass cuts when
 * its results hold the values they read; nothing for other test types (no cut analysis).
 */
export function fileRunCuts(testType: unknown, results: unknown): CutResult[] {
  if (testType !== WIREBOND_PULL_TEST || typeof results !== "object" || results === null) {
    return [];
  }
  const r = results as Record<string, unknown>;
  const values = [r.PULL_STRENGTH, r.PULL_STRENGTH_MIN, r.LIFT_OFFS_LESS_THAN_7G];
  if (!values.every((v) => typeof v === "number")) return [];
  return cutsFailedBy({
    PULL_STRENGTH: r.PULL_STRENGTH as number,
    PULL_STRENGTH_MIN: r.PULL_STRENGTH_MIN as number,
    LIFT_OFFS_LESS_THAN_7G: r.LIFT_OFFS_LESS_THAN_7G as number,
    DATA_UNAVAILABLE: r.DATA_UNAVAILABLE === true,
  }).map(cutResult);
}

/**
 * The verdict of a run: `{passed: true}`, or `{passed: false, failedCuts}`.
 *
 * @example
 * ```ts
 * import { qcOf } from "./qc.ts";
 * qcOf(true, []); // { passed: true }
 * qcOf(false, [{ cut: "PULL_STRENGTH", value: 6.2, limit: 7 }]).failedCuts?.length; // 1
 * ```
 */
export function qcOf(passed: boolean, cuts: readonly CutResult[] | undefined): ItemQc {
  return passed ? { passed } : { passed, failedCuts: [...(cuts ?? [])] };
}

/**
 * One failed cut in words for a table: `PULL_STRENGTH_MIN 2.61 (limit 4)`.
 *
 * @example
 * ```ts
 * import { describeCut } from "./qc.ts";
 * describeCut({ cut: "PULL_STRENGTH_MIN", value: 2.6149, limit: 4 }); // "PULL_STRENGTH_MIN 2.61 (limit 4)"
 * ```
 */
export function describeCut(c: CutResult): string {
  const show = (v: number | boolean | null) =>
    typeof v === "number" ? String(Number(v.toFixed(2))) : v === null ? "not a number" : String(v);
  return c.limit === null ? `${c.cut} ${show(c.value)}` : `${c.cut} ${show(c.value)} ` +
    `(limit ${show(c.limit)})`;
}
