/**
 * The notebooks, run for real: `deno task notebooks` as a subprocess (the real Deno kernel via
 * jupyter_client), then the executed copies are opened and their outputs checked. Also: the
 * committed notebooks carry no outputs, and the task's usage errors. The kernel runs are
 * ignored when jupyter_client or the Deno kernelspec is missing.
 *
 * @module
 */
import assert from "node:assert/strict";
import { runTask } from "../_helpers/task.ts";
import {
  checkJupyter,
  failureLines,
  NotebookSetupError,
  parseResultLine,
} from "../../lib/notebook/runner.ts";

const ROOT = new URL("../../", import.meta.url);
const PYTHON = "/usr/bin/python3";
const NOTEBOOKS = [
  "01_getting_started.ipynb",
  "02_exploring_pull_tests.ipynb",
  "03_batch_upload.ipynb",
  "04_production_overview.ipynb",
];

/** The kernelspecs (name → folder) that Python's jupyter_client finds with this HOME. */
function kernelSpecs(home: string): Record<string, string> | undefined {
  try {
    const out = new Deno.Command(PYTHON, {
      args: [
        "-c",
        "import json, nbformat; from jupyter_client.kernelspec import find_kernel_specs; " +
        "print(json.dumps(find_kernel_specs()))",
      ],
      env: { HOME: home },
      clearEnv: true,
      stdout: "piped",
      stderr: "null",
    }).outputSync();
    return out.success ? JSON.parse(new TextDecoder().decode(out.stdout)) : undefined;
  } catch {
    return undefined;
  }
}

const HOME = Deno.env.get("HOME") ?? "/tmp";
const DENO_KERNEL = kernelSpecs(HOME)?.deno;
const KERNEL = DENO_KERNEL !== undefined;
/**
 * The tasks run with a temporary HOME (tests/_helpers/task.ts): show Jupyter the data folder
 * that holds the installed Deno kernelspec (`<dir>/kernels/deno`).
 */
const JUPYTER_ENV: Record<string, string> = DENO_KERNEL
  ? { JUPYTER_PATH: DENO_KERNEL.replace(/\/kernels\/deno\/?$/, "") }
  : {};

interface Output {
  output_type: string;
  name?: string;
  text?: string | string[];
  data?: Record<string, string | string[]>;
  ename?: string;
  evalue?: string;
}
interface Cell {
  cell_type: string;
  source: string | string[];
  execution_count?: number | null;
  outputs?: Output[];
}
interface Notebook {
  metadata: { kernelspec?: { name?: string } };
  cells: Cell[];
}

const joined = (v: string | string[] | undefined) => Array.isArray(v) ? v.join("") : v ?? "";

async function readNotebook(path: string | URL): Promise<Notebook> {
  return JSON.parse(await Deno.readTextFile(path));
}

function outputs(nb: Notebook): Output[] {
  return nb.cells.flatMap((c) => c.outputs ?? []);
}

/** Every output holding `mime`, as text. */
function withMime(nb: Notebook, mime: string): { plain: string; value: string }[] {
  return outputs(nb).filter((o) => o.data?.[mime] !== undefined).map((o) => ({
    plain: joined(o.data?.["text/plain"]),
    value: joined(o.data?.[mime]),
  }));
}

function streams(nb: Notebook): string {
  return outputs(nb).filter((o) => o.output_type === "stream").map((o) => joined(o.text)).join(
    "",
  );
}

/** The one HTML output whose plain text starts with a line matching `title`. */
function htmlTitled(nb: Notebook, title: RegExp): { plain: string; value: string; m: string[] } {
  const found = withMime(nb, "text/html").flatMap((o) => {
    const m = title.exec(o.plain.split("\n")[0]);
    return m ? [{ ...o, m: [...m] }] : [];
  });
  assert.equal(found.length, 1, `one HTML output titled ${title}, found ${found.length}`);
  return found[0];
}

