/** `deno task batch-upload` as a user runs it: plan, plot, the command-line contract. */
import assert from "node:assert/strict";
import { join } from "node:path";
import { startSandbox } from "../../lib/sandbox/mod.ts";
import { writeDageFixtures } from "../../lib/fixtures/mod.ts";
import { runTask, withoutFlag } from "../_helpers/task.ts";
import { assertOneLine } from "../_helpers/assertions.ts";

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
      const report = JSON.parse(await Deno.readTextFile(join(dir, "data", ".itkpd-report.json")));
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
      assert.match(r.stderr, /--journal needs a file path/);
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
