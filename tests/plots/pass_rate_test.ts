import assert from "node:assert/strict";
import { passRateChart } from "../../lib/plots/mod.ts";
import { assertSvg, marks } from "./_svg.ts";

Deno.test("passRateChart: one line per institution, one point per week", async () => {
  const rows = [
    { week: "2024-02-05", institution: "A", runs: 20, passRate: 90 },
    { week: "2024-02-12", institution: "A", runs: 10, passRate: 100 },
    { week: "2024-02-05", institution: "B", runs: 10, passRate: 60 },
    { week: "2024-02-12", institution: "B", runs: 0, passRate: NaN },
  ];
  const plot = await passRateChart(rows);
  assertSvg(plot);
  assert.ok(plot.svg.includes(">Pass rate (%)</text>"));
  assert.ok(plot.svg.includes(">Week (from Monday)</text>"));
  assert.equal(marks(plot.svg, "weeks").length, 3);
  // One line (one group of its own) per institution.
  assert.equal(plot.svg.match(/role-mark lines_marks/g)?.length, 2);
  for (const site of ["A", "B"]) assert.ok(plot.svg.includes(`>${site}</text>`), site);
  // 18 + 10 + 6 = 34 of 40 runs passed.
  assert.ok(plot.svg.includes("40 runs · 2 weeks · 2 institutions · 85.0 % passed overall"));
});
