import assert from "node:assert/strict";
import { currentScale, ivCurve } from "../../lib/plots/iv_curve.ts";
import { assertSvg, marks, texts } from "./_svg.ts";

Deno.test("ivCurve", async (t) => {
  await t.step("ivCurve: |V| on x, current on y, error bars where sem is given", async () => {
    const points = [
      { voltage: -100, current: 0.2, sem: 0.02 },
      { voltage: 0, current: 0.01 },
      { voltage: -50, current: 0.12, sem: 0.01 },
    ];
    const plot = await ivCurve(points, { title: "IV 20UPGM22110001" });
    assertSvg(plot);
    assert.ok(plot.svg.includes(">|Bias voltage| (V)</text>"));
    // Currents below 1 µA are shown in nA, as magnitudes (the bias may have either sign).
    assert.ok(plot.svg.includes(">|Current| (nA)</text>"));
    assert.ok(plot.svg.includes(">IV 20UPGM22110001</text>"));
    assert.equal(marks(plot.svg, "points").length, 3);
    assert.equal(marks(plot.svg, "error_bars").length, 2);
    assert.equal(marks(plot.svg, "curve").length, 1);
    const negative = await ivCurve(points.map((p) => ({ ...p, current: -p.current * 10 })));
    assert.ok(negative.svg.includes(">|Current| (µA)</text>"), "2 µA stays in µA");
    assert.ok(negative.svg.includes(">2.0</text>") || negative.svg.includes(">2</text>"));
  });
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
