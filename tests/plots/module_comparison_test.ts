import assert from "node:assert/strict";
import { moduleComparison } from "../../lib/plots/module_comparison.ts";
import { assertSvg, marks, texts } from "./_svg.ts";

/** The items of every row of a wrapped "modules" layout (`mean`, `mean_row2`, …). */
function allRows(svg: string, name: string): string[] {
  const names = [...svg.matchAll(new RegExp(`role-mark (${name}(?:_row\\d+)?)_marks`, "g"))]
    .map((m) => m[1]);
  return names.flatMap((n) => marks(svg, n));
}

function modules(n: number) {
  return Array.from({ length: n }, (_, i) => ({
    module: `20UPGM2${String(i + 1).padStart(7, "0")}`,
    mean: 8.5 + Math.sin(i) * 0.6,
    // Modules 3, 10, 17, … fail the minimum cut; the lower i, the lower their minimum.
    min: i % 7 === 2 ? 1 + i / 100 : 5 + Math.cos(i),
  }));
}

Deno.test("moduleComparison", async (t) => {
  await t.step("moduleComparison: mean and min per module, cuts, failing in red", async () => {
    const rows = [
      { module: "20UPGM22110001", mean: 8.7, min: 5.6 },
      { module: "20UPGM22110002", mean: 6.8, min: 4.5 },
      { module: "20UPGM22110003", mean: 9.1, min: 3.9 },
      { module: "20UPGM22110004", mean: 7.5, min: 4.4, passed: true },
    ];
    const plot = await moduleComparison(rows, { highlight: "20UPGM22110002" });
    assertSvg(plot);
    assert.ok(plot.svg.includes(">Pull strength (g)</text>"));
    assert.ok(plot.svg.includes(">Module</text>"));
    const means = marks(plot.svg, "mean");
    assert.equal(means.length, 4);
    assert.equal(marks(plot.svg, "min").length, 4);
    assert.equal(means.filter((m) => m.includes('fill="#e45756"')).length, 2);
    assert.equal(marks(plot.svg, "cuts").length, 2);
    assert.ok(plot.svg.includes(">mean cut 7 g</text>"));
    assert.ok(plot.svg.includes(">min cut 4 g</text>"));
    assert.deepEqual(
      marks(plot.svg, "highlight_label").map((m) => m.includes("20UPGM22110002")),
      [true],
    );

    const scatter = await moduleComparison(rows, { layout: "scatter", meanCut: 8, minCut: 5 });
    assert.equal(marks(scatter.svg, "modules").length, 4);
    assert.ok(scatter.svg.includes(">Mean pull strength (g)</text>"));
    assert.ok(scatter.svg.includes(">Minimum pull strength (g)</text>"));
    assert.ok(scatter.svg.includes(">mean cut 8 g</text>"));
  });
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
