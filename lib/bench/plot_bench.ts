/**
 * Benchmark of the plots: milliseconds to render each kind with 10,000 points (best of three
 * after a warm-up), so that notebooks stay interactive on whole batches.
 *
 * @module
 */
import { loadHistogram } from "../plots/histogram.ts";
import { loadsByGroup } from "../plots/by_group.ts";
import { moduleComparison } from "../plots/module_comparison.ts";
import { ivCurve } from "../plots/iv_curve.ts";

async function bestMs(run: () => Promise<unknown>): Promise<number> {
  await run();
  let best = Infinity;
  for (let k = 0; k < 3; k++) {
    const t0 = performance.now();
    await run();
    best = Math.min(best, performance.now() - t0);
  }
  return best;
}

/** Render time in ms of each plot with `n` points. */
export async function benchPlots(n: number): Promise<Record<string, number>> {
  const loads = Array.from({ length: n }, (_, i) => 4 + ((i * 7919) % 10007) / 1000);
  const pulls = loads.map((load, i) => ({ load, label: `r${i % 12}`, gradeCode: `${i % 4}` }));
  const modules = loads.map((mean, i) => ({ module: `M${i}`, mean, min: mean - 2 }));
  const iv = loads.map((current, i) => ({ voltage: -i / 50, current, sem: 0.01 }));
  return {
    loadHistogram: await bestMs(() => loadHistogram(loads, { threshold: 7 })),
    loadsByGroup: await bestMs(() => loadsByGroup(pulls, { by: "label", threshold: 4 })),
    moduleComparison: await bestMs(() => moduleComparison(modules)),
    ivCurve: await bestMs(() => ivCurve(iv)),
  };
}
