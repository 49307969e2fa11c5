/**
 * The notebooks, run for real: `deno task notebooks` as a subprocess (the real Deno kernel via
 * jupyter_client), then the executed copies are opened and their outputs checked. Also: the
 * committed notebooks carry no outputs, and the task's usage errors. The kernel runs are
 * ignored when jupyter_client or the Deno kernelspec is missing.
 *
 * @module
 */
import assert from "node:assert/strict";
import { runTask, testHome } from "../_helpers/task.ts";
import {
  checkJupyter,
  failureLines,
  NotebookSetupError,
  parseResultLine,
} from "../../scripts/_notebook_runner.ts";

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

/**
 * Whether Jupyter trusts each notebook: nbformat's NotebookNotary asked, with the Jupyter secret
 * and signature database of the HOME the `notebooks` task ran with (tests/_helpers/task.ts).
 */
async function notaryVerdicts(paths: string[]): Promise<boolean[]> {
  const out = await new Deno.Command(PYTHON, {
    args: [
      "-c",
      "import json, sys, nbformat; from nbformat.sign import NotebookNotary; n = NotebookNotary(); " +
      "print(json.dumps([n.check_signature(nbformat.read(p, as_version=4)) for p in sys.argv[1:]]))",
      ...paths,
    ],
    env: { HOME: testHome(), PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin" },
    clearEnv: true,
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.ok(out.success, new TextDecoder().decode(out.stderr));
  return JSON.parse(new TextDecoder().decode(out.stdout));
}

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
        // The file is in the file column: the note says the line, not the file name again.
        assert.match(plan.value, />20UPGM20000037\.csv<\/td>/);
        assert.match(plan.value, />line 1440: TEST line cannot be read/);
        assert.match(plan.value, /no valid TEST line/);
        assert.match(
          plan.value,
          /unknown institution &quot;SANDBOX-B&quot; \(did you mean SANDBOX_B\?\)/,
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
        assert.match(failures.value, /SANDBOX-B/);

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

      await t.step("the executed copies are trusted, as `jupyter trust` signs them", async () => {
        // Asked of nbformat's own notary, with the secret of the HOME the task ran with.
        const verdicts = await notaryVerdicts(NOTEBOOKS.map((name) => `${out}/${name}`));
        assert.deepEqual(verdicts, NOTEBOOKS.map(() => true), `${NOTEBOOKS}`);
        // A copy whose outputs were changed afterwards is not trusted any more.
        const nb = await readNotebook(`${out}/${NOTEBOOKS[1]}`);
        const changed = nb.cells.find((c) => c.outputs?.some((o) => o.data?.["image/svg+xml"]))!;
        changed.outputs = [{ output_type: "stream", name: "stdout", text: "changed\n" }];
        await Deno.writeTextFile(`${out}/changed.ipynb`, JSON.stringify(nb));
        assert.deepEqual(await notaryVerdicts([`${out}/changed.ipynb`]), [false]);
      });

      await t.step("every plot of every notebook fits a notebook page (≤ 900 px)", () => {
        let plots = 0;
        for (const [name, nb] of nbs) {
          for (const s of withMime(nb, "image/svg+xml")) {
            const width = Number(/^\s*<svg[^>]* width="(\d+(?:\.\d+)?)"/.exec(s.value)?.[1]);
            assert.ok(width > 0 && width <= 900, `${name}: plot ${width} px wide: ${s.plain}`);
            plots++;
          }
        }
        assert.ok(plots >= 9, `${plots} plots`);
      });

      await t.step("tables: titles above, short cells on one line, failures by cause", () => {
        for (const [name, nb] of nbs) {
          for (const h of withMime(nb, "text/html")) {
            assert.ok(!h.value.includes("<caption"), `${name}: a caption wraps word by word`);
          }
        }
        const plan = htmlTitled(nbs.get(NOTEBOOKS[2])!, /^Plan: /);
        assert.match(plan.value, /<td style="text-align:left;white-space:nowrap">to create<\/td>/);
        const failures = htmlTitled(nbs.get(NOTEBOOKS[2])!, /^11 file\(s\) not uploaded/);
        const rows = [...failures.value.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].slice(1);
        assert.equal(rows.length, 7, "one row per cause");
        for (const serial of ["20UPGM20000190", "20UPGM20000198", "20UPGM20000037"]) {
          assert.equal(failures.value.split(`${serial}.csv`).length - 1, 1, `${serial} once`);
        }
        const remedy = "fix the file (or the manifest), then run the same batch again";
        assert.equal(failures.value.split(remedy).length - 1, 1, "the remedy said once");
        assert.match(failures.plain, /^component does not exist in ITkPD +3 /m);
        const unusual = htmlTitled(nbs.get(NOTEBOOKS[1])!, /^\d+ module\(s\) with an unusual mean/);
        assert.match(unusual.value, /^<div class="itkpd-table-title/);
      });

      await t.step("units and cuts agree with what the notebooks print", () => {
        const nb = nbs.get(NOTEBOOKS[1])!;
        const printed = /current in the file in (\S+?)(?:, plotted in (\S+) \(× (\d+)\))?\n/.exec(
          streams(nb),
        );
        assert.ok(printed, streams(nb));
        const iv = withMime(nb, "image/svg+xml").find((s) => /IV curve/.test(s.plain))!;
        const axis = /\|Current\| \(([^)]+)\)/.exec(iv.value)?.[1];
        assert.equal(axis, printed[2] ?? printed[1], "the axis unit is the unit printed");
        // |current| from 0: no negative tick on the current axis.
        assert.doesNotMatch(iv.value, />[−-]\d[\d.]*<\/text>/);
        const hist = withMime(nb, "image/svg+xml").find((s) =>
          /^\[plot: All \d+ pulls/.test(s.plain)
        )!;
        assert.equal(hist.value.split(">min cut 4 g</text>").length - 1, 1);
        assert.equal(hist.value.split(">mean cut 7 g</text>").length - 1, 1);
        assert.match(hist.value, />Pulls \(log scale\)</);
      });

      await t.step("03 says what it prints: institution codes and numbers", () => {
        const nb = nbs.get(NOTEBOOKS[2])!;
        const md = (i: number) => joined(nb.cells[i].source);
        const mdAll = nb.cells.filter((c) => c.cell_type === "markdown").map((c) =>
          joined(c.source)
        )
          .join("\n");
        const plan = htmlTitled(nb, /^Plan: /);
        const hint = /unknown institution &quot;(\S+)&quot; \(did you mean (\S+)\?\)/.exec(
          plan.value,
        );
        assert.ok(hint, "the plan suggests an institution");
        const [, typo, suggested] = hint;
        // The text names the typo and the institution the plan suggests, and the fix applies
        // exactly that suggestion (not another site's code).
        const folder = nb.cells.findIndex((c) => joined(c.source).startsWith("## The folder"));
        assert.match(md(folder), new RegExp(`\`${typo}\`\\s+instead of \`${suggested}\``));
        assert.match(md(folder), new RegExp(`with a suggestion: \`${suggested}\``));
        const fix = nb.cells.find((c) =>
          c.cell_type === "code" && joined(c.source).includes("replaceAll(")
        )!;
        const replaced = /replaceAll\("([^"]+)", "([^"]+)"\)/.exec(joined(fix.source))!;
        assert.deepEqual([replaced[1], replaced[2]], [typo, suggested]);
        assert.match(mdAll, new RegExp(`\`${typo}\` → \`${suggested}\``));
        // No other institution is named: only the typo, the suggestion and the set-up's own.
        const own = /const INSTITUTION = USE_SANDBOX \? "(\w+)"/.exec(
          nb.cells.map((c) => joined(c.source)).join("\n"),
        )![1];
        for (const m of mdAll.matchAll(/\bSANDBOX[-_]\w\b/g)) {
          assert.ok([typo, suggested, own].includes(m[0]), `the text names ${m[0]}`);
        }
        // The numbers of the text: 200 modules (+ the copy and notes.csv), 3 unreadable, 3 not
        // registered, the 3 of the partner site created after the fix.
        assert.match(streams(nb), /^202 files in /m);
        assert.match(md(folder), /^200 modules' exports/m);
        assert.match(md(folder), /- 3 exports with a line that cannot be read/);
        assert.match(md(folder), /- 3 modules that are not registered in ITkPD yet/);
        const failures = htmlTitled(nb, /^11 file\(s\) not uploaded/).plain;
        const count = (cause: RegExp) => Number(cause.exec(failures)?.[1]);
        const unreadable = count(/^TEST line cannot be read.*? {2,}(\d+) {2}/m) +
          count(/^load "ERR" is not a number {2,}(\d+) {2}/m);
        assert.equal(unreadable, 3);
        assert.equal(count(/^component does not exist in ITkPD {2,}(\d+) {2}/m), 3);
        assert.equal(count(new RegExp(`^unknown institution "${typo}".*? {2,}(\\d+) {2}`, "m")), 3);
        assert.match(
          mdAll,
          /Modules 190–192 were bonded and pulled at a partner site, `SANDBOX_B`/,
        );
        assert.match(mdAll, /only the three runs held back are created now/);
        assert.match(htmlTitled(nb, /^After the fix: /).plain, /^After the fix: 3 created/);
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

/** The names a cell declares at its top level (`const x`, `const { a, b }`, `function f`). */
function declaredNames(source: string): string[] {
  const names: string[] = [];
  for (const line of source.split("\n")) {
    const plain = /^(?:export\s+)?(?:const|let|var|class|function|async function)\s+(\w+)/
      .exec(line);
    if (plain) names.push(plain[1]);
    const destructured = /^(?:const|let)\s+\{([^}]+)\}\s*=/.exec(line);
    if (destructured) {
      for (const part of destructured[1].split(",")) {
        const name = part.split(":").pop()!.trim();
        if (/^\w+$/.test(name)) names.push(name);
      }
    }
  }
  return names;
}

Deno.test("committed notebooks: every cell says what it needs; the clean-up cell is the end", async () => {
  for (const name of NOTEBOOKS) {
    const nb = await readNotebook(new URL(`notebooks/${name}`, ROOT));
    const headings = nb.cells.filter((c) => c.cell_type === "markdown")
      .flatMap((c) => joined(c.source).split("\n"))
      .filter((l) => /^#+ /.test(l))
      .map((l) => l.replace(/^#+ /, ""));
    const cells = nb.cells.map((c, i) => ({ ...c, i, text: joined(c.source) }));
    const code = cells.filter((c) => c.cell_type === "code");
    const declared = new Set<string>();
    const last = code[code.length - 1];
    const hasEnd = last.text.startsWith("// The end:");
    for (const [k, cell] of code.entries()) {
      const where = `${name}, cell ${cell.i + 1}`;
      const first = cell.text.split("\n")[0];
      assert.match(first, /^\/\/ \S/, `${where}: the first line says what the cell is`);
      if (k === 0) assert.match(first, /^\/\/ Run this cell first/, where);
      const body = cell.text.replace(/\/\/.*$/gm, "");
      const uses = [...declared].filter((n) => new RegExp(`\\b${n}\\b`).test(body));
      const isEnd = hasEnd && cell === last;
      if (uses.length && !isEnd) {
        assert.match(first, /^\/\/ Needs: /, `${where} uses ${uses.join(", ")}`);
        assert.match(body, /\bneed\(\{/, `${where}: a need() guard`);
      }
      for (const m of cell.text.matchAll(/need\(\{([^}]*)\}\)/g)) {
        for (const key of m[1].matchAll(/"([^"]+)":/g)) {
          assert.ok(
            headings.some((h) => h.startsWith(key[1])),
            `${where}: "${key[1]}" is a heading`,
          );
        }
      }
      if (k > 0) { for (const d of declaredNames(cell.text)) declared.add(d); }
    }
    if (name !== "02_exploring_pull_tests.ipynb") {
      // A notebook with a client ends with its clean-up cell, which says it is the end.
      assert.ok(hasEnd, `${name}: the last cell is the clean-up, starting "// The end:"`);
      assert.match(last.text, /^\/\/ The end: run this when you are done/);
      const before = cells[last.i - 1];
      assert.match(before.text, /^## The end: .*\(run this when you are done\)/);
      assert.match(last.text, /client\.close\(\)/);
    }
  }
});

Deno.test({
  name: "notebooks out of order and after their clean-up: one line each, no folder left",
  ignore: !KERNEL,
  async fn() {
    // Inside the project, so that the kernel finds deno.json (the imports' map) from its folder.
    const dir = await Deno.makeTempDir({
      dir: new URL("tests/notebooks/", ROOT).pathname,
      prefix: ".tmp-order-",
    });
    const tmp = await Deno.makeTempDir({ prefix: "itkpd-notebooks-tmpdir-" });
    try {
      const cellsOf = async (name: string) =>
        (await readNotebook(new URL(`notebooks/${name}`, ROOT))).cells
          .filter((c) => c.cell_type === "code")
          .map((c) =>
            joined(c.source).replace(/"\.\.\/([^"]+)"/g, (_, rel) => `"${new URL(rel, ROOT).href}"`)
          );
      const [one, two] = [await cellsOf(NOTEBOOKS[0]), await cellsOf(NOTEBOOKS[1])];
      const sources = [
        two[0], // the imports of notebook 2
        two[3], // “One line per module” before “Read every file”: too early
        two[1], // the data cell…
        two[1], // …run again
        one[0], // notebook 1: imports, set-up, the clean-up at the end…
        one[1],
        one[one.length - 1],
        one[2], // …then a cell that asks ITkPD
      ];
      const nb = {
        nbformat: 4,
        nbformat_minor: 5,
        metadata: { kernelspec: { name: "deno", display_name: "Deno", language: "typescript" } },
        cells: sources.map((source, i) => ({
          id: `c${i}`,
          cell_type: "code",
          metadata: {},
          execution_count: null,
          outputs: [],
          source,
        })),
      };
      await Deno.writeTextFile(`${dir}/order.notebook`, JSON.stringify(nb));
      const run = await new Deno.Command(PYTHON, {
        args: [
          new URL("scripts/_notebook_runner.py", ROOT).pathname,
          "--out",
          `${dir}/out`,
          "--allow-errors",
          "--timeout",
          "180",
          `${dir}/order.notebook`,
        ],
        env: { TMPDIR: tmp, ...JUPYTER_ENV },
        stdout: "piped",
        stderr: "piped",
      }).output();
      assert.equal(run.code, 0, new TextDecoder().decode(run.stderr));
      const executed = await readNotebook(`${dir}/out/order.notebook`);
      const errors = executed.cells.map((c) =>
        c.outputs?.find((o) => o.output_type === "error") as
          | (Output & { traceback?: string[] })
          | undefined
      );
      assert.deepEqual(errors.map((e) => e?.ename), [
        undefined,
        "CellOrderError",
        undefined,
        undefined,
        undefined,
        undefined,
        undefined,
        "NetworkError",
      ], JSON.stringify(errors, null, 1));
      const early = errors[1]!;
      assert.match(early.evalue!, /needs modules from the cell under “Read every file”/);
      assert.deepEqual(early.traceback, [`CellOrderError: ${early.evalue}`]);
      const closed = errors[7]!;
      assert.match(closed.evalue!, /client is closed .*run the set-up cell again/);
      assert.deepEqual(closed.traceback, [`NetworkError: ${closed.evalue}`], "no stack via ky");
      // The data cell ran twice and left no temporary folder behind.
      assert.match(joined(executed.cells[3].outputs?.[0]?.text), /^40 DAGE files read/);
      assert.deepEqual([...Deno.readDirSync(tmp)].map((e) => e.name), []);
    } finally {
      await Deno.remove(dir, { recursive: true });
      await Deno.remove(tmp, { recursive: true });
    }
  },
});
