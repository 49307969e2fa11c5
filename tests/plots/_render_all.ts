/**
 * Renders every plot once; run by plots_test.ts with no permissions at all, to prove that
 * plotting needs none (no network, no file reads). Prints "ok <bytes>" when done.
 *
 * @module
 */

import { ivCurve, loadHistogram, loadsByGroup, moduleComparison } from "../../lib/plots/mod.ts";

const loads = [5.6, 7.7, 8.4, 8.8, 9.1, 9.9, 10.9];
const plots = [
  await loadHistogram(loads, { threshold: 7.0 }),
  await loadsByGroup(loads.map((load, i) => ({ load, label: `r${i % 2}` })), { by: "label" }),
  await moduleComparison([{ module: "M1", mean: 8.7, min: 5.6 }], { highlight: "M1" }),
  await ivCurve([{ voltage: -10, current: 0.1, sem: 0.01 }, { voltage: -20, current: 0.2 }]),
];
console.log(`ok ${plots.reduce((n, p) => n + p.svg.length, 0)}`);
