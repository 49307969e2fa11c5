/**
 * The batch engine against the real sandbox over loopback: exactly once under faults, resume,
 * short-lived tokens, broken files, site down, all-or-nothing, manifests.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { batchUpload, Journal } from "../../lib/batch/mod.ts";
import { demoSerial, generateIv } from "../../lib/fixtures/mod.ts";
import { startSandbox } from "../../lib/sandbox/mod.ts";
import { ItkpdClient } from "../../lib/client/mod.ts";
import { NetworkError, UsageError } from "../../lib/errors.ts";
import type { ProgressCounts, ProgressReporter } from "../../lib/progress/reporter.ts";
import { batchWorld, exactlyOneEach, runsPerComponent } from "./_helpers.ts";

const serials = (n: number) => Array.from({ length: n }, (_, i) => demoSerial(i + 1));

Deno.test("batch: 500 modules under faults, every run created exactly once", async (t) => {
  const w = await batchWorld(500, { latencyMs: 20, failRate: 0.1, dropRate: 0.05, seed: 11 });
  try {
    // Under 10% errors and 5% dropped connections a request can fail on every attempt (about
    // 0.15^5 a request): such an item is reported failed, never created twice, and the next run
    // creates it. What must hold is exactly one run per module, whatever happened.
    let failedFirst = 0;
    await t.step(
      "first run creates every run once; what it could not is failed, not lost",
      async () => {
        const { plan, report } = await batchUpload(w.client, {
          dir: w.dir,
          institution: "SANDBOX_A",
          concurrency: 16,
        });
        assert.equal(plan.toCreate.length, 500);
        const failed = report!.items.filter((i) => i.status === "failed");
        failedFirst = failed.length;
        assert.ok(failedFirst <= 5, JSON.stringify(failed));
        for (const item of failed) {
          assert.match(item.errorType ?? "", /^(ServerError|NetworkError|OutcomeUnknownError)$/);
        }
        assert.deepEqual(report!.counts, {
          created: 500 - failedFirst,
          skipped: 0,
          failed: failedFirst,
          invalid: 0,
        });
        assert.ok(w.sandbox.stats().faults > 10, `faults injected: ${w.sandbox.stats().faults}`);
        const runs = await runsPerComponent(w.client);
        assert.deepEqual([...runs.values()].filter((ids) => ids.length > 1), []);
        const created = serials(500).filter((s) => !failed.some((f) => f.component === s));
        assert.deepEqual(created.filter((s) => runs.get(s)?.length !== 1), []);
      },
    );
    await t.step("a second run under the same faults creates nothing twice", async () => {
      const { report } = await batchUpload(w.client, { dir: w.dir, institution: "SANDBOX_A" });
      const c = report!.counts;
      assert.equal(c.created + c.skipped + c.failed, 500);
      assert.ok(c.created <= failedFirst, JSON.stringify(c));
      assert.ok(c.skipped >= 500 - failedFirst - 5, JSON.stringify(c));
      const runs = await runsPerComponent(w.client);
      assert.deepEqual([...runs.values()].filter((ids) => ids.length > 1), []);
    });
    await t.step("without faults, a third run completes every module, once", async () => {
      w.sandbox.setFaults({ failRate: 0, dropRate: 0 });
      const { report } = await batchUpload(w.client, { dir: w.dir, institution: "SANDBOX_A" });
      assert.equal(report!.counts.failed, 0);
      assert.equal(report!.counts.created + report!.counts.skipped, 500);
      assert.deepEqual(exactlyOneEach(await runsPerComponent(w.client), serials(500)), []);
    });
    let reportPath: string | undefined;
    await t.step("a lost journal still creates nothing", async () => {
      await Deno.remove(join(w.dir, ".itkpd-journal.sqlite"));
      const result = await batchUpload(w.client, { dir: w.dir, institution: "SANDBOX_A" });
      const { report } = result;
      reportPath = result.reportPath;
      assert.equal(report!.counts.created, 0);
      assert.equal(report!.counts.skipped, 500);
      assert.deepEqual(exactlyOneEach(await runsPerComponent(w.client), serials(500)), []);
    });
    await t.step("the report lists every item with its run id", async () => {
      const report = JSON.parse(await Deno.readTextFile(reportPath!));
      assert.equal(report.items.length, 500);
      for (const item of report.items) {
        assert.equal(item.status, "skipped");
        assert.match(item.existingId, /^[0-9a-f]{24}$/);
      }
    });
  } finally {
    await w.close();
  }
});

Deno.test("batch: tokens lasting 2 s during a long batch, no failed item", async () => {
  const w = await batchWorld(160, { latencyMs: 50, tokenTtlSeconds: 2 });
  try {
    const started = Date.now();
    const { report } = await batchUpload(w.client, {
      dir: w.dir,
      institution: "SANDBOX_A",
      concurrency: 2,
    });
    const seconds = (Date.now() - started) / 1000;
    assert.ok(seconds > 4, `the batch must outlast two tokens (took ${seconds} s)`);
    assert.deepEqual(report!.counts, { created: 160, skipped: 0, failed: 0, invalid: 0 });
    assert.ok(w.client.stats().grants >= 3, `grants: ${w.client.stats().grants}`);
  } finally {
    await w.close();
  }
});

Deno.test("batch: broken files are reported with file:line, good ones uploaded", async () => {
  const w = await batchWorld(24, { variations: true });
  try {
    await Deno.writeTextFile(join(w.dir, "20UPGM20000099.csv"), '"TESTER","x"\n');
    await Deno.writeTextFile(join(w.dir, "notes.json"), "{ not json");
    await Deno.writeTextFile(
      join(w.dir, "unknown_module.csv"),
      await Deno.readTextFile(
        join(w.dir, `${demoSerial(1)}.csv`),
      ),
    );
    const { plan, report } = await batchUpload(w.client, { dir: w.dir, institution: "SANDBOX_A" });
    const invalid = new Map(plan.invalid.map((i) => [i.file.display, i.problems]));
    // The generator's broken variations (non-numeric loads, truncated last line) and ours.
    assert.ok(invalid.size >= 5, [...invalid.keys()].join(", "));
    for (const [file, problems] of invalid) {
      for (const p of problems) assert.ok(p.path.startsWith(file), `${p.path} names ${file}`);
    }
    const lineProblems = [...invalid.values()].flat().filter((p) => /\.csv:\d+$/.test(p.path));
    assert.ok(lineProblems.length >= 2, "bad lines are reported as file:line");
    assert.match(invalid.get("20UPGM20000099.csv")![0].message, /no valid TEST line/);
    assert.match(invalid.get("notes.json")![0].message, /not valid JSON/);
    assert.match(invalid.get("unknown_module.csv")![0].message, /same run|component/);
    assert.equal(report!.counts.created, plan.toCreate.length);
    assert.equal(report!.counts.invalid, invalid.size);
    assert.ok(plan.toCreate.length >= 16);
    const runs = await runsPerComponent(w.client);
    assert.equal(runs.size, plan.toCreate.length, "nothing invalid was sent");
  } finally {
    await w.close();
  }
});

Deno.test("batch: an unknown --institution is a usage error, with a suggestion", async () => {
  const w = await batchWorld(2);
  try {
    const error = await batchUpload(w.client, {
      dir: w.dir,
      institution: "SANDBOX_8",
      dryRun: true,
    }).then(() => undefined, (e) => e);
    assert.ok(error instanceof UsageError, String(error));
    assert.match(error.message, /--institution SANDBOX_8: .*\(did you mean SANDBOX_A\?\)/);
    assert.equal(w.sandbox.stats().byCommand.listTestTypes ?? 0, 0, "nothing planned");
  } finally {
    await w.close();
  }
});

Deno.test("batch: --all-or-nothing and --dry-run send nothing", async () => {
  const w = await batchWorld(6);
  try {
    await Deno.writeTextFile(join(w.dir, "20UPGM20000005.csv"), '"TEST",1,"1",x,0,"0","r1"\n');
    const dry = await batchUpload(w.client, { dir: w.dir, institution: "SANDBOX_A", dryRun: true });
    assert.equal(dry.report, undefined);
    assert.equal(dry.plan.toCreate.length, 5);
    assert.equal(dry.plan.invalid.length, 1);
    const { report } = await batchUpload(w.client, {
      dir: w.dir,
      institution: "SANDBOX_A",
      allOrNothing: true,
    });
    assert.match(report!.refused!, /nothing was sent/);
    assert.equal((await runsPerComponent(w.client)).size, 0);
  } finally {
    await w.close();
  }
});

Deno.test("batch: a manifest maps files to components and institutions", async () => {
  const w = await batchWorld(3);
  try {
    const sub = join(w.dir, "line A");
    await Deno.mkdir(sub);
    await Deno.rename(join(w.dir, `${demoSerial(1)}.csv`), join(sub, "pull-a.csv"));
    await Deno.rename(join(w.dir, `${demoSerial(2)}.csv`), join(sub, "pull-b.csv"));
    const manifest = join(w.dir, "manifest.csv");
    await Deno.writeTextFile(
      manifest,
      `file,component,institution\n"line A/pull-a.csv",${demoSerial(1)},SANDBOX_B\n` +
        `"line A/pull-b.csv",${demoSerial(2)},\n` +
        `"line A/pull-c.csv",${demoSerial(3)},\n`,
    );
    const { report } = await batchUpload(w.client, {
      dir: w.dir,
      manifest,
      institution: "SANDBOX_A",
    });
    assert.deepEqual(report!.counts, { created: 3, skipped: 0, failed: 0, invalid: 0 });
    // A row naming no input file is pointed out (with its line), not silently ignored.
    const dry = await batchUpload(w.client, {
      dir: w.dir,
      manifest,
      institution: "SANDBOX_A",
      dryRun: true,
    });
    assert.equal(dry.plan.warnings.length, 1);
    assert.match(dry.plan.warnings[0].path, /manifest\.csv:4$/);
    assert.match(dry.plan.warnings[0].message, /line A\/pull-c\.csv is not among the input files/);
    const ids = report!.items.map((i) => i.testRunId!);
    const runs = await w.client.getTestRunBulk(ids);
    const inst = new Map(runs.map((r) => [r.components![0].serialNumber, r.institution!.code]));
    assert.equal(inst.get(demoSerial(1)), "SANDBOX_B");
    assert.equal(inst.get(demoSerial(2)), "SANDBOX_A");
  } finally {
    await w.close();
  }
});

Deno.test("batch: an IV table uploaded before under its undated number is not sent again", async () => {
  const w = await batchWorld(1);
  try {
    await Deno.remove(join(w.dir, `${demoSerial(1)}.csv`));
    await Deno.writeTextFile(join(w.dir, `${demoSerial(1)}_iv.txt`), generateIv({ index: 1 }));
    // Before IV run numbers were dated, it was uploaded with the number iv-<hash>.
    const first = await batchUpload(w.client, { dir: w.dir, institution: "SANDBOX_A" });
    assert.deepEqual(first.report!.counts, { created: 1, skipped: 0, failed: 0, invalid: 0 });
    const id = first.report!.items[0].testRunId!;
    assert.match(first.report!.items[0].runNumber ?? "", /^iv-[0-9a-f]{8}$/);
    // Now with its date (a manifest's date column): a dated number, the same data.
    await Deno.remove(join(w.dir, ".itkpd-journal.sqlite"));
    const manifest = join(w.dir, "manifest.csv");
    await Deno.writeTextFile(
      manifest,
      `file,component,date\n${demoSerial(1)}_iv.txt,${demoSerial(1)},2024-05-17T10:00\n`,
    );
    const again = await batchUpload(w.client, { dir: w.dir, manifest, institution: "SANDBOX_A" });
    assert.match(again.report!.items[0].runNumber ?? "", /^20240517-100000-[0-9a-f]{8}$/);
    assert.deepEqual(again.report!.counts, { created: 0, skipped: 1, failed: 0, invalid: 0 });
    assert.equal(again.report!.items[0].existingId, id);
  } finally {
    await w.close();
  }
});

Deno.test("batch: the site going down stops the batch cleanly; the next run completes", async () => {
  const dbDir = await Deno.makeTempDir({ prefix: "itkpd-down-" });
  const db = join(dbDir, "sandbox.sqlite");
  const w = await batchWorld(80, { db, latencyMs: 10 });
  const port = w.sandbox.port;
  let closing: Promise<void> | undefined;
  // A progress display that takes the site down after 30 uploads.
  const killer: ProgressReporter = {
    start() {},
    update(c: ProgressCounts) {
      if (c.done >= 30 && !closing) closing = w.sandbox.close();
    },
    finish() {},
  };
  try {
    const started = Date.now();
    const { report } = await batchUpload(w.client, {
      dir: w.dir,
      institution: "SANDBOX_A",
      concurrency: 4,
      progress: killer,
    });
    await closing;
    assert.ok(Date.now() - started < 30_000, "no hang");
    assert.match(report!.stopped!, /does not answer/);
    assert.ok(report!.counts.created >= 30 && report!.counts.created < 80);
    const c = report!.counts;
    assert.equal(c.created + c.failed + (c.notSent ?? 0), 80, "the rest failed or not sent");
    // The journal is intact and says what happened.
    const journal = Journal.open(join(w.dir, ".itkpd-journal.sqlite"));
    assert.equal(journal.counts().created, report!.counts.created);
    journal.close();
    // Planning against a site that is down fails with one clear network error.
    await assert.rejects(
      batchUpload(w.client, { dir: w.dir, institution: "SANDBOX_A" }),
      (e) => e instanceof NetworkError,
    );
    // The site is back (same data): the same command completes, exactly once each.
    const back = await startSandbox({ port, db, demoModules: 80 });
    const client = new ItkpdClient({ env: back.env(), retryBaseMs: 20 });
    try {
      const again = await batchUpload(client, { dir: w.dir, institution: "SANDBOX_A" });
      assert.equal(again.report!.counts.failed, 0);
      assert.equal(again.report!.counts.created + again.report!.counts.skipped, 80);
      assert.deepEqual(exactlyOneEach(await runsPerComponent(client), serials(80)), []);
    } finally {
      client.close();
      await back.close();
    }
  } finally {
    await closing;
    w.client.close();
    await Deno.remove(w.dir, { recursive: true });
    await Deno.remove(dbDir, { recursive: true });
  }
});

Deno.test("batch: a second batch on the same journal is refused; a bad --report is refused first", async () => {
  const w = await batchWorld(3);
  try {
    const journalPath = join(w.dir, ".itkpd-journal.sqlite");
    const held = Journal.open(journalPath);
    try {
      await assert.rejects(
        batchUpload(w.client, { dir: w.dir, institution: "SANDBOX_A" }),
        /another batch is running with this journal/,
      );
    } finally {
      held.close();
    }
    await assert.rejects(
      batchUpload(w.client, { dir: w.dir, institution: "SANDBOX_A", report: w.dir }),
      /is a folder; --report needs a file path/,
    );
    assert.equal((await runsPerComponent(w.client)).size, 0, "nothing was sent");
    const { report } = await batchUpload(w.client, { dir: w.dir, institution: "SANDBOX_A" });
    assert.equal(report!.counts.created, 3);
  } finally {
    await w.close();
  }
});
