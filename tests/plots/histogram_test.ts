import assert from "node:assert/strict";
import { loadHistogram } from "../../lib/plots/histogram.ts";
import { assertSvg, marks, texts } from "./_svg.ts";

const LOADS = [8.4, 9.1, 5.6, 10.9, 7.7, 8.8, 9.9];
/** Loads with one pull below the 4 g cut. */
const WITH_LOW = [8.4, 9.1, 5.6, 10.9, 7.7, 8.8, 9.9, 3.1, 8.2, 7.4];

Deno.test("loadHistogram", async (t) => {
  await t.step("loadHistogram: axes, one bar per bin, the threshold rule", async () => {
    const plot = await loadHistogram([...LOADS, NaN], { threshold: 7.0, bins: 6 });
    assertSvg(plot);
    assert.ok(plot.svg.includes(">Load (g)</text>"));
    assert.ok(plot.svg.includes(">Pulls</text>"));
    // 5.6 … 10.9 in steps of 1 g: the bins 5–6, 6–7, …, 10–11.
    const bars = marks(plot.svg, "bins");
    assert.equal(bars.length, 6);
    const counts = bars.map((b) => Number(b.match(/Pulls: (\d+)/)![1]));
    assert.deepEqual(counts, [1, 0, 1, 2, 2, 1]);
    assert.equal(marks(plot.svg, "threshold").length, 1);
    assert.ok(plot.svg.includes(">cut 7 g</text>"));
    assert.ok(plot.svg.includes("1 below 7 g"));
    assert.ok(plot.svg.includes("1 non-numeric left out"));
    // Bins below the cut are red.
    assert.ok(bars[0].includes('fill="#e45756"') && bars[2].includes('fill="#4c78a8"'));
  });

  await t.step("loadHistogram: another unit, no threshold, no data", async () => {
    const plot = await loadHistogram([1, 2, 3], { unit: "mN", title: "Shear" });
    assert.ok(plot.svg.includes(">Load (mN)</text>"));
    assert.ok(plot.svg.includes(">Shear</text>"));
    assert.ok(!plot.svg.includes("threshold_marks"));
    const empty = await loadHistogram([], { threshold: 4 });
    assertSvg(empty);
    assert.equal(marks(empty.svg, "threshold").length, 1);
  });
});

Deno.test("loadHistogram: both cuts, each labelled once, the same way as everywhere", async () => {
  const plot = await loadHistogram(WITH_LOW, { threshold: 4, meanCut: 7 });
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
