import assert from "node:assert/strict";
import { breakModeChart } from "../../lib/plots/mod.ts";
import { assertSvg, fillOf, marks } from "./_svg.ts";

Deno.test("breakModeChart: one stacked bar per site, one colour per break mode", async () => {
  const rows = [
    { institution: "B", mode: 1, name: "heel break on hybrid", pulls: 30, share: 30 },
    { institution: "B", mode: 0, name: "midspan break", pulls: 70, share: 70 },
    { institution: "A", mode: 0, name: "midspan break", pulls: 95, share: 95 },
    { institution: "A", mode: 3, name: "bond peel on hybrid", pulls: 5, share: 5 },
  ];
  const plot = await breakModeChart(rows);
  assertSvg(plot);
  assert.ok(plot.svg.includes(">Share of pulls (%)</text>"));
  const bars = marks(plot.svg, "shares");
  assert.equal(bars.length, 4);
  // Mode 0 is blue and mode 3 red wherever they occur.
  assert.deepEqual(new Set(bars.map(fillOf)), new Set(["#4c78a8", "#f58518", "#e45756"]));
  for (const label of ["0 midspan break", "1 heel break on hybrid", "3 bond peel on hybrid"]) {
    assert.ok(plot.svg.includes(`>${label}</text>`), label);
  }
  assert.ok(plot.svg.includes("200 pulls · 2 sites"));
});