Deno.test("committed notebooks have no outputs and the Deno kernelspec", async () => {
  for (const name of NOTEBOOKS) {
    const nb = await readNotebook(new URL(`notebooks/${name}`, ROOT));
    assert.equal(nb.metadata.kernelspec?.name, "deno", name);
    const code = nb.cells.filter((c) => c.cell_type === "code");
    assert.ok(code.length > 3, `${name} has code cells`);
    assert.ok(nb.cells.some((c) => c.cell_type === "markdown"), `${name} explains its steps`);
    for (const [i, cell] of code.entries()) {
      assert.deepEqual(cell.outputs, [], `${name}: code cell ${i + 1} has outputs`);
      assert.equal(cell.execution_count, null, `${name}: code cell ${i + 1} has a count`);
    }
  }
});

Deno.test("deno task notebooks: usage", async (t) => {
  await t.step("--help", async () => {
    const r = await runTask("notebooks", ["--help"]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^Usage: deno task notebooks/);
    assert.match(r.stdout, /--out DIR/);
  });
  await t.step("a bad flag: one line, exit 2, a suggestion", async () => {
    const r = await runTask("notebooks", ["--outt", "x"]);
    assert.equal(r.code, 2, r.stderr);
    assert.equal(r.stderr.trim().split("\n").length, 1, r.stderr);
    assert.match(r.stderr, /unknown flag --outt \(did you mean --out\?\)/);
  });
  await t.step("a bad --timeout or a missing notebook: exit 2", async () => {
    const timeout = await runTask("notebooks", ["--timeout", "soon"]);
    assert.equal(timeout.code, 2, timeout.stderr);
    assert.match(timeout.stderr, /--timeout must be a number/);
    const missing = await runTask("notebooks", ["no_such.ipynb"]);
    assert.equal(missing.code, 2, missing.stderr);
    assert.match(missing.stderr, /^error: no such notebook: no_such\.ipynb$/m);
  });
});

Deno.test("notebook runner: setup checks and the helper's lines", async (t) => {
  await t.step("no Python: one line saying what to install", async () => {
    await assert.rejects(checkJupyter("/nonexistent/python3"), (e: unknown) => {
      assert.ok(e instanceof NotebookSetupError);
      assert.equal(e.message.split("\n").length, 1);
      assert.match(
        e.message,
        /install python3-jupyter-client python3-nbformat, then `deno jupyter --install`/,
      );
      return true;
    });
  });
  await t.step("result and failure lines", () => {
    assert.deepEqual(
      parseResultLine(
        '{"notebook": "a.ipynb", "executed": "o/a.ipynb", "status": "ok", ' +
          '"seconds": 1.5}',
      ),
      { notebook: "a.ipynb", executed: "o/a.ipynb", status: "ok", seconds: 1.5 },
    );
    assert.equal(parseResultLine('Warning "deno jupyter" is unstable'), undefined);
    assert.deepEqual(failureLines("noise\nnb/a.ipynb: cell 3: TypeError: x is not a function\n"), [
      { notebook: "nb/a.ipynb", cell: 3, error: "TypeError: x is not a function" },
    ]);
  });
});

