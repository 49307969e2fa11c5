import assert from "node:assert/strict";
import { loadsByGroup } from "../../lib/plots/by_group.ts";
import { assertSvg, marks, texts } from "./_svg.ts";

const LOADS = [8.4, 9.1, 5.6, 10.9, 7.7, 8.8, 9.9];
const PULLS = LOADS.map((load, i) => ({
  load,
  label: `r${(i % 3) + 1} 20g `,
  gradeCode: String((i % 2) + 1),
}));
/** Loads of ten pulls, for the order of groups. */
const TEN = [8.4, 9.1, 5.6, 10.9, 7.7, 8.8, 9.9, 3.1, 8.2, 7.4];

Deno.test("loadsByGroup", async (t) => {
  await t.step("loadsByGroup: one point per pull, one box per group", async () => {
    const plot = await loadsByGroup(PULLS, { by: "label", threshold: 4.0 });
    assertSvg(plot);
    assert.ok(plot.svg.includes(">Bond group</text>"));
    assert.ok(plot.svg.includes(">Load (g)</text>"));
    assert.equal(marks(plot.svg, "pulls").length, LOADS.length);
    assert.equal(marks(plot.svg, "box").length, 3);
    assert.equal(marks(plot.svg, "threshold").length, 1);
    for (const label of ["r1 20g", "r2 20g", "r3 20g"]) {
      assert.ok(plot.svg.includes(`>${label}</text>`));
    }

    const byGrade = await loadsByGroup([...PULLS, { load: 3.2 }], { by: "gradeCode" });
    assert.ok(byGrade.svg.includes(">Grade code</text>"));
    assert.equal(marks(byGrade.svg, "pulls").length, LOADS.length + 1);
    assert.equal(marks(byGrade.svg, "box").length, 3); // "1", "2", "(none)"
    assert.ok(byGrade.svg.includes(">(none)</text>"));
  });
});

Deno.test("loadsByGroup: bond groups in file order, grade codes with their break modes", async () => {
  const labels = ["r2 20g", "r10 20g", "r1 24g"];
  const pulls = TEN.map((load, i) => ({
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
