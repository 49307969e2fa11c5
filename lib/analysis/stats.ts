/**
 * Summary statistics of pull strengths.
 *
 * @module
 */
import type { DageTest } from "../parsers/dage_types.ts";

/** Count, mean, sample standard deviation, minimum and maximum of some values. */
export interface Summary {
  count: number;
  /** Arithmetic mean; `NaN` when there are no values. */
  mean: number;
  /** Sample standard deviation (n−1 in the denominator); `NaN` for fewer than 2 values. */
  std: number;
  /** Smallest value; `NaN` when there are no values. */
  min: number;
  /** Largest value; `NaN` when there are no values. */
  max: number;
}

/**
 * Summarizes `values`. The standard deviation is the sample one (n−1), as the original script
 * (numpy `ddof=1`) and module-qc-analysis-tools (`statistics.stdev`) compute it; it is `NaN`
 * for fewer than two values, and every field but `count` is `NaN` for none.
 *
 * @example
 * ```ts
 * import { summarize } from "./stats.ts";
 * summarize([1, 2, 3]); // { count: 3, mean: 2, std: 1, min: 1, max: 3 }
 * ```
 */
export function summarize(values: readonly number[]): Summary {
  const count = values.length;
  if (count === 0) return { count, mean: NaN, std: NaN, min: NaN, max: NaN };
  let sum = 0;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < count; i++) {
    const v = values[i];
    sum += v;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const mean = sum / count;
  let squares = 0;
  for (let i = 0; i < count; i++) squares += (values[i] - mean) * (values[i] - mean);
  const std = count < 2 ? NaN : Math.sqrt(squares / (count - 1));
  return { count, mean, std, min, max };
}

/** The summary of one group of tests. */
export interface GroupSummary extends Summary {
  /** The label or grade code shared by the group. */
  key: string;
}

/**
 * Summarizes the loads of `tests` per bond group (`label`) or per `gradeCode`, groups in the
 * order they first appear.
 *
 * @example
 * ```ts ignore
 * breakdown(parsed.tests, "label"); // [{ key: "r1 20g", count: 10, mean: 10.1, … }, …]
 * ```
 */
export function breakdown(
  tests: readonly DageTest[],
  by: "label" | "gradeCode",
): GroupSummary[] {
  const groups = new Map<string, number[]>();
  for (const t of tests) {
    const key = t[by];
    let loads = groups.get(key);
    if (loads === undefined) groups.set(key, loads = []);
    loads.push(t.load);
  }
  return [...groups].map(([key, loads]) => ({ key, ...summarize(loads) }));
}
