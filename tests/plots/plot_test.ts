/**
 * Saving a plot: SVG, PNG or PDF by the file's extension. The PNG is a real PNG (signature,
 * IHDR with twice the SVG's size, pixels of the plot), the PDF a valid one-page PDF (header,
 * exact cross-reference offsets, a page of the plot's size in points, the image inflating to
 * its pixels); the rasteriser runs offline with read access to its two npm packages only.
 *
 * @module
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import {
  ivCurve,
  loadHistogram,
  loadsByGroup,
  moduleComparison,
  type Plot,
  plotFormat,
} from "../../lib/plots/mod.ts";
import { UsageError } from "../../lib/errors.ts";
import { pdfFacts, pngSize } from "../_helpers/plot_files.ts";
import { assertSvg, marks } from "./_svg.ts";

const ROOT = new URL("../../", import.meta.url);
function svgSize(plot: Plot): { width: number; height: number } {
  const m = /^<svg[^>]* width="(\d+)" height="(\d+)"/.exec(plot.svg)!;
  return { width: Number(m[1]), height: Number(m[2]) };
}

Deno.test("plot files: SVG, PNG or PDF by the extension", async (t) => {
  const plot = await loadHistogram([8.4, 9.1, 5.6, 10.9, 7.7, 3.2], { threshold: 4, meanCut: 7 });
  const size = svgSize(plot);
  const dir = await Deno.makeTempDir({ prefix: "itkpd-plot-files-" });
  try {
    await t.step("the format comes from the extension; anything else is a usage error", () => {
      assert.equal(plotFormat("a/loads.svg"), "svg");
      assert.equal(plotFormat("loads.PNG"), "png");
      assert.equal(plotFormat(new URL("file:///x/loads.pdf")), "pdf");
      for (const bad of ["loads", "loads.jpg", "a.png/loads"]) {
        assert.throws(() => plotFormat(bad), (e: unknown) => {
          assert.ok(e instanceof UsageError);
          assert.match(e.message, /\.svg, \.png or \.pdf/);
          return true;
        });
      }
    });

    await t.step("SVG: the text as it is", async () => {
      await plot.save(`${dir}/loads.svg`);
      assert.equal(await Deno.readTextFile(`${dir}/loads.svg`), plot.svg);
    });

    await t.step(
      "PNG: a PNG twice the plot's size, drawn on white with the plot's colours",
      async () => {
        await plot.save(`${dir}/loads.png`);
        const png = await Deno.readFile(`${dir}/loads.png`);
        assert.deepEqual(pngSize(png), { width: 2 * size.width, height: 2 * size.height });
        const bigger = await plot.toPng({ scale: 3 });
        assert.deepEqual(pngSize(bigger), { width: 3 * size.width, height: 3 * size.height });
        const { rasterize } = await import("../../lib/plots/_raster.ts");
        const raster = await rasterize(plot.svg, 1);
        const rgb = (i: number) => [...raster.rgba.subarray(4 * i, 4 * i + 3)].join(",");
        const counts = new Map<string, number>();
        for (let i = 0; i < raster.width * raster.height; i++) {
          counts.set(rgb(i), (counts.get(rgb(i)) ?? 0) + 1);
        }
        assert.ok((counts.get("255,255,255") ?? 0) > raster.width * raster.height / 3, "white");
        assert.ok((counts.get("76,120,168") ?? 0) > 100, "the bars' blue");
        assert.ok((counts.get("228,87,86") ?? 0) > 20, "the red bar below the cut");
        // Text is drawn: dark pixels beyond the axes' lines.
        const dark = [...counts].filter(([c]) => c.split(",").every((v) => Number(v) < 60))
          .reduce((n, [, k]) => n + k, 0);
        assert.ok(dark > 500, `dark pixels of the text: ${dark}`);
      },
    );

    await t.step(
      "PDF: one page of the plot's size, the image inflating to its pixels",
      async () => {
        await plot.save(`${dir}/loads.pdf`);
        const pdf = await pdfFacts(await Deno.readFile(`${dir}/loads.pdf`));
        assert.deepEqual(pdf.mediaBox, [0, 0, size.width * 0.75, size.height * 0.75]);
        assert.equal(pdf.image.width, 3 * size.width);
        assert.equal(pdf.image.height, 3 * size.height);
        assert.equal(pdf.image.pixels.length, pdf.image.width * pdf.image.height * 3);
        assert.match(pdf.title, /^Pull load distribution/);
      },
    );

    await t.step("a scale out of range is refused", async () => {
      await assert.rejects(plot.toPng({ scale: 0 }), RangeError);
      await assert.rejects(plot.toPdf({ scale: 50 }), RangeError);
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("the rasteriser needs no network and reads only its npm packages (and the output folder)", async () => {
  const dir = await Deno.makeTempDir({ prefix: "itkpd-plot-perm-" });
  try {
    const script = `${dir}/save.ts`;
    const mod = new URL("lib/plots/mod.ts", ROOT).href;
    await Deno.writeTextFile(
      script,
      `import { loadHistogram } from "${mod}";\n` +
        `const p = await loadHistogram([8, 9, 3], { threshold: 4 });\n` +
        `await p.save(Deno.args[0]);\nawait p.save(Deno.args[1]);\nconsole.log("saved");\n`,
    );
    const read = [
      "node_modules/@resvg/resvg-wasm/index_bg.wasm",
      "node_modules/dejavu-fonts-ttf/ttf/DejaVuSans.ttf",
      "node_modules/dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf",
    ];
    const out = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "--no-prompt",
        "--quiet",
        "--config",
        fileURLToPath(new URL("deno.json", ROOT)),
        // The output folder is read too: an atomic write looks at what is there before it
        // replaces it (a link is replaced, never written through).
        `--allow-read=${[...read, dir].join(",")}`,
        `--allow-write=${dir}`,
        script,
        `${dir}/a.png`,
        `${dir}/a.pdf`,
      ],
      cwd: fileURLToPath(ROOT),
      env: { NO_COLOR: "1" },
      stdout: "piped",
      stderr: "piped",
    }).output();
    const stderr = new TextDecoder().decode(out.stderr);
    assert.equal(out.code, 0, stderr);
    assert.equal(new TextDecoder().decode(out.stdout), "saved\n");
    pngSize(await Deno.readFile(`${dir}/a.png`));
    await pdfFacts(await Deno.readFile(`${dir}/a.pdf`));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

const LOADS = [8.4, 9.1, 5.6, 10.9, 7.7, 8.8, 9.9];
const PULLS = LOADS.map((load, i) => ({
  load,
  label: `r${(i % 3) + 1} 20g `,
  gradeCode: String((i % 2) + 1),
}));

function big(n: number, f: (i: number) => number): number[] {
  return Array.from({ length: n }, (_, i) => f(i));
}

Deno.test("plots: what every plot does", async (t) => {
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
        new URL("tests/plots/_render_all.ts", root).pathname,
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
