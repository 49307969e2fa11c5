/**
 * The plots as a physicist puts them in a logbook or on a page: both cuts of the histogram
 * drawn and labelled once each, a log count axis, bond groups in file order, grade codes named
 * by their break modes, the module comparison never wider than a notebook page (wrapped rows,
 * or the worst modules named beside a scatter plot), the IV current from 0 in one unit.
 *
 * @module
 */
import assert from "node:assert/strict";
import {
  currentScale,
  ivCurve,
  loadHistogram,
  loadsByGroup,
  moduleComparison,
} from "../../../lib/notebook/mod.ts";
import { assertSvg, marks } from "./_svg.ts";

/** Every text of the SVG (each line of a text of several lines), in order. */
function texts(svg: string): string[] {
  return [...svg.matchAll(/<text\b[^>]*>([\s\S]*?)<\/text>/g)].flatMap((m) =>
    m[1].includes("<tspan")
      ? [...m[1].matchAll(/<tspan[^>]*>([^<]*)<\/tspan>/g)].map((t) => t[1])
      : [m[1]]
  );
}

/** The items of every row of a wrapped "modules" layout (`mean`, `mean_row2`, …). */
function allRows(svg: string, name: string): string[] {
  const names = [...svg.matchAll(new RegExp(`role-mark (${name}(?:_row\\d+)?)_marks`, "g"))]
    .map((m) => m[1]);
  return names.flatMap((n) => marks(svg, n));
}

const LOADS = [8.4, 9.1, 5.6, 10.9, 7.7, 8.8, 9.9, 3.1, 8.2, 7.4];

function modules(n: number) {
  return Array.from({ length: n }, (_, i) => ({
    module: `20UPGM2${String(i + 1).padStart(7, "0")}`,
    mean: 8.5 + Math.sin(i) * 0.6,
    // Modules 3, 10, 17, … fail the minimum cut; the lower i, the lower their minimum.
    min: i % 7 === 2 ? 1 + i / 100 : 5 + Math.cos(i),
  }));
}

Deno.test("loadHistogram: both cuts, each labelled once, the same way as everywhere", async () => {
  const plot = await loadHistogram(LOADS, { threshold: 4, meanCut: 7 });
  assertSvg(plot);
  assert.equal(marks(plot.svg, "threshold").length, 1);
  assert.equal(marks(plot.svg, "mean_cut").length, 1);
  const all = texts(plot.svg);
  assert.equal(all.filter((t) => t === "min cut 4 g").length, 1, all.join("|"));
  assert.equal(all.filter((t) => t === "mean cut 7 g").length, 1, all.join("|"));
  assert.ok(!all.some((t) => /\d\.0 g/.test(t)), `no "4.0 g": ${all.join("|")}`);
  // Only the bins below the per-pull cut are red: the mean cut does not colour bins.
  const red = marks(plot.svg, "bins").filter((b) => b.includes('fill="#e45756"'));
  assert.equal(red.length, 1);
  assert.ok(all.includes("1 below 4 g") || plot.svg.includes("1 below 4 g"));
});

Deno.test("loadHistogram: a log count axis shows a single pull", async () => {
  const many = [...Array.from({ length: 500 }, (_, i) => 8 + (i % 40) / 10), 2.5];
  const linear = await loadHistogram(many, { threshold: 4 });
  const log = await loadHistogram(many, { threshold: 4, logCount: true });
  assert.ok(texts(log.svg).includes("Pulls (log scale)"));
  assert.ok(!texts(linear.svg).includes("Pulls (log scale)"));
  for (const tick of ["1", "2", "5", "10"]) assert.ok(texts(log.svg).includes(tick), tick);
  // The lone pull below the cut: its bar is much taller on the log axis.
  const height = (svg: string) => {
    const bar = marks(svg, "bins").find((b) => b.includes('fill="#e45756"'))!;
    return Number(/d="M[\d.-]+,[\d.-]+h[\d.-]+v([\d.]+)/.exec(bar)?.[1]);
  };
  assert.ok(height(log.svg) > 5 * height(linear.svg), `${height(log.svg)} ${height(linear.svg)}`);
});

Deno.test("loadsByGroup: bond groups in file order, grade codes with their break modes", async () => {
  const labels = ["r2 20g", "r10 20g", "r1 24g"];
  const pulls = LOADS.map((load, i) => ({
    load,
    label: labels[i % 3],
    gradeCode: String((i % 2) + 1),
  }));
  const byLabel = await loadsByGroup(pulls, { by: "label" });
  const shown = texts(byLabel.svg).filter((t) => labels.includes(t));
  assert.deepEqual(shown, labels, "the order of the file, not sorted");

  const byGrade = await loadsByGroup(pulls, {
    by: "gradeCode",
    labels: { "1": "1\nmidspan break", "2": "2\nheel break on hybrid" },
  });
  assertSvg(byGrade);
  const all = texts(byGrade.svg);
  for (const t of ["1", "midspan break", "2", "heel break on hybrid"]) {
    assert.ok(all.includes(t), t);
  }

  const wide = await loadsByGroup(
    Array.from({ length: 90 }, (_, i) => ({ load: 8, label: `group ${i % 30}` })),
    { by: "label" },
  );
  assertSvg(wide);
});

Deno.test("moduleComparison: 40 modules in rows within a page, every module drawn", async () => {
  const rows = modules(40);
  const plot = await moduleComparison(rows, { highlight: rows[30].module });
  assertSvg(plot);
  assert.equal(allRows(plot.svg, "mean").length, 40);
  assert.equal(allRows(plot.svg, "min").length, 40);
  for (const r of rows) assert.ok(texts(plot.svg).includes(r.module), r.module);
  assert.equal(allRows(plot.svg, "highlight_label").length, 1);
  for (const n of [5, 25, 60]) assertSvg(await moduleComparison(modules(n)));
});

Deno.test("moduleComparison: a whole batch names its worst modules", async () => {
  const rows = modules(300);
  const plot = await moduleComparison(rows);
  assertSvg(plot);
  const worst = rows.filter((r) => r.min < 4).sort((a, b) => a.min - b.min).slice(0, 5);
  const listed = marks(plot.svg, "worst_list");
  assert.equal(listed.length, 5);
  const all = texts(plot.svg);
  worst.forEach((w, i) => {
    assert.ok(all.some((t) => t.startsWith(`${i + 1}  ${w.module}  min`)), w.module);
  });
  assert.equal(marks(plot.svg, "worst_ring").length, 5);
  const none = await moduleComparison(rows, { worst: 0 });
  assert.ok(!none.svg.includes("worst_list"));
});

Deno.test("ivCurve: |current| from 0, error bars never below 0, one unit", async () => {
  const points = [
    { voltage: 0, current: 0.0004, sem: 0.003 },
    { voltage: -50, current: 0.12, sem: 0.01 },
    { voltage: -100, current: 0.2, sem: 0.02 },
  ];
  assert.deepEqual(currentScale(points.map((p) => p.current), "uA"), { unit: "nA", factor: 1000 });
  assert.deepEqual(currentScale([2, 3], "uA"), { unit: "µA", factor: 1 });
  assert.deepEqual(currentScale([2, 3], "mA"), { unit: "mA", factor: 1 });
  const plot = await ivCurve(points, { currentUnit: "uA" });
  const all = texts(plot.svg);
  assert.ok(all.includes("|Current| (nA)"));
  assert.ok(all.includes("0"), all.join("|"));
  assert.ok(!all.some((t) => /^[−-]\d/.test(t)), `no negative tick: ${all.join("|")}`);
});
