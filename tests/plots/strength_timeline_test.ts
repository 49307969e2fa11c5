import assert from "node:assert/strict";
import { strengthTimeline } from "../../lib/plots/mod.ts";
import { assertSvg, fillOf, marks } from "./_svg.ts";

Deno.test("strengthTimeline: mean and min of every run, failing in red, the cuts", async () => {
  const points = [
    { date: "2024-02-05T10:00:00Z", module: "M1", mean: 8.7, min: 5.6, passed: true },
    { date: "2024-02-09T10:00:00Z", module: "M2", mean: 6.8, min: 3.1, passed: false },
    { date: "2024-03-01T10:00:00Z", module: "M3", mean: 9.1, min: 6.2, passed: true },
    { date: "not a date", module: "M4", mean: 9, min: 6, passed: true },
  ];
  const plot = await strengthTimeline(points, { meanCut: 7, minCut: 4 });
  assertSvg(plot);
  assert.ok(plot.svg.includes(">Pull strength (g)</text>"));
  assert.ok(plot.svg.includes(">Date of the test</text>"));
  const means = marks(plot.svg, "mean");
  assert.equal(means.length, 3);
  assert.equal(marks(plot.svg, "min").length, 3);
  assert.deepEqual(means.map(fillOf).filter((c) => c === "#e45756").length, 1);
  assert.equal(marks(plot.svg, "cuts").length, 2);
  assert.ok(plot.svg.includes(">mean cut 7 g</text>"));
  assert.ok(plot.svg.includes(">min cut 4 g</text>"));
  assert.ok(plot.svg.includes("1 without numbers left out"));
});
