/**
 * `deno task batch-upload` killed with SIGKILL at random points, then run again: every module
 * ends with exactly one run per input, nothing duplicated, nothing missing.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { batchUpload, Journal } from "../../lib/batch/mod.ts";
import { demoSerial } from "../../lib/fixtures/mod.ts";
import { seededRandom } from "../../lib/fixtures/_prng.ts";
import type { ProgressReporter } from "../../lib/progress/reporter.ts";
import { batchCommand, batchWorld, exactlyOneEach, runsPerComponent } from "./_helpers.ts";

Deno.test("batch-upload: SIGKILL at random points, then resume → exactly once", async () => {
  const modules = 200;
  const w = await batchWorld(modules, { latencyMs: 15, dropRate: 0.02, seed: 5 });
  const random = seededRandom(20261125).next;
  const uploads = () => w.sandbox.stats().byCommand["uploadTestRunResults"] ?? 0;
  try {
    for (let round = 0; round < 4; round++) {
      const before = uploads();
      // Kill once the batch has sent a random number more uploads (the first round: early).
      const target = before + Math.floor(random() * 40) + (round === 0 ? 0 : 5);
      const child = batchCommand(w.sandbox.env(), w.dir).spawn();
      const deadline = Date.now() + 30_000;
      while (uploads() < target && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 2));
      }
      child.kill("SIGKILL");
      const status = await child.output();
      assert.equal(status.signal, "SIGKILL", `round ${round} was killed mid-way`);
    }
    assert.ok(uploads() > 0 && uploads() < modules, `killed part-way (${uploads()} sent)`);
    const final = await batchCommand(w.sandbox.env(), w.dir).output();
    const out = new TextDecoder().decode(final.stdout);
    assert.equal(final.code, 0, out + new TextDecoder().decode(final.stderr));
    assert.match(out, /summary: \d+ created, \d+ skipped .*0 failed, 0 invalid/);
    const serials = Array.from({ length: modules }, (_, i) => demoSerial(i + 1));
    assert.deepEqual(exactlyOneEach(await runsPerComponent(w.client), serials), []);
    const again = await batchCommand(w.sandbox.env(), w.dir).output();
    assert.match(
      new TextDecoder().decode(again.stdout),
      new RegExp(`summary: 0 created, ${modules} skipped`),
    );
  } finally {
    await w.close();
  }
});

Deno.test("batch-upload: two runs of the same command at once, no duplicates", async () => {
  const modules = 60;
  const w = await batchWorld(modules, { latencyMs: 10 });
  try {
    const [a, b] = await Promise.all([
      batchCommand(w.sandbox.env(), w.dir).output(),
      batchCommand(w.sandbox.env(), w.dir).output(),
    ]);
    const outs = [a, b].map((o) =>
      new TextDecoder().decode(o.stdout) + new TextDecoder().decode(o.stderr)
    );
    // One of them ran; the other stopped at once, saying why.
    assert.deepEqual([a.code, b.code].sort(), [0, 1], outs.join("\n----\n"));
    assert.match(outs.join("\n"), /another batch is running with this journal/);
    const serials = Array.from({ length: modules }, (_, i) => demoSerial(i + 1));
    assert.deepEqual(exactlyOneEach(await runsPerComponent(w.client), serials), []);
  } finally {
    await w.close();
  }
});

Deno.test("batch-upload: killed with an item left `sending` and its run stored → re-run makes no second run", async () => {
  const modules = 3;
  const ref: { child?: Deno.ChildProcess } = {};
  const w = await batchWorld(modules, {
    slowCommitRate: 1,
    slowCommitMs: 600_000,
    // The first write reaches the server, which holds it (its answer will be lost): the batch
    // is killed at that very moment, so the journal says `sending` for that item.
    onSlowCommit: () => ref.child?.kill("SIGKILL"),
  });
  const uploads = () => w.sandbox.stats().byCommand["uploadTestRunResults"] ?? 0;
  try {
    ref.child = batchCommand(w.sandbox.env(), w.dir, ["--concurrency", "1"]).spawn();
    const killed = await ref.child.output();
    assert.equal(killed.signal, "SIGKILL");
    assert.equal(uploads(), 1);
    const journal = Journal.open(join(w.dir, ".itkpd-journal.sqlite"));
    const sending = journal.all().filter((e) => e.state === "sending");
    journal.close();
    assert.equal(sending.length, 1, "one item left `sending`");
    const serial = sending[0].key.split("|")[0];
    w.sandbox.setFaults({ slowCommitRate: 0 });

    // The same command again. Its plan does not see the run yet; the run is stored right after
    // the plan (the held write lands as the uploads start), before the item's turn comes.
    const land: ProgressReporter = {
      start: () => void w.sandbox.commitHeld(),
      update() {},
      finish() {},
    };
    const before = uploads();
    const { plan, report } = await batchUpload(w.client, {
      dir: w.dir,
      institution: "SANDBOX_A",
      progress: land,
      settleMs: 0,
    });
    assert.ok(plan.toCreate.some((i) => i.key === sending[0].key), "the plan did not see it");
    assert.equal(uploads() - before, modules - 1, "the stored one was not sent again");
    const item = report!.items.find((i) => i.key === sending[0].key)!;
    assert.equal(item.status, "skipped");
    // Exactly one run of it on the server, in any state (none made and deleted again).
    const all = await w.client.listTestRunsByComponent({
      filterMap: { code: serial, state: ["ready", "deleted"] },
    });
    assert.equal(all.length, 1);
    assert.deepEqual(exactlyOneEach(await runsPerComponent(w.client), serialsOf(modules)), []);
  } finally {
    await w.close();
  }
});

function serialsOf(n: number): string[] {
  return Array.from({ length: n }, (_, i) => demoSerial(i + 1));
}
