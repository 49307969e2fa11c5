/**
 * Runs a small notebook in the real `deno jupyter` kernel (through scripts/_notebook_runner.py)
 * and checks what the kernel sent: the table as text/html, the plot as image/svg+xml, the error
 * view, and the progress display's final state. Ignored when jupyter_client or the Deno
 * kernelspec is missing.
 *
 * @module
 */

import assert from "node:assert/strict";
import { pdfFacts, pngSize } from "../_helpers/plot_files.ts";

const ROOT = new URL("../../", import.meta.url);
const PYTHON = "/usr/bin/python3";
const MOD = new URL("mod.ts", ROOT).href;
const ERRORS = new URL("lib/errors.ts", ROOT).href;

/** True when Python has jupyter_client and nbformat and the Deno kernel is installed. */
function kernelAvailable(): boolean {
  try {
    const home = Deno.env.get("HOME");
    if (!home) return false;
    Deno.statSync(`${home}/.local/share/jupyter/kernels/deno/kernel.json`);
    const probe = new Deno.Command(PYTHON, {
      args: ["-c", "import jupyter_client, nbformat"],
      stdout: "null",
      stderr: "null",
    }).outputSync();
    return probe.success;
  } catch {
    return false;
  }
}

/** The cells of the test notebook. */
const CELLS = [
  `import { errorView, inKernel, loadHistogram, progress, show, table } from "${MOD}";
import { ParseError } from "${ERRORS}";
console.log("inKernel:", inKernel());`,
  `table([
  { module: "20UPGM22110001", mean: 8.7026, passed: true },
  { module: "<script>x</script>", mean: 6.1, passed: false },
], { title: "kernel table" })`,
  `await loadHistogram([8.4, 9.1, 5.6, 10.9, 7.7], { threshold: 7.0, title: "kernel histogram" })`,
  `errorView(new ParseError("pulls.csv", 12, "load is not a number", { hint: "fix line 12" }))`,
  `const p = progress({ total: 5, label: "kernel progress" });
for (let i = 0; i < 5; i++) {
  await new Promise((r) => setTimeout(r, 120));
  p.tick(i === 2 ? "failed" : "ok");
}
await p.done();`,
  `await show(table([{ shown: "from show()" }]));`,
  // A plot saved from a notebook as PNG and PDF (SAVE_DIR is filled in by notebook()).
  `const saved = await loadHistogram([8.4, 9.1, 3.6, 10.9], { threshold: 4, meanCut: 7 });
await saved.save("SAVE_DIR/from_kernel.png");
await saved.save("SAVE_DIR/from_kernel.pdf");
console.log("saved", saved.svg.match(/width="(\\d+)" height="(\\d+)"/)!.slice(1).join("x"));`,
];

function notebook(saveDir: string): unknown {
  return {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: {
      kernelspec: { name: "deno", display_name: "Deno", language: "typescript" },
      language_info: { name: "typescript" },
    },
    cells: CELLS.map((source, i) => ({
      id: `cell-${i}`,
      cell_type: "code",
      metadata: {},
      execution_count: null,
      outputs: [],
      source: source.replaceAll("SAVE_DIR", saveDir),
    })),
  };
}

interface Output {
  output_type: string;
  name?: string;
  text?: string | string[];
  data?: Record<string, string | string[]>;
}

/** nbformat stores multi-line strings as lists of lines. */
const joined = (v: string | string[] | undefined) => Array.isArray(v) ? v.join("") : v ?? "";

