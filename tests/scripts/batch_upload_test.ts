/** `deno task batch-upload` as a user runs it: plan, plot, the command-line contract. */
import assert from "node:assert/strict";
import { join } from "node:path";
import { startSandbox } from "../../lib/sandbox/mod.ts";
import { writeDageFixtures } from "../../lib/fixtures/mod.ts";
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
    runTask("batch-upload", args, { env, cwd: dir, timeoutMs: 180_000 });
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
        assert.match(r.stdout, /invalid: blocks1\.csv: no component/);
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
