/** `deno task batch-upload` as a user runs it: plan, plot, the command-line contract. */
import assert from "node:assert/strict";
import { join } from "node:path";
import { startSandbox } from "../../lib/sandbox/mod.ts";
import { demoSerial, writeDageFixtures } from "../../lib/fixtures/mod.ts";
import { parseDage } from "../../lib/parsers/dage.ts";
import { DEFAULT_BREAK_MODE_MAPPING, wirebondPullTest } from "../../lib/analysis/mod.ts";
import { startBatch } from "../batch/_helpers.ts";
import { runTask, withoutFlag } from "../_helpers/task.ts";
import { assertOneLine } from "../_helpers/assertions.ts";
import { pdfFacts, pngSize } from "../_helpers/plot_files.ts";
import { rawControls } from "../_helpers/control_chars.ts";

/** The report path a batch printed (`report: PATH`). */
function reportOf(stdout: string): string {
  const m = /^report: (.+)$/m.exec(stdout);
  assert.ok(m, `no report line in:\n${stdout}`);
  return m[1];
}

Deno.test("batch-upload script", async (t) => {
  const sandbox = await startSandbox({ port: 0, demoModules: 6 });
  const dir = await Deno.makeTempDir({ prefix: "itkpd-batch-script-" });
  const env = sandbox.env();
  const run = (args: string[], editArgs?: (a: string[]) => string[]) =>
    runTask("batch-upload", args, { env, cwd: dir, editArgs });
  try {
    await writeDageFixtures(join(dir, "data"), { modules: 6, seed: 3 });

    await t.step("--dry-run --plot: the plan and the module plot, nothing sent", async () => {
      const r = await run([
        "--dir",
        "data",
        "--institution",
        "SANDBOX_A",
        "--dry-run",
        "--plot",
        "modules.svg",
      ]);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /plan: 6 to create, 0 already present, 0 invalid/);
      assert.match(r.stdout, /plot: .*modules\.svg/);
      const svg = await Deno.readTextFile(join(dir, "modules.svg"));
      assert.match(svg, /^<svg/);
      assert.match(svg, /20UPGM20000006/);
      assert.equal(sandbox.stats().byCommand["uploadTestRunResults"] ?? 0, 0);
    });

    await t.step("the upload, then again: nothing twice; exit 0", async () => {
      const first = await run(["--dir", "data", "--institution", "SANDBOX_A", "--quiet"]);
      assert.equal(first.code, 0, first.stderr);
      assert.match(first.stdout, /summary: 6 created, 0 skipped/);
      const again = await run(["--dir", "data", "--institution", "SANDBOX_A", "--quiet"]);
      assert.match(again.stdout, /summary: 0 created, 6 skipped/);
      const report = JSON.parse(await Deno.readTextFile(reportOf(again.stdout)));
      assert.equal(report.items.length, 6);
    });

    await t.step("mistakes: one line each", async () => {
      assertOneLine(await run([]), 2);
      assertOneLine(await run(["--dir", "data", "--concurrency", "0"]), 2);
      assertOneLine(await run(["--dir", "nowhere", "--institution", "SANDBOX_A"]), 1);
      const folder = await run(["--dir", "data", "--institution", "SANDBOX_A", "--report", "data"]);
      assertOneLine(folder, 1);
      assert.match(folder.stderr, /is a folder; --report needs a file path/);
      const perm = await run(["--dir", "data"], withoutFlag("--allow-read"));
      assertOneLine(perm, 3);
      assert.match(perm.stderr, /permission missing: Requires read access/);
    });

    await t.step('--journal "": a usage error, no stray .lock anywhere', async () => {
      const root = new URL("../../", import.meta.url).pathname;
      const r = await run(["--dir", "data", "--institution", "SANDBOX_A", "--journal", ""]);
      assertOneLine(r, 2);
      assert.match(r.stderr, /--journal needs a value \(FILE\), got an empty one/);
      for (const where of [dir, join(dir, "data"), root]) {
        await assert.rejects(Deno.stat(join(where, ".lock")), Deno.errors.NotFound, where);
      }
      assertOneLine(await run(["--dir", "data", "--timeout", "soon"]), 2);
      assertOneLine(await run(["--dir", "data", "--settle", "-1"]), 2);
    });

    await t.step("--help", async () => {
      const r = await run(["--help"]);
      assert.equal(r.code, 0);
      assert.match(r.stdout, /^Usage: deno task batch-upload --dir DIR/);
    });
  } finally {
    await sandbox.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("batch-upload: --plot as PNG or PDF", async () => {
  const sandbox = await startSandbox({ port: 0, demoModules: 4 });
  const dir = await Deno.makeTempDir({ prefix: "itkpd-batch-plots-" });
  try {
    await writeDageFixtures(join(dir, "data"), { modules: 4, seed: 5 });
    for (const name of ["modules.png", "modules.pdf"]) {
      const r = await runTask("batch-upload", [
        "--dir",
        "data",
        "--institution",
        "SANDBOX_A",
        "--dry-run",
        "--plot",
        name,
      ], { env: sandbox.env(), cwd: dir });
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, new RegExp(`plot: .*${name.replace(".", "\\.")}`));
    }
    const png = pngSize(await Deno.readFile(join(dir, "modules.png")));
    assert.ok(png.width >= 600 && png.height >= 400, `${png.width}×${png.height}`);
    const pdf = await pdfFacts(await Deno.readFile(join(dir, "modules.pdf")));
    assert.match(pdf.title, /^Pull strength of 4 modules/);
    const served = sandbox.stats().requests;
    const bad = await runTask("batch-upload", [
      "--dir",
      "data",
      "--institution",
      "SANDBOX_A",
      "--dry-run",
      "--plot",
      "modules.txt",
    ], { env: sandbox.env(), cwd: dir });
    assertOneLine(bad, 2);
    assert.equal(sandbox.stats().requests, served, "a bad --plot stops before any request");
  } finally {
    await sandbox.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("batch-upload: one bad input never stops the rest, whatever it holds", async (t) => {
  const sandbox = await startSandbox({ port: 0, demoModules: 4 });
  const dir = await Deno.makeTempDir({ prefix: "itkpd-batch-bad-" });
  const env = sandbox.env();
  const run = (args: string[]) =>
    runTask("batch-upload", args, { env, cwd: dir, timeoutMs: 600_000 });
  try {
    const data = join(dir, "data");
    await writeDageFixtures(data, { modules: 4, seed: 5 });
    const reference = await Deno.readTextFile(
      new URL("../../fixtures/reference/sample_wirebond_data.csv", import.meta.url),
    );
    // 210 MB of DAGE data (a real file, written in blocks).
    const big = await Deno.open(join(data, "big.csv"), { write: true, create: true });
    const block = new TextEncoder().encode(reference.repeat(64));
    for (let written = 0; written < 210 * 1024 * 1024; written += block.length) {
      await big.write(block);
    }
    big.close();
    // Just under the size limit, 500,000 tiny TEST lines: beyond the TEST-line limit.
    await Deno.writeTextFile(
      join(data, "tiny.csv"),
      '"LOADUNIT","g"\n' +
        Array.from({ length: 500_000 }, (_, i) => `"TEST",${i + 1},"1",9,0,"0","a"`).join("\n"),
    );
    // Three files of 100,000 tiny header blocks each (the most memory per byte a DAGE file can
    // take): prepared one after the other, never together.
    for (const name of ["blocks1.csv", "blocks2.csv", "blocks3.csv"]) {
      await Deno.writeTextFile(
        join(data, name),
        Array.from(
          { length: 100_000 },
          (_, i) => {
            const clock = [i / 3600 % 24, i / 60 % 60, i % 60].map((x) =>
              String(Math.floor(x)).padStart(2, "0")
            ).join(":");
            return `"TIME","${clock}"\n"LOADUNIT","g"\n"TEST",${i + 1},"1",9,0,"0","a"`;
          },
        ).join("\n"),
      );
    }
    await Deno.writeTextFile(
      join(data, "deep.json"),
      '{"results": ' + "[".repeat(10_000) + "]".repeat(10_000) + "}",
    );
    await Deno.writeFile(join(data, "binary.csv"), new Uint8Array([0xff, 0xfe, 0x00, 0xd8, 0x41]));

    await t.step(
      "the good files are uploaded within the task's heap limit; each bad one is one item",
      async () => {
        const r = await run(["--dir", "data", "--institution", "SANDBOX_A", "--quiet"]);
        assert.equal(r.code, 1, r.stderr); // invalid items: exit 1, not a crash
        assert.doesNotMatch(r.stderr, /out of memory|Maximum call stack|internal error|\n\s+at /);
        assert.match(r.stdout, /plan: 4 to create, 0 already present, 7 invalid/);
        // The same problem of three files: one line.
        assert.match(
          r.stdout,
          /^ {2}invalid: 3 files: no component: .*: blocks1\.csv, blocks2\.csv, blocks3\.csv$/m,
        );
        assert.match(
          r.stdout,
          /invalid: big\.csv: cannot read the file \(it is 21\d(\.\d)? MiB, above the limit of 16 MiB/,
        );
        assert.match(r.stdout, /invalid: tiny\.csv:100002: more than 100,000 TEST lines/);
        assert.match(
          r.stdout,
          /invalid: deep\.json:1: not valid JSON .*nested deeper than 64 levels/,
        );
        assert.match(
          r.stdout,
          /invalid: binary\.csv: the file is UTF-16LE \(byte-order mark\) but has an odd number/,
        );
        assert.match(
          r.stdout,
          /summary: 4 created, 0 skipped \(already present\), 0 failed, 7 invalid/,
        );
      },
    );
  } finally {
    await sandbox.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("batch-upload: crafted names and links", async (t) => {
  const sandbox = await startSandbox({ port: 0, demoModules: 3 });
  const dir = await Deno.makeTempDir({ prefix: "itkpd-batch-crafted-" });
  const elsewhere = await Deno.makeTempDir({ prefix: "itkpd-batch-elsewhere-" });
  const env = sandbox.env();
  const run = (args: string[]) => runTask("batch-upload", args, { env, cwd: dir });
  try {
    await writeDageFixtures(elsewhere, { modules: 3, seed: 9 });
    const data = join(dir, "data");
    await Deno.mkdir(data);
    // Three CSVs behind links (two to files, one to a folder), and a loop.
    const names = [...Deno.readDirSync(elsewhere)].map((e) => e.name).filter((n) =>
      n.endsWith(".csv")
    ).sort();
    await Deno.symlink(join(elsewhere, names[0]), join(data, names[0]));
    await Deno.symlink(join(elsewhere, names[1]), join(data, names[1]));
    await Deno.mkdir(join(elsewhere, "third"));
    await Deno.rename(join(elsewhere, names[2]), join(elsewhere, "third", names[2]));
    await Deno.symlink(join(elsewhere, "third"), join(data, "third"));
    await Deno.symlink(data, join(data, "loop"));
    // A crafted file name and content.
    const crafted = "x\nplan: 99 to create, 0 already present, 0 invalid\x1b]0;pwned\x07\u202e.csv";
    await Deno.writeTextFile(
      join(data, crafted),
      '"OPERATOR","\x1b[2J"\n"LOADUNIT","g"\n"TEST",1,"1",9,0,"0","a\x9b"\n',
    );

    await t.step(
      "links are followed (loops skipped, and said); nothing raw on the terminal",
      async () => {
        const r = await run(["--dir", "data", "--institution", "SANDBOX_A", "--quiet"]);
        assert.match(r.stdout, /^found 4 input file\(s\) under \S+\/data$/m);
        assert.match(r.stdout, /^skipped: loop: a link to a folder already walked/m);
        assert.match(r.stdout, /plan: 3 to create, 0 already present, 1 invalid/);
        assert.match(r.stdout, /summary: 3 created/);
        assert.deepEqual(rawControls(r.stdout + r.stderr), [], JSON.stringify(r.stdout + r.stderr));
        assert.equal((r.stdout.match(/^plan: /gm) ?? []).length, 1, r.stdout);
        assert.match(
          r.stdout,
          /invalid: x\\nplan: 99 to create, 0 already present, 0 invalid\\x1b\]0;pwned\\x07\\u202e\.csv:1: OPERATOR contains ESC/,
        );
      },
    );
  } finally {
    await sandbox.close();
    await Deno.remove(dir, { recursive: true });
    await Deno.remove(elsewhere, { recursive: true });
  }
});

/** The first line of `text` matching `re` (its groups), or a failed assertion. */
function lineOf(text: string, re: RegExp): RegExpExecArray {
  const m = re.exec(text);
  assert.ok(m, `no line ${re} in:\n${text}`);
  return m;
}

/** Module 1's file with its first pull's load set to `load` (a known minimum). */
async function setFirstLoad(path: string, load: number): Promise<void> {
  const text = await Deno.readTextFile(path);
  const changed = text.replace(/^("TEST",\d+,"[^"]*",)[^,]+,/m, `$1${load},`);
  assert.notEqual(changed, text);
  await Deno.writeTextFile(path, changed);
}

/** The QC verdict of a DAGE file by the analysis itself: the oracle of the report's fields. */
async function verdictOf(path: string) {
  const parsed = parseDage(await Deno.readTextFile(path), path);
  const { testRun, failedCuts } = wirebondPullTest(parsed, DEFAULT_BREAK_MODE_MAPPING);
  return {
    passed: testRun.passed,
    cuts: failedCuts.map((c) => ({ cut: c.code, value: c.value, limit: c.limit ?? null })),
  };
}

Deno.test("batch-upload: which modules fail QC, grouped problems, one report per run", async (t) => {
  // 12 modules in ITkPD, files for 15: three are not registered.
  const sandbox = await startSandbox({ port: 0, demoModules: 12 });
  const dir = await Deno.makeTempDir({ prefix: "itkpd-batch-qc-" });
  const env = sandbox.env();
  const run = (args: string[]) => runTask("batch-upload", args, { env, cwd: dir });
  const data = join(dir, "data");
  try {
    await writeDageFixtures(data, { modules: 15, seed: 2026 });
    await setFirstLoad(join(data, `${demoSerial(1)}.csv`), 2.61);
    let registerFile = "";
    let dryReport = "";

    await t.step(
      "--dry-run: report of planned items with passed/failedCuts, the table",
      async () => {
        const r = await run(["--dir", "data", "--institution", "SANDBOX_A", "--dry-run"]);
        assert.equal(r.code, 1, r.stderr); // three files are invalid
        assert.match(r.stdout, /plan: 12 to create, 0 already present, 3 invalid/);
        dryReport = lineOf(r.stdout, /^dry run: nothing sent; report: (.+)$/m)[1];
        assert.match(dryReport, /\/data\/batch-report-\d{4}-\d\d-\d\dT\d\d-\d\d-\d\dZ\.json$/);
        const report = JSON.parse(await Deno.readTextFile(dryReport));
        assert.equal(report.dryRun, true);
        assert.equal(report.counts.planned, 12);
        const planned = report.items.filter((i: { status: string }) => i.status === "planned");
        assert.equal(planned.length, 12);
        const failing: string[] = [];
        for (const item of planned) {
          const want = await verdictOf(join(data, item.file));
          assert.equal(item.passed, want.passed, item.file);
          if (want.passed) assert.equal(item.failedCuts, undefined, item.file);
          else {
            assert.deepEqual(item.failedCuts, want.cuts, item.file);
            failing.push(item.component);
          }
        }
        const one = planned.find((i: { component: string }) => i.component === demoSerial(1));
        assert.deepEqual(one.failedCuts, [{ cut: "PULL_STRENGTH_MIN", value: 2.61, limit: 4 }]);
        assert.ok(failing.length >= 2, `failing: ${failing}`);
        // The table: one row per failing module, with its cuts; it ends the output.
        const table = r.stdout.slice(r.stdout.indexOf("QC: ")).trimEnd().split("\n");
        assert.equal(
          table[0],
          `QC: ${failing.length} of 12 modules fail: module, file, failed cuts (value and limit)`,
        );
        assert.deepEqual(table.slice(1).map((l) => l.trim().split(/\s+/)[0]), failing.sort());
        assert.match(
          r.stdout,
          /20UPGM20000001\s+20UPGM20000001\.csv\s+PULL_STRENGTH_MIN 2\.61 \(limit 4\)/,
        );
      },
    );

    await t.step(
      "not registered: one line for all, and a file register-component reads",
      async () => {
        const r = await run(["--dir", "data", "--institution", "SANDBOX_A", "--dry-run"]);
        const m = lineOf(
          r.stdout,
          /^ {2}not registered: 3 modules are not registered in ITkPD: 20UPGM20000013, 20UPGM20000014, 20UPGM20000015 \(register them first: fill in the fields left null \(properties\.ORIENTATION, properties\.FECHIP_VERSION\) in (\S+), then `itkpd register-component --from (\S+)`\)$/m,
        );
        assert.equal(m[1], m[2]);
        registerFile = m[1];
        assert.equal(r.stdout.split("20UPGM20000014").length - 1, 1, "said once, not per file");
        const drafts = JSON.parse(await Deno.readTextFile(registerFile));
        assert.deepEqual(drafts.map((d: { serialNumber: string }) => d.serialNumber), [
          demoSerial(13),
          demoSerial(14),
          demoSerial(15),
        ]);
        assert.deepEqual(drafts[0], {
          institution: "SANDBOX_A",
          project: "P",
          componentType: "MODULE",
          type: "OUTER_SYSTEM_QUAD_MODULE",
          subproject: "PG",
          serialNumber: demoSerial(13),
          properties: { ORIENTATION: null, FECHIP_VERSION: null },
        });
        // The one edit (the null fields), the one command.
        const filled = drafts.map((d: Record<string, unknown>) => ({
          ...d,
          properties: { ORIENTATION: true, FECHIP_VERSION: "2" },
        }));
        await Deno.writeTextFile(registerFile, JSON.stringify(filled, null, 2));
        const reg = await runTask("register-component", ["--from", registerFile, "--yes"], {
          env,
          cwd: dir,
        });
        assert.equal(reg.code, 0, reg.stdout + reg.stderr);
      },
    );

    let firstReport = "";
    await t.step("the upload: every module, its own report, where the journal is", async () => {
      const r = await run(["--dir", "data", "--institution", "SANDBOX_A", "--quiet"]);
      assert.equal(r.code, 0, r.stdout + r.stderr);
      assert.match(r.stdout, /plan: 15 to create, 0 already present, 0 invalid/);
      assert.match(r.stdout, /summary: 15 created, 0 skipped/);
      firstReport = reportOf(r.stdout);
      assert.notEqual(firstReport, dryReport);
      assert.match(r.stdout, new RegExp(`^journal: .*/data/\\.itkpd-journal\\.sqlite$`, "m"));
      const report = JSON.parse(await Deno.readTextFile(firstReport));
      for (const item of report.items) {
        assert.equal(item.status, "created");
        assert.equal(typeof item.passed, "boolean");
        assert.equal(item.passed, item.failedCuts === undefined);
      }
    });

    await t.step("again: nothing to upload, said in words; no report overwritten", async () => {
      const before = await Deno.readTextFile(firstReport);
      const r = await run(["--dir", "data", "--institution", "SANDBOX_A"]);
      assert.equal(r.code, 0, r.stdout + r.stderr);
      assert.match(r.stdout, /^nothing to upload: all 15 already in ITkPD$/m);
      assert.doesNotMatch(r.stdout + r.stderr, /0\/0/);
      const again = reportOf(r.stdout);
      assert.notEqual(again, firstReport);
      assert.equal(await Deno.readTextFile(firstReport), before);
      assert.equal(await Deno.readTextFile(dryReport).then((t) => JSON.parse(t).dryRun), true);
      const skipped = JSON.parse(await Deno.readTextFile(again)).items;
      assert.ok(
        skipped.every((i: { status: string; passed: boolean }) =>
          i.status === "skipped" && typeof i.passed === "boolean"
        ),
      );
      // --report still names one file, explicitly.
      const named = await run([
        "--dir",
        "data",
        "--institution",
        "SANDBOX_A",
        "--quiet",
        "--report",
        "mine.json",
      ]);
      assert.equal(reportOf(named.stdout), join(dir, "mine.json"));
    });
  } finally {
    await sandbox.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("batch-upload: mistakes of the command line are one usage line, exit 2", async (t) => {
  const sandbox = await startSandbox({ port: 0, demoModules: 4 });
  const dir = await Deno.makeTempDir({ prefix: "itkpd-batch-usage-" });
  const env = sandbox.env();
  const run = (args: string[]) => runTask("batch-upload", args, { env, cwd: dir });
  try {
    await writeDageFixtures(join(dir, "data"), { modules: 4, seed: 3 });
    const journal = join(dir, "data", ".itkpd-journal.sqlite");
    await t.step("no --institution, and neither files nor manifest give one", async () => {
      const r = await run(["--dir", "data"]);
      assertOneLine(r, 2);
      assert.match(
        r.stderr,
        /--institution is missing: none of the 4 input files gives one, nor does a manifest; give --institution CODE/,
      );
      await assert.rejects(Deno.stat(journal), Deno.errors.NotFound);
    });
    await t.step("an unknown institution, with did-you-mean", async () => {
      const r = await run(["--dir", "data", "--institution", "SANDBOX_8"]);
      assertOneLine(r, 2);
      assert.match(
        r.stderr,
        /--institution SANDBOX_8: not an institution of ITkPD \(did you mean SANDBOX_A\?\)/,
      );
      await assert.rejects(Deno.stat(journal), Deno.errors.NotFound);
    });
    await t.step("a --dir that is a file", async () => {
      const r = await run(["--dir", `data/${demoSerial(1)}.csv`, "--institution", "SANDBOX_A"]);
      assertOneLine(r, 2);
      assert.match(
        r.stderr,
        /a file, not a folder: --dir takes a folder \(give one file with --file\)/,
      );
    });
    await t.step("a manifest's unknown institution: one line for its files", async () => {
      await Deno.writeTextFile(
        join(dir, "manifest.csv"),
        "file,component,institution\n" +
          [1, 2, 3].map((i) => `data/${demoSerial(i)}.csv,${demoSerial(i)},SANDBOX_Z`).join("\n") +
          "\n",
      );
      const r = await run([
        "--dir",
        "data",
        "--institution",
        "SANDBOX_A",
        "--manifest",
        "manifest.csv",
        "--dry-run",
      ]);
      assert.equal(r.code, 1, r.stderr);
      assert.match(
        r.stdout,
        /^ {2}invalid: 3 files name the unknown institution "SANDBOX_Z" \(did you mean SANDBOX_A\?\): 20UPGM20000001\.csv, 20UPGM20000002\.csv, 20UPGM20000003\.csv \(fix the manifest or the files\)$/m,
      );
      assert.equal(r.stdout.split("SANDBOX_Z").length - 1, 1, "said once");
    });
  } finally {
    await sandbox.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("batch-upload: after Ctrl-C, files never sent are 'not sent', not failed", async () => {
  const modules = 40;
  let uploads = 0;
  let third!: () => void;
  const thirdSeen = new Promise<void>((resolve) => (third = resolve));
  const sandbox = await startSandbox({
    port: 0,
    demoModules: modules,
    latencyMs: 20,
    log: (line) => {
      if (/^POST \/api\/uploadTestRunResults 200/.test(line) && ++uploads === 3) third();
    },
  });
  const dir = await Deno.makeTempDir({ prefix: "itkpd-batch-sigint-" });
  try {
    await writeDageFixtures(dir, { modules, seed: 9 });
    const batch = startBatch(sandbox.env(), dir, ["--concurrency", "1"]);
    // Interrupted once the third upload was answered (or the test fails: never a hang).
    const first = await Promise.race([thirdSeen.then(() => "seen"), batch.status]);
    assert.equal(first, "seen", "the batch ended before its third upload");
    batch.child.kill("SIGINT");
    const status = await batch.status;
    const out = await batch.stdout.done;
    await batch.stderr.done;
    assert.equal(status.code, 1, out);
    const report = JSON.parse(await Deno.readTextFile(reportOf(out)));
    const c = report.counts;
    assert.equal(c.failed, 0, out);
    assert.ok(c.notSent > 0 && c.created + c.notSent === modules, JSON.stringify(c));
    const notSent = report.items.filter((i: { status: string }) => i.status === "not sent");
    assert.equal(notSent.length, c.notSent);
    assert.match(
      out,
      new RegExp(
        `summary: ${c.created} created, 0 skipped \\(already present\\), 0 failed, 0 invalid, ${c.notSent} not sent`,
      ),
    );
    assert.match(
      out,
      new RegExp(
        `not sent: ${c.notSent} file\\(s\\) never sent \\(interrupted before their turn\\); run the same command again to send them`,
      ),
    );
    assert.doesNotMatch(out, /failed: /);
    // The next run sends exactly those.
    const again = startBatch(sandbox.env(), dir);
    assert.equal((await again.status).code, 0);
    assert.match(
      await again.stdout.done,
      new RegExp(`summary: ${c.notSent} created, ${c.created} skipped`),
    );
    await again.stderr.done;
  } finally {
    await sandbox.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("batch-upload --plot: a whole batch's plot names its worst failing modules", async () => {
  const modules = 70; // beyond 60: one point per module, the worst named beside the plot
  const sandbox = await startSandbox({ port: 0, demoModules: modules });
  const dir = await Deno.makeTempDir({ prefix: "itkpd-batch-worst-" });
  try {
    await writeDageFixtures(join(dir, "data"), { modules, seed: 2026 });
    const r = await runTask("batch-upload", [
      "--dir",
      "data",
      "--institution",
      "SANDBOX_A",
      "--dry-run",
      "--plot",
      "modules.svg",
    ], { env: sandbox.env(), cwd: dir });
    assert.equal(r.code, 0, r.stderr);
    const rows = [];
    for (let i = 1; i <= modules; i++) {
      const path = join(dir, "data", `${demoSerial(i)}.csv`);
      const { testRun } = wirebondPullTest(
        parseDage(await Deno.readTextFile(path), path),
        DEFAULT_BREAK_MODE_MAPPING,
      );
      rows.push({ serial: demoSerial(i), passed: testRun.passed, ...testRun.results });
    }
    const worst = rows.filter((m) => !m.passed)
      .sort((a, b) =>
        a.PULL_STRENGTH_MIN - b.PULL_STRENGTH_MIN || a.PULL_STRENGTH - b.PULL_STRENGTH
      )
      .slice(0, 5);
    assert.equal(worst.length, 5);
    const svg = await Deno.readTextFile(join(dir, "modules.svg"));
    assert.match(svg, /The 5 worst/);
    for (const m of worst) assert.ok(svg.includes(m.serial), `${m.serial} named`);
    const passing = rows.find((m) => m.passed)!;
    assert.ok(!svg.includes(passing.serial), "a passing module is not named");
    // The same modules fail in the table.
    for (const m of worst) assert.match(r.stdout, new RegExp(`^ {2}${m.serial} `, "m"));
  } finally {
    await sandbox.close();
    await Deno.remove(dir, { recursive: true });
  }
});