Deno.test({
  name: "deno task notebooks: every notebook runs in the real kernel",
  ignore: !KERNEL,
  async fn(t) {
    const out = await Deno.makeTempDir({ prefix: "itkpd-notebooks-test-" });
    try {
      const r = await runTask("notebooks", ["--out", out], {
        env: JUPYTER_ENV,
        timeoutMs: 300_000,
      });
      assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
      assert.match(r.stdout, new RegExp(`summary: ${NOTEBOOKS.length} ok, 0 failed`));
      for (const name of NOTEBOOKS) assert.match(r.stdout, new RegExp(`ok +notebooks/${name}`));
      const nbs = new Map<string, Notebook>();
      for (const name of NOTEBOOKS) nbs.set(name, await readNotebook(`${out}/${name}`));

      await t.step("no errors, every code cell ran", () => {
        for (const [name, nb] of nbs) {
          assert.deepEqual(outputs(nb).filter((o) => o.output_type === "error"), [], name);
          for (const cell of nb.cells.filter((c) => c.cell_type === "code")) {
            assert.ok(cell.execution_count, `${name}: a code cell did not run`);
          }
        }
      });

      await t.step("01: test-type table, prototype, upload and read-back", () => {
        const nb = nbs.get(NOTEBOOKS[0])!;
        const types = htmlTitled(nb, /^Test types of a pixel MODULE \(\d+\)/);
        assert.match(types.value, /<table/);
        assert.match(types.value, /WIREBOND_PULL_TEST/);
        const text = streams(nb);
        assert.match(text, /"testType": "WIREBOND_PULL_TEST"/);
        assert.match(text, /\$\.results against the definition: 0 missing, 0 invalid/);
        const id = /created test run (\S+)/.exec(text)?.[1];
        assert.ok(id, "the upload printed the new run's id");
        const back = htmlTitled(nb, /^Test run (\S+): 20UPGM20000001 WIREBOND_PULL_TEST/);
        assert.equal(back.m[1], id);
        assert.match(back.value, /PULL_STRENGTH_MIN/);
        // The refused upload, shown in words with the key at fault, no stack trace.
        const refused = outputs(nb).map((o) => joined(o.data?.["text/html"])).find((h) =>
          h.includes("The upload was refused")
        );
        assert.ok(refused, "the refusal is displayed");
        assert.match(refused, /\$\.results\.PULL_STRENGTH/);
        assert.doesNotMatch(refused, /\n\s+at /);
        assert.match(text, /closed/);
      });

      await t.step("02: summary with failing modules flagged, plots", () => {
        const nb = nbs.get(NOTEBOOKS[1])!;
        const summary = htmlTitled(nb, /^Wire-pull summary of 40 modules: (\d+) failing/);
        const failing = Number(summary.m[1]);
        assert.ok(failing > 0, "the demo data has failing modules");
        assert.equal((summary.value.match(/✗/g) ?? []).length, failing);
        assert.match(summary.value, /minimum pull strength [\d.]+ g is below 4 g/);
        htmlTitled(nb, new RegExp(`^${failing} failing module\\(s\\)`));
        const weak = htmlTitled(nb, /^(\d+) pull\(s\) below 4 g/);
        assert.match(weak.value, /20UPGM2\d{7}\.csv:\d+/);
        const problems = htmlTitled(nb, /^Files with problems: (\d+)/);
        assert.match(problems.value, /20UPGM2\d{7}\.csv:\d+/);
        assert.match(problems.value, /is not a number/);
        const svgs = withMime(nb, "image/svg+xml");
        assert.ok(svgs.length >= 5, `5 plots, found ${svgs.length}`);
        for (const s of svgs) assert.match(s.value, /^\s*<svg[\s\S]*<\/svg>\s*$/);
        const titles = svgs.map((s) => s.plain).join("\n");
        for (const t of [/All \d+ pulls/, /by bond group/, /by grade code/, /Pull strength of/]) {
          assert.match(titles, t);
        }
        assert.match(titles, /IV curve/);
      });

      await t.step("03: plan, progress, summary, failures, nothing created twice", () => {
        const nb = nbs.get(NOTEBOOKS[2])!;
        const plan = htmlTitled(nb, /^Plan: (\d+) to create, 0 already present, (\d+) invalid/);
        const toCreate = Number(plan.m[1]);
        assert.equal(Number(plan.m[2]), 11);
        assert.match(plan.value, /does not exist in ITkPD/);
        assert.match(plan.value, /20UPGM2\d{7}\.csv:\d+: /);
        assert.match(plan.value, /no valid TEST line/);
        assert.match(
          plan.value,
          /unknown institution &quot;SANDBOX_8&quot; \(did you mean SANDBOX_/,
        );

        const progress = outputs(nb).filter((o) =>
          o.output_type === "display_data" &&
          joined(o.data?.["text/html"]).includes("itkpd-progress")
        );
        assert.ok(progress.length >= 1, "a progress display");
        const first = progress[0];
        assert.match(joined(first.data?.["text/html"]), /data-itkpd-progress="done"/);
        const line = joined(first.data?.["text/plain"]);
        assert.match(line, new RegExp(`^upload ${toCreate}/${toCreate} done`));
        const faults = /faults injected by the sandbox during the upload: (\d+)/.exec(
          outputs(nb).map((o) => joined(o.text)).join("\n"),
        );
        assert.ok(faults && Number(faults[1]) > 0, "faults were injected");

        const summary = htmlTitled(
          nb,
          /^Upload summary: (\d+) created, 0 skipped, 0 failed, 11 invalid/,
        );
        const created = Number(summary.m[1]);
        assert.equal(created, toCreate);
        assert.match(line, new RegExp(`ok ${created} · skipped 0 · failed 0`));
        const failures = htmlTitled(nb, /^11 file\(s\) not uploaded/);
        assert.match(failures.value, /SANDBOX_8/);

        const second = htmlTitled(
          nb,
          /^Second run: (\d+) created, (\d+) skipped, 0 failed, 11 invalid/,
        );
        assert.equal(Number(second.m[1]), 0);
        assert.equal(Number(second.m[2]), created);
        const fixed = htmlTitled(
          nb,
          /^After the fix: (\d+) created, (\d+) skipped, 0 failed, 8 invalid/,
        );
        assert.equal(Number(fixed.m[1]), 3);
        assert.equal(Number(fixed.m[2]), created);
      });

      await t.step("04: production read back, the cache, plots, worst modules, history", () => {
        const nb = nbs.get(NOTEBOOKS[3])!;
        const text = streams(nb);
        const made =
          /(\d+) modules, (\d+) runs: (\d+) failing, (\d+) re-tested; (\d+) raw files attached/
            .exec(text);
        assert.ok(made, text);
        const [modules, runs, failing, retested, attached] = made.slice(1).map(Number);
        assert.ok(modules >= 1000 && failing > 0 && retested > 0 && attached >= failing);
        // Every run fetched once, in bulk; the second look fetches nothing.
        assert.match(
          text,
          new RegExp(
            `first look: listed ${runs}, fetched ${runs} in ${
              Math.ceil(runs / 100)
            } getTestRunBulk`,
          ),
        );
        assert.match(text, new RegExp(`second look: 0 fetched, ${runs} unchanged`));

        const overview = htmlTitled(
          nb,
          new RegExp(`^Production: ${runs} runs of ${modules} modules at 3 institutions`),
        );
        for (const site of ["SANDBOX_A", "SANDBOX_B", "SANDBOX_C"]) {
          assert.match(overview.value, new RegExp(`>${site}<`));
        }
        const weeks = htmlTitled(nb, /^Pass rate per week \((\d+) weeks\)/);
        assert.ok(Number(weeks.m[1]) >= 12, "a few months of weeks");
        assert.match(weeks.value, /\d+ % of \d+/);

        const svgs = withMime(nb, "image/svg+xml");
        for (const s of svgs) {
          assert.match(s.value, /^\s*<svg[\s\S]*<\/svg>\s*$/);
          const width = Number(/^\s*<svg[^>]* width="(\d+)"/.exec(s.value)?.[1]);
          assert.ok(width > 0 && width <= 900, `plot width ${width}: ${s.plain}`);
        }
        const titles = svgs.map((s) => s.plain).join("\n");
        for (
          const title of [
            new RegExp(`Pass rate per week and institution \\(${runs} runs`),
            new RegExp(`Pull strength of ${runs} runs`),
            /Break modes per site \(\d+ pulls, 3 sites\)/,
            /20UPGM21\d{6}: every wire-pull run \([2-9] runs/,
          ]
        ) assert.match(titles, title);
        assert.equal(svgs.length, 4);

        const worst = htmlTitled(nb, new RegExp(`^The 12 worst of ${failing} failing modules`));
        assert.match(worst.value, /is below 4 g|bond peels below 7 g|is below 7 g/);
        const links = [
          ...worst.value.matchAll(
            /<a href="data:text\/csv;base64,([A-Za-z0-9+/=]+)" download="(20UPGM21\d{6}\.csv)">/g,
          ),
        ];
        assert.equal(links.length, 12, "every worst module links to its raw file");
        const raw = atob(links[0][1]);
        assert.match(raw, /"TESTER"/);
        assert.match(raw, new RegExp(`"Serial Number","${links[0][2].replace(".csv", "")}"`));

        const modes = htmlTitled(nb, /^Break modes per site \(% of pulls\)/);
        assert.match(modes.value, /0 midspan break/);
        const history = htmlTitled(
          nb,
          /^History of (20UPGM21\d{6}) \(SANDBOX_\w\): ([2-9]) run\(s\)/,
        );
        assert.ok((history.value.match(/itkpd-fail/g) ?? []).length >= 1);
        assert.match(titles, new RegExp(`${history.m[1]}: every wire-pull run`));
        assert.match(text, new RegExp(`wrote ${runs} rows \\(${runs} runs\\) to \\S+runs\\.csv`));
        assert.match(text, /wrote \d+ rows \(\d+ runs\) to \S+pulls\.csv/);
      });
    } finally {
      await Deno.remove(out, { recursive: true });
    }
  },
});

Deno.test({
  name: "deno task notebooks: failures are listed with their cell",
  ignore: !KERNEL,
  async fn(t) {
    const dir = await Deno.makeTempDir({ prefix: "itkpd-notebooks-fail-" });
    try {
      await t.step("a failing cell: exit 1, the cell and its error", async () => {
        const nb = {
          nbformat: 4,
          nbformat_minor: 5,
          metadata: { kernelspec: { name: "deno", display_name: "Deno", language: "typescript" } },
          cells: [
            { id: "a", cell_type: "markdown", metadata: {}, source: "# broken" },
            ...["console.log(1);", "const x = 1;\nnotDefined(x);", "2"].map((source, i) => ({
              id: `c${i}`,
              cell_type: "code",
              metadata: {},
              execution_count: null,
              outputs: [],
              source,
            })),
          ],
        };
        await Deno.writeTextFile(`${dir}/broken.ipynb`, JSON.stringify(nb));
        const r = await runTask("notebooks", ["--out", `${dir}/out`, "broken.ipynb"], {
          cwd: dir,
          env: JUPYTER_ENV,
          timeoutMs: 120_000,
        });
        assert.equal(r.code, 1, `${r.stdout}\n${r.stderr}`);
        assert.match(r.stdout, /summary: 0 ok, 1 failed/);
        // The details once (as the notebook finishes), the failing notebooks again at the end.
        assert.match(r.stdout, /cell 3: ReferenceError: notDefined is not defined/);
        assert.match(r.stdout, /> const x = 1;/);
        assert.match(r.stderr, /FAILED +\S*broken\.ipynb/);
        assert.doesNotMatch(r.stderr, /ReferenceError/);
        const executed = await readNotebook(`${dir}/out/broken.ipynb`);
        assert.equal(executed.cells[3].execution_count ?? null, null, "stopped at the error");
      });
      await t.step("no Deno kernelspec: one line saying what to do", async () => {
        const home = `${dir}/home`;
        await Deno.mkdir(home);
        if (kernelSpecs(home)?.deno) {
          // Installed system-wide: this machine cannot show the message.
          return;
        }
        const r = await runTask("notebooks", ["--out", `${dir}/out2`], { env: { HOME: home } });
        assert.equal(r.code, 1, r.stderr);
        assert.equal(r.stderr.trim().split("\n").length, 1, r.stderr);
        assert.match(
          r.stderr,
          /Deno Jupyter kernel is not installed: run `deno jupyter --install`/,
        );
      });
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
