import assert from "node:assert/strict";
import { historyChart } from "../../lib/plots/mod.ts";
import { assertSvg, fillOf, marks } from "./_svg.ts";

Deno.test("historyChart: each run at its date, min–max bar, failed red, passed green", async () => {
  const plot = await historyChart([
    {
      date: "2024-02-05T10:00:00Z",
      mean: 6.8,
      min: 3.2,
      max: 10.1,
      passed: false,
      runNumber: "r-1",
    },
    {
      date: "2024-02-19T10:00:00Z",
      mean: 8.9,
      min: 5.9,
      max: 11.2,
      passed: true,
      runNumber: "r-2",
    },
  ], { title: "20UPGM21000042" });
  assertSvg(plot);
  assert.ok(plot.svg.includes(">20UPGM21000042</text>"));
  assert.ok(plot.svg.includes("2 runs · 1 failed"));
  const means = marks(plot.svg, "mean");
  assert.deepEqual(means.map(fillOf), ["#e45756", "#1a7f37"]);
  assert.equal(marks(plot.svg, "range").length, 2);
  assert.deepEqual(
    marks(plot.svg, "run_labels").length,
    2,
  );
  assert.ok(plot.svg.includes(">r-1</text>") && plot.svg.includes(">r-2</text>"));
  assert.equal(marks(plot.svg, "cuts").length, 2);
});
