/**
 * Exactly once across processes, with only the server as the meeting point: several
 * `deno task batch-upload` processes on one folder at once (separate journals), a server that
 * stores writes after their answer was lost, a batch killed before it reconciled. Every case
 * ends with exactly one ready run per input, none missing.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { batchUpload, Journal, type ReconcileReport } from "../../lib/batch/mod.ts";
import { demoSerial } from "../../lib/fixtures/mod.ts";
import { batchWorld, exactlyOneEach, runStates, startBatch } from "./_helpers.ts";

const serials = (n: number) => Array.from({ length: n }, (_, i) => demoSerial(i + 1));

for (const writers of [2, 3]) {
  Deno.test(`batch: ${writers} batches on one folder at once, under faults: 0 duplicates, 0 missing`, async () => {
    const modules = 300;
    const w = await batchWorld(modules, {
      latencyMs: 5,
      failRate: 0.05,
      dropRate: 0.03,
      seed: 40 + writers,
    });
    const outside = await Deno.makeTempDir({ prefix: "itkpd-writers-" });
    try {
      const batches = Array.from({ length: writers }, (_, i) =>
        startBatch(w.sandbox.env(), w.dir, [
          "--journal",
          join(outside, `journal-${i}.sqlite`),
          "--report",
          join(outside, `report-${i}.json`),
          "--settle",
          "0.5",
          // Runs are what this race is about; the attachments of two writers racing on the same
          // runs are a documented limit (README, Attachments) with tests of their own.
          "--no-attach",
        ]));
      // Each batch is held once it has planned, until all have: their uploads then overlap,
      // file for file, as two people starting the same folder at once.
      await Promise.all(batches.map(async (b) => {
        await b.stdout.line(/^plan: /);
        b.child.kill("SIGSTOP");
      }));
      for (const b of batches) b.child.kill("SIGCONT");
      const statuses = await Promise.all(batches.map((b) => b.status));
      const outs = await Promise.all(
        batches.map(async (b) => (await b.stdout.done) + (await b.stderr.done)),
      );
      statuses.forEach((s, i) => assert.equal(s.code, 0, outs[i]));

      const { ready, deleted } = await runStates(w.client);
      assert.deepEqual(exactlyOneEach(ready, serials(modules)), [], "one ready run per input");
      for (const out of outs) assert.match(out, /^reconciled: \d+ run identities checked/m);
      // The batches did race (the same runs sent by several): the extra runs were deleted.
      const reports = await Promise.all(
        batches.map(async (_, i) =>
          JSON.parse(await Deno.readTextFile(join(outside, `report-${i}.json`)))
        ),
      );
      const claimed = reports.reduce(
        (n, r) => n + (r.reconciliation as ReconcileReport).deleted,
        0,
      );
      assert.ok(deleted > 0, "the batches raced: some runs were made twice, then reconciled");
      assert.ok(claimed >= deleted, `reported deletions ${claimed} cover the ${deleted} deleted`);
      // Every input is accounted for in every report: created or skipped.
      for (const r of reports) {
        assert.equal(r.counts.created + r.counts.skipped, modules, JSON.stringify(r.counts));
      }
    } finally {
      await w.close();
      await Deno.remove(outside, { recursive: true });
    }
  });
}

Deno.test("batch: a server storing writes after their answer was lost, still one run each", async () => {
  const modules = 120;
  const w = await batchWorld(modules, { slowCommitRate: 0.2, slowCommitMs: 200, seed: 9 });
  try {
    const lines: string[] = [];
    const { report } = await batchUpload(w.client, {
      dir: w.dir,
      institution: "SANDBOX_A",
      // The server's late commits land within 200 ms; the batch gives them 1 s.
      settleMs: 1000,
      log: (l) => lines.push(l),
    });
    // Every write the sandbox held has landed (its own event, not a guess of time).
    await w.sandbox.settled();
    assert.ok(w.sandbox.stats().slowCommits > 0, "writes were stored late");
    const { ready, deleted } = await runStates(w.client);
    assert.deepEqual(exactlyOneEach(ready, serials(modules)), []);
    const rec = report!.reconciliation as ReconcileReport;
    assert.ok(rec.deleted > 0, "late commits made extra runs, which were deleted");
    assert.equal(rec.deleted, deleted);
    assert.equal(rec.leftAlone, 0);
    assert.equal(report!.counts.created + report!.counts.skipped, modules);
    assert.ok(lines.some((l) => /waiting .* for late commits/.test(l)), lines.join("\n"));
    assert.match(
      lines.join("\n"),
      /reconciled: \d+ run identities checked on the server; \d+ had more/,
    );
  } finally {
    await w.close();
  }
});

Deno.test("batch: killed before it reconciled, the next run of the same command does it", async () => {
  const modules = 40;
  const w = await batchWorld(modules, { slowCommitRate: 0.3, slowCommitMs: 600_000, seed: 12 });
  try {
    // The first run uploads, then waits for its lost answers' late commits: killed right there.
    const first = startBatch(w.sandbox.env(), w.dir, ["--settle", "600"]);
    await first.stdout.line(/^reconciling: waiting/);
    first.child.kill("SIGKILL");
    assert.equal((await first.status).signal, "SIGKILL");
    // The late commits land now: each made a second run of its identity.
    assert.ok(w.sandbox.commitHeld() > 0);
    w.sandbox.setFaults({ slowCommitRate: 0 });
    const twice = (await runStates(w.client)).ready;
    assert.ok([...twice.values()].some((ids) => ids.length > 1), "duplicates before");

    const again = startBatch(w.sandbox.env(), w.dir, ["--settle", "0"]);
    const out = await again.stdout.done;
    assert.equal((await again.status).code, 0, out + (await again.stderr.done));
    // Its plan shows the duplicates it found, then the reconciliation removes them.
    assert.match(
      out,
      /^ {2}note: \d+ run identit(y has|ies have) more than one run on the server/m,
    );
    assert.match(out, /reconciled: \d+ run identities checked on the server; [1-9]\d* had more/);
    const { ready } = await runStates(w.client);
    assert.deepEqual(exactlyOneEach(ready, serials(modules)), []);
  } finally {
    await w.close();
  }
});

Deno.test("batch: every answer lost, every write stored late — the reconciliation settles it", async () => {
  const modules = 3;
  const w = await batchWorld(modules, { slowCommitRate: 1, slowCommitMs: 600_000, seed: 2 });
  try {
    const { report } = await batchUpload(w.client, {
      dir: w.dir,
      institution: "SANDBOX_A",
      concurrency: 1,
      settleMs: 500,
      // While the batch waits for late commits, they land (all of them); the deletes of the
      // reconciliation are then answered.
      log: (line) => {
        if (!line.startsWith("reconciling: waiting")) return;
        w.sandbox.commitHeld();
        w.sandbox.setFaults({ slowCommitRate: 0 });
      },
    });
    await w.sandbox.settled();
    // Each item was sent 4 times, every answer lost; the 4 runs landed later: one is kept.
    assert.equal(w.sandbox.stats().slowCommits, 4 * modules);
    assert.deepEqual(report!.counts, { created: modules, skipped: 0, failed: 0, invalid: 0 });
    const { ready, deleted } = await runStates(w.client);
    assert.deepEqual(exactlyOneEach(ready, serials(modules)), []);
    assert.equal(deleted, 3 * modules);
    for (const item of report!.items) {
      assert.equal(item.testRunId, ready.get(item.component!)![0]);
      assert.equal(item.error, undefined);
    }
    const journal = Journal.open(join(w.dir, ".itkpd-journal.sqlite"));
    try {
      assert.deepEqual(journal.counts().created, modules, "the journal says created too");
    } finally {
      journal.close();
    }
  } finally {
    await w.close();
  }
});
