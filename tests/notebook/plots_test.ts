import assert from "node:assert/strict";
import {
  ivCurve,
  loadHistogram,
  loadsByGroup,
  moduleComparison,
  type Plot,
} from "../../lib/notebook/mod.ts";
import { $display } from "../../lib/display/mime.ts";

/** The items of the mark named `name` (a vega-lite layer's `name`). */
function marks(svg: string, name: string): string[] {
  const group = new RegExp(`<g class="mark-\\w+ role-mark ${name}_marks"[^>]*>([\\s\\S]*?)</g>`);
  const body = svg.match(group)?.[1];
  assert.ok(body !== undefined, `no mark group ${name}`);
  return [...body.matchAll(/<(path|line|text)\b[^>]*>/g)].map((m) => m[0]);
}

/** A rough check that this is one complete SVG document. */
function assertSvg(plot: Plot): void {
  assert.ok(plot.svg.startsWith("<svg"), plot.svg.slice(0, 40));
  assert.ok(plot.svg.trimEnd().endsWith("</svg>"));
  assert.match(plot.svg, /^<svg[^>]* width="\d+" height="\d+" viewBox="0 0 \d+ \d+"/);
  assert.equal(plot.svg.match(/<svg\b/g)?.length, 1);
  const bundle = plot[$display]();
  assert.equal(bundle["image/svg+xml"], plot.svg);
  assert.equal(typeof bundle["text/plain"], "string");
}

const LOADS = [8.4, 9.1, 5.6, 10.9, 7.7, 8.8, 9.9];
const PULLS = LOADS.map((load, i) => ({
  load,
  label: `r${(i % 3) + 1} 20g `,
  gradeCode: String((i % 2) + 1),
}));

function big(n: number, f: (i: number) => number): number[] {
  return Array.from({ length: n }, (_, i) => f(i));
}

Deno.test("plots", async (t) => {
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

  await t.step("the same input gives the same SVG", async () => {
    const a = await loadsByGroup(PULLS, { by: "label", threshold: 4.0 });
    const b = await loadsByGroup(PULLS, { by: "label", threshold: 4.0 });
    assert.equal(a.svg, b.svg);
    const c = await loadHistogram(LOADS, { threshold: 7 });
    const d = await loadHistogram(LOADS, { threshold: 7 });
    assert.equal(c.svg, d.svg);
  });

  await t.step("save writes the SVG file", async () => {
    const dir = await Deno.makeTempDir({ prefix: "itkpd-plot-" });
    try {
      const plot = await loadHistogram(LOADS, { threshold: 7 });
      const path = `${dir}/loads.svg`;
      await plot.save(path);
      assert.equal(await Deno.readTextFile(path), plot.svg);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  });

  // Speed is measured by `deno task bench` (plot_render_ms_10k), not asserted here.
  await t.step("10,000 points render, every module drawn", async () => {
    const loads = big(10_000, (i) => 4 + ((i * 7919) % 10007) / 1000);
    const pulls = loads.map((load, i) => ({ load, label: `r${i % 12}`, gradeCode: `${i % 4}` }));
    const modules = loads.map((mean, i) => ({ module: `M${i}`, mean, min: mean - 2 }));
    const iv = loads.map((current, i) => ({ voltage: -i / 50, current, sem: 0.01 }));
    for (
      const plot of [
        await loadHistogram(loads, { threshold: 7 }),
        await loadsByGroup(pulls, { by: "label", threshold: 4 }),
        await moduleComparison(modules),
        await ivCurve(iv),
      ]
    ) assertSvg(plot);
    assert.equal(marks((await moduleComparison(modules)).svg, "modules").length, 10_000);
  });

  await t.step("plots need no permission at all", async () => {
    const root = new URL("../../", import.meta.url);
    const out = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "--no-prompt",
        "--quiet",
        "--config",
        new URL("deno.json", root).pathname,
        new URL("tests/notebook/_render_all.ts", root).pathname,
      ],
      cwd: root.pathname,
      stdout: "piped",
      stderr: "piped",
    }).output();
    const stderr = new TextDecoder().decode(out.stderr);
    assert.equal(out.code, 0, stderr);
    assert.match(new TextDecoder().decode(out.stdout), /^ok \d+\n$/);
  });
});
