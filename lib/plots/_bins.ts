/**
 * Histogram bins with round edges (private, pure).
 *
 * @module
 */

/** One bin: [start, stop) — the last bin also holds its stop. */
export interface Bin {
  start: number;
  stop: number;
  count: number;
}

/** A round step (1, 2, 2.5 or 5 × 10^k) at least `raw`. */
function niceStep(raw: number): number {
  if (!(raw > 0) || !Number.isFinite(raw)) return 1;
  const power = 10 ** Math.floor(Math.log10(raw));
  for (const m of [1, 2, 2.5, 5, 10]) {
    if (m * power >= raw * (1 - 1e-9)) return m * power;
  }
  return 10 * power;
}

/** The default number of bins for n values (Rice rule, between 10 and 40). */
export function defaultBinCount(n: number): number {
  return Math.min(40, Math.max(10, Math.ceil(2 * Math.cbrt(n))));
}

/** Counts finite values into at most about `maxBins` bins with round edges. */
export function binValues(values: readonly number[], maxBins: number): Bin[] {
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (min > max) return [];
  const span = max - min;
  const step = niceStep(span > 0 ? span / Math.max(1, maxBins) : Math.max(Math.abs(min) * 0.1, 1));
  const first = Math.floor(min / step);
  const count = Math.max(1, Math.floor(max / step) - first + 1);
  const bins: Bin[] = Array.from({ length: count }, (_, i) => ({
    start: round((first + i) * step, step),
    stop: round((first + i + 1) * step, step),
    count: 0,
  }));
  for (const v of values) {
    const i = Math.min(count - 1, Math.max(0, Math.floor(v / step) - first));
    bins[i].count++;
  }
  return bins;
}

/** Removes floating-point noise from a multiple of `step`. */
function round(x: number, step: number): number {
  const digits = Math.max(0, -Math.floor(Math.log10(step)) + 2);
  return Number(x.toFixed(Math.min(20, digits)));
}
