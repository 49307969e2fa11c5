import assert from "node:assert/strict";
import { generateDage } from "../../lib/fixtures/mod.ts";
import { parseDage } from "../../lib/parsers/mod.ts";
import type { BreakModeMapping } from "../../lib/analysis/mod.ts";
import { buildWirebondRun } from "../../lib/upload/wirebond.ts";
import {
  gradeCodeLabels,
  wirebondGroupPlot,
  wirebondPlot,
} from "../../lib/upload/wirebond_plots.ts";

Deno.test("wire-bond plots", async (t) => {
  const g = generateDage({ index: 5, variations: ["non-numeric-load", "crlf"] });
  const parsed = parseDage(g.text, "m5.csv");

  await t.step("the plot is an SVG with both cuts, each labelled once", async () => {
    const plot = await wirebondPlot(buildWirebondRun([parsed], { component: g.serial }));
    assert.match(plot.svg, /^<svg/);
    assert.equal(plot.svg.split(">min cut 4 g</text>").length, 2);
    assert.equal(plot.svg.split(">mean cut 7 g</text>").length, 2);
    const legacy = await wirebondPlot(buildWirebondRun([parsed], { testType: "WIREBOND" }));
    assert.equal(legacy.svg.split(">cut 15 g</text>").length, 2);
    assert.ok(!legacy.svg.includes("mean cut"));
  });

  await t.step("grade codes are named by the break modes of the mapping in use", async () => {
    const mapping: BreakModeMapping = {
      gradeCodes: { "1": 0, "2": 3, "3": 2, "4": 1, "5": 4, "6": 5 },
      source: "site.json",
    };
    assert.equal(gradeCodeLabels(mapping)["2"], "2\nbond peel on hybrid");
    const build = buildWirebondRun([parsed], { mapping });
    const plot = await wirebondGroupPlot(build, "gradeCode");
    for (const g of build.byGrade) {
      const names = { 1: "midspan break", 2: "bond peel on hybrid", 3: "heel break on chip" };
      const name = names[Number(g.key) as 1 | 2 | 3];
      if (name) assert.ok(plot.svg.includes(`>${name}</tspan>`), `${g.key}: ${name}`);
    }
  });
});
