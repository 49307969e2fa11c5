/**
 * When a batch stops early: a hung site (a stopped process that accepts connections and never
 * answers) and a server giving the same fault for item after item (a full disk). Both stop
 * soon, with one clear line and the journal intact; the same command completes later.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { batchUpload, Journal } from "../../lib/batch/mod.ts";
import { ItkpdClient } from "../../lib/client/mod.ts";
import { demoSerial, writeDageFixtures } from "../../lib/fixtures/mod.ts";
import type { ProgressReporter } from "../../lib/progress/reporter.ts";
import { taskArgs } from "../_helpers/task.ts";
import { watchLines } from "../_helpers/lines.ts";
import { batchWorld, exactlyOneEach, runsPerComponent, startBatch } from "./_helpers.ts";

const serials = (n: number) => Array.from({ length: n }, (_, i) => demoSerial(i + 1));
const ROOT = new URL("../../", import.meta.url).pathname;

/** A progress reporter that fills the sandbox's disk as the uploads start (the plan is made). */
function diskFullAtUploads(w: { sandbox: { setFaults(f: { diskFull: boolean }): void } }) {
  const reporter: ProgressReporter = {
    start: () => w.sandbox.setFaults({ diskFull: true }),
    update() {},
    finish() {},
  };
  return reporter;
}