Deno.test({
  name: "notebook in the real Deno Jupyter kernel",
  ignore: !kernelAvailable(),
  async fn(t) {
    const dir = await Deno.makeTempDir({
      dir: new URL("tests/notebook/", ROOT).pathname,
      prefix: ".tmp-kernel-",
    });
    try {
      // Not ".ipynb": `deno fmt` formats notebooks and might run meanwhile; the runner does not care.
      const path = `${dir}/display.notebook`;
      await Deno.writeTextFile(path, JSON.stringify(notebook(dir), null, 1));
      const out = await new Deno.Command(PYTHON, {
        args: ["scripts/_notebook_runner.py", "--out", `${dir}/out`, "--timeout", "180", path],
        cwd: ROOT.pathname,
        stdout: "piped",
        stderr: "piped",
      }).output();
      const stderr = new TextDecoder().decode(out.stderr);
      const executedPath = `${dir}/out/display.notebook`;
      const executed = JSON.parse(await Deno.readTextFile(executedPath)) as {
        cells: { outputs: Output[] }[];
      };
      const outputs = executed.cells.map((c) => c.outputs);
      const errors = outputs.flat().filter((o) => o.output_type === "error");
      assert.equal(out.code, 0, `runner failed:\n${stderr}\n${JSON.stringify(errors, null, 1)}`);

      await t.step("the library knows it runs in the kernel", () => {
        const text = outputs[0].filter((o) => o.output_type === "stream").map((o) =>
          joined(o.text)
        );
        assert.ok(text.join("").includes("inKernel: true"), text.join(""));
      });

      await t.step("a table as last expression renders as text/html, escaped", () => {
        const result = outputs[1].find((o) => o.output_type === "execute_result");
        assert.ok(result?.data, JSON.stringify(outputs[1]));
        const html = joined(result.data["text/html"]);
        assert.ok(
          html.startsWith('<div class="itkpd-table-title tex2jax_ignore"'),
          html.slice(0, 80),
        );
        assert.ok(html.includes("<table"));
        assert.ok(html.includes("kernel table"));
        assert.ok(html.includes("20UPGM22110001"));
        assert.ok(html.includes("&lt;script&gt;x&lt;/script&gt;"));
        assert.ok(!html.includes("<script>"));
        assert.ok(joined(result.data["text/plain"]).includes("8.703"));
      });

      await t.step("a plot renders as image/svg+xml", () => {
        const result = outputs[2].find((o) => o.output_type === "execute_result");
        const svg = joined(result?.data?.["image/svg+xml"]);
        assert.ok(svg.startsWith("<svg"), svg.slice(0, 80));
        assert.ok(svg.includes("kernel histogram"));
        assert.ok(svg.includes("threshold_marks"));
      });

      await t.step("an error view renders as HTML with file:line and the hint", () => {
        const result = outputs[3].find((o) => o.output_type === "execute_result");
        const html = joined(result?.data?.["text/html"]);
        assert.ok(html.includes("pulls.csv:12"), html);
        assert.ok(html.includes("fix line 12"));
        assert.ok(!html.includes("stack trace"));
      });

      await t.step("progress: one display, updated in place up to its final state", () => {
        // The runner applies update_display_data to the output with the same display id, as
        // Jupyter front ends do: one display remains, holding the final state.
        const shown = outputs[4].filter((o) => o.output_type === "display_data");
        assert.equal(shown.length, 1, `${shown.length} progress displays`);
        assert.ok(joined(shown[0].data?.["text/html"]).includes("itkpd-progress"));
        const last = shown[0].data!;
        assert.ok(joined(last["text/html"]).includes('data-itkpd-progress="done"'));
        assert.match(
          joined(last["text/plain"]),
          /^kernel progress 5\/5 done in \d+s · ok 4 · skipped 0 · failed 1/,
        );
      });

      await t.step("show() displays a table from inside a cell", () => {
        const shown = outputs[5].find((o) => o.output_type === "display_data");
        assert.ok(joined(shown?.data?.["text/html"]).includes("from show()"));
      });
      await t.step("a plot saved from the notebook as PNG and PDF", async () => {
        const text = outputs[6].filter((o) => o.output_type === "stream").map((o) => joined(o.text))
          .join("");
        const [w, h] = /^saved (\d+)x(\d+)/.exec(text)!.slice(1).map(Number);
        assert.deepEqual(pngSize(await Deno.readFile(`${dir}/from_kernel.png`)), {
          width: 2 * w,
          height: 2 * h,
        });
        const pdf = await pdfFacts(await Deno.readFile(`${dir}/from_kernel.pdf`));
        assert.deepEqual(pdf.mediaBox, [0, 0, w * 0.75, h * 0.75]);
      });
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
