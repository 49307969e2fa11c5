/**
 * Small summaries for plot subtitles (private, pure).
 *
 * @module
 */

/** The finite numbers of a list. */
export function finite(values: readonly unknown[]): number[] {
  return values.filter((v): v is number => typeof v === "number" && Number.isFinite(v));
}

/** Mean of a non-empty list (NaN when empty). */
export function mean(values: readonly number[]): number {
  let s = 0;
  for (const v of values) s += v;
  return values.length ? s / values.length : NaN;
}

/** A number for a subtitle: up to 3 significant decimals, no trailing zeros. */
export function short(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  if (x !== 0 && (Math.abs(x) < 1e-3 || Math.abs(x) >= 1e6)) return x.toExponential(2);
  return String(Number(x.toFixed(Math.abs(x) >= 100 ? 1 : 3)));
}

/**
 * A cut value as written on a plot: "7", "4", "0.25" — as the cuts are written everywhere else
 * ("minimum pull strength 2.6 g is below 4 g").
 */
export function cutText(x: number): string {
  return short(x);
}

/** A box plot's numbers: quartiles and whiskers (furthest values within 1.5 IQR). */
export interface BoxStats {
  q1: number;
  median: number;
  q3: number;
  lower: number;
  upper: number;
}

/** Box plot numbers of a non-empty list (quantiles by linear interpolation, R-7). */
export function boxStats(values: readonly number[]): BoxStats {
  const s = [...values].sort((a, b) => a - b);
  const q = (p: number) => {
    const h = (s.length - 1) * p;
    const lo = Math.floor(h);
    return s[lo] + (h - lo) * ((s[Math.min(lo + 1, s.length - 1)] ?? s[lo]) - s[lo]);
  };
  const q1 = q(0.25);
  const q3 = q(0.75);
  const iqr = q3 - q1;
  const lower = s.find((v) => v >= q1 - 1.5 * iqr) ?? s[0];
  let upper = s[s.length - 1];
  for (let i = s.length - 1; i >= 0; i--) {
    if (s[i] <= q3 + 1.5 * iqr) {
      upper = s[i];
      break;
    }
  }
  return { q1, median: q(0.5), q3, lower, upper };
}