Deno.test("batch-upload: a hung site stops the batch within about two request timeouts", async () => {
  const modules = 60;
  const work = await Deno.makeTempDir({ prefix: "itkpd-hung-" });
  // The sandbox in its own process, so that it can be stopped (SIGSTOP): the kernel still
  // accepts connections for it, but nothing answers them.
  const server = new Deno.Command(Deno.execPath(), {
    args: [...taskArgs("sandbox"), "--demo-modules", String(modules), "--latency-ms", "10"],
    cwd: ROOT,
    env: { PATH: Deno.env.get("PATH") ?? "", INIT_CWD: work, NO_COLOR: "1" },
    clearEnv: true,
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let answered = 0;
  let reached: () => void;
  const tenUploads = new Promise<void>((resolve) => (reached = resolve));
  const serverOut = watchLines(server.stdout);
  const serverErr = watchLines(server.stderr, (line) => {
    if (/^POST \/api\/uploadTestRunResults 200 /.test(line) && ++answered === 10) reached();
  });
  try {
    await serverErr.line(/serving on 127\.0\.0\.1/);
    const env: Record<string, string> = {};
    for (
      const name of ["ITKDB_API_URL", "ITKDB_AUTH_URL", "ITKDB_ACCESS_CODE1", "ITKDB_ACCESS_CODE2"]
    ) {
      env[name] = (await serverOut.line(new RegExp(`^${name}=`))).split("=").slice(1).join("=");
    }
    const dir = join(work, "data");
    await writeDageFixtures(dir, { modules, seed: 5 });

    const timeout = 2;
    const batch = startBatch(env, dir, ["--timeout", String(timeout), "--concurrency", "4"]);
    await tenUploads;
    server.kill("SIGSTOP");
    const stoppedAt = performance.now();
    const status = await batch.status;
    const seconds = (performance.now() - stoppedAt) / 1000;
    const out = await batch.stdout.done;
    assert.equal(status.code, 1, out + (await batch.stderr.done));
    const stop = out.split("\n").filter((l) => l.startsWith("stopped: "));
    assert.equal(stop.length, 1, out);
    assert.match(stop[0], /the site does not answer .*no answer within 2000 ms.*journal is kept/);
    assert.match(out, /^reconciliation: left for the next run of the same command/m);
    // A write and then its look-up time out: two timeouts, and some slack for a loaded machine.
    assert.ok(seconds < 2 * timeout + 4, `stopped ${seconds.toFixed(1)} s after the site hung`);

    // The journal is intact and knows what was created.
    const journal = Journal.open(join(dir, ".itkpd-journal.sqlite"));
    const created = journal.counts().created;
    journal.close();
    assert.ok(created >= 10, `journal: ${created} created`);

    // The site comes back: the same command completes, exactly once each.
    server.kill("SIGCONT");
    const again = startBatch(env, dir, ["--timeout", String(timeout)]);
    const second = await again.stdout.done;
    assert.equal((await again.status).code, 0, second + (await again.stderr.done));
    const client = new ItkpdClient({ env, onWarning: () => {} });
    try {
      assert.deepEqual(exactlyOneEach(await runsPerComponent(client), serials(modules)), []);
    } finally {
      client.close();
    }
  } finally {
    server.kill("SIGCONT");
    server.kill("SIGTERM");
    await server.status;
    await serverOut.done;
    await serverErr.done;
    await Deno.remove(work, { recursive: true });
  }
});

Deno.test("batch: the same server fault on item after item (a full disk) stops it early", async () => {
  const modules = 60;
  const dbDir = await Deno.makeTempDir({ prefix: "itkpd-full-" });
  const w = await batchWorld(modules, { db: join(dbDir, "sandbox.sqlite") });
  const uploads = () => w.sandbox.stats().byCommand.uploadTestRunResults ?? 0;
  // The disk fills up once the plan is made, as the uploads start.
  const fill = diskFullAtUploads(w);
  try {
    const lines: string[] = [];
    const { report } = await batchUpload(w.client, {
      dir: w.dir,
      institution: "SANDBOX_A",
      concurrency: 2,
      progress: fill,
      log: (l) => lines.push(l),
    });
    assert.match(
      report!.stopped!,
      /the server gave the same error for 5 items in a row \(HTTP 507 .*insufficientStorage.*database or disk is full/,
    );
    // Not 60 items × 4 attempts: a handful, then the stop.
    assert.ok(uploads() <= 10, `${uploads()} uploads sent`);
    // The items never reached after the stop are not sent (not failed).
    const c = report!.counts;
    assert.equal(c.created + c.failed + (c.notSent ?? 0), modules);
    assert.ok((c.notSent ?? 0) > 0, JSON.stringify(c));
    const summary = lines.join("\n");
    assert.match(summary, /^stopped: the server gave the same error/m);

    w.sandbox.setFaults({ diskFull: false });
    const again = await batchUpload(w.client, { dir: w.dir, institution: "SANDBOX_A" });
    assert.equal(again.report!.counts.failed, 0);
    assert.deepEqual(exactlyOneEach(await runsPerComponent(w.client), serials(modules)), []);
  } finally {
    await w.close();
    await Deno.remove(dbDir, { recursive: true });
  }
});

Deno.test("batch: the after-create step runs once per run created, its failure kept apart", async () => {
  const modules = 40;
  const w = await batchWorld(modules, { dropRate: 0.1, failRate: 0.05, seed: 21 });
  try {
    const seen = new Map<string, string>();
    const { report } = await batchUpload(w.client, {
      dir: w.dir,
      institution: "SANDBOX_A",
      settleMs: 0,
      afterCreate: (run, item) => {
        assert.ok(!seen.has(item.key), `once for ${item.key}`);
        seen.set(item.key, run.id);
        if (item.dtoIn.component === demoSerial(7)) throw new Error("attachment refused");
      },
    });
    const created = report!.items.filter((i) => i.status === "created");
    assert.equal(created.length, modules);
    for (const item of created) assert.equal(seen.get(item.key!), item.testRunId);
    const seventh = created.find((i) => i.component === demoSerial(7))!;
    assert.match(seventh.afterCreateError!, /attachment refused/);
    assert.equal(created.filter((i) => i.afterCreateError).length, 1);
    // Nothing created again: the step does not run for runs already there.
    seen.clear();
    await batchUpload(w.client, {
      dir: w.dir,
      institution: "SANDBOX_A",
      afterCreate: (_run, item) => void seen.set(item.key, ""),
    });
    assert.equal(seen.size, 0);
  } finally {
    await w.close();
  }
});

Deno.test("batch: at most --concurrency runs sent at once, the next items' look-ups beside them", async () => {
  const modules = 40;
  const w = await batchWorld(modules, { latencyMs: 20 });
  // The peaks of the upload phase alone (the plan's reads before it and the reconciliation's
  // after it are not the bound's).
  let peak = { reads: 0, writes: 0, total: 0 };
  const phase: ProgressReporter = {
    start: () => w.sandbox.resetPeaks(),
    update() {},
    finish: () => void (peak = w.sandbox.stats().peakInFlight),
  };
  try {
    const { report } = await batchUpload(w.client, {
      dir: w.dir,
      institution: "SANDBOX_A",
      concurrency: 4,
      progress: phase,
    });
    assert.equal(report!.counts.created, modules);
    // Sends are bounded by the concurrency; look-ups run beside them, and nothing beyond the
    // items admitted (twice the concurrency, each one request at a time) is in flight.
    assert.ok(peak.writes <= 4, JSON.stringify(peak));
    assert.ok(peak.total > 4, `look-ups did not run beside the sends: ${JSON.stringify(peak)}`);
    assert.ok(peak.total <= 8, JSON.stringify(peak));
    assert.deepEqual(exactlyOneEach(await runsPerComponent(w.client), serials(modules)), []);
  } finally {
    await w.close();
  }
});

Deno.test("batch: an item waiting for its turn when the batch stops is not sent", async () => {
  const modules = 12;
  const w = await batchWorld(modules);
  const uploads = () => w.sandbox.stats().byCommand.uploadTestRunResults ?? 0;
  // Every write fails with the same fault once the uploads start: the fifth in a row stops the
  // batch, while the next item, its look-up made, waits for the one turn.
  const fill = diskFullAtUploads(w);
  try {
    const { report } = await batchUpload(w.client, {
      dir: w.dir,
      institution: "SANDBOX_A",
      concurrency: 1,
      progress: fill,
    });
    assert.match(report!.stopped!, /the server gave the same error for 5 items in a row/);
    assert.equal(uploads(), 5, "the item waiting for its turn was sent after the stop");
    const c = report!.counts;
    assert.equal(c.failed, 5, JSON.stringify(c));
    assert.equal(c.notSent, modules - 5, JSON.stringify(c));
    const journal = Journal.open(join(w.dir, ".itkpd-journal.sqlite"));
    try {
      assert.equal(journal.counts().pending, modules - 5, "never sent: still to send");
    } finally {
      journal.close();
    }
  } finally {
    await w.close();
  }
});
