import assert from "node:assert/strict";
import { runTask, withoutFlag } from "../_helpers/task.ts";

Deno.test("deno task demo", async (t) => {
  await t.step("runs the main job end to end against the embedded sandbox", async () => {
    const r = await runTask("demo", ["--modules", "12", "--quiet"]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /registered a new module: 20UPGM29000001/);
    assert.match(r.stdout, /plan: 12 to create, 0 already present, 0 invalid/);
    assert.match(r.stdout, /summary: 12 created, 0 skipped/);
    assert.match(r.stdout, /plan: 0 to create, 12 already present/);
    assert.match(r.stdout, /second run created 0/);
    // Each run's report is its own: the first created 12, the second skipped them.
    const first = JSON.parse(await Deno.readTextFile("out/demo/report.json"));
    assert.equal(first.counts.created, 12);
    const second = JSON.parse(await Deno.readTextFile("out/demo/report-second-run.json"));
    assert.equal(second.counts.skipped, 12);
    for (const plot of ["out/demo/modules.svg", "out/demo/loads.svg"]) {
      const svg = await Deno.readTextFile(plot);
      assert.match(svg, /^<svg[\s\S]*<\/svg>\s*$/);
    }
  });
  await t.step("--help and bad flags", async () => {
    const help = await runTask("demo", ["--help"]);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /^Usage: deno task demo/);
    const bad = await runTask("demo", ["--modulez", "3"]);
    assert.equal(bad.code, 2);
    assert.equal(bad.stderr.trim().split("\n").length, 1, bad.stderr);
    assert.match(bad.stderr, /did you mean --modules/);
  });
  await t.step("without network permission: one clear line, exit 3", async () => {
    const r = await runTask("demo", ["--quiet"], { editArgs: withoutFlag("--allow-net") });
    assert.equal(r.code, 3, r.stderr);
    assert.equal(r.stderr.trim().split("\n").length, 1, r.stderr);
    assert.match(r.stderr, /permission missing: .*net/i);
  });
});
