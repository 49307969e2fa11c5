/**
 * The batch's attachments against the sandbox over loopback, `deno task batch-upload` run as a
 * real subprocess with its task's flags: every run ends with exactly one attachment whose bytes
 * are its source file's, through a re-run, `--no-attach` and a later run without it, a failed
 * attachment (reported, exit 1, the run kept, completed by the re-run), SIGKILL between a run
 * and its attachment and right after an attachment is stored; a run found by the look-up after
 * its answer was lost gets its file; a file above the binary store's limit stops its run before
 * it is sent.
 */
import assert from "node:assert/strict";
import { join, resolve } from "node:path";
import { batchUpload, Journal } from "../../lib/batch/mod.ts";
import { ItkpdClient } from "../../lib/client/mod.ts";
import { demoSerial } from "../../lib/fixtures/mod.ts";
import type { Sandbox } from "../../lib/sandbox/mod.ts";
import { type BatchWorld, batchWorld, runStates, startBatch } from "./_helpers.ts";

const serials = (n: number) => Array.from({ length: n }, (_, i) => demoSerial(i + 1));
const count = (w: BatchWorld, command: string) => w.sandbox.stats().byCommand[command] ?? 0;

/**
 * Problems with the attachments of the modules' runs: each module must have exactly one ready
 * run, carrying exactly one attachment, named after its source file, whose downloaded bytes are
 * that file's. Answers the attachments per serial (to compare rounds).
 */
async function oneAttachmentEach(
  w: BatchWorld,
  modules: string[],
): Promise<{ problems: string[]; codes: Map<string, string> }> {
  const { ready } = await runStates(w.client);
  const problems: string[] = [];
  const codes = new Map<string, string>();
  for (const serial of modules) {
    const runs = ready.get(serial) ?? [];
    if (runs.length !== 1) {
      problems.push(`${serial}: ${runs.length} runs`);
      continue;
    }
    const run = await w.client.getTestRun({ testRun: runs[0] });
    const attachments = run.attachments ?? [];
    if (attachments.length !== 1) {
      problems.push(`${serial}: ${attachments.length} attachments`);
      continue;
    }
    const [a] = attachments;
    if (a.filename !== `${serial}.csv`) problems.push(`${serial}: attached ${a.filename}`);
    const bytes = await w.client.getTestRunAttachment({ testRun: runs[0], code: a.code });
    const source = await Deno.readFile(join(w.dir, `${serial}.csv`));
    if (!equalBytes(bytes, source)) problems.push(`${serial}: the bytes differ from the file`);
    codes.set(serial, a.code);
  }
  return { problems, codes };
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** The report a run wrote (each run writes its own and says where: `report: PATH`). */
async function reportOf(run: { stdout: string }, dir: string) {
  const path = /^report: (.+)$/m.exec(run.stdout)?.[1];
  assert.ok(path, run.stdout);
  return JSON.parse(await Deno.readTextFile(resolve(dir, path)));
}

async function finished(p: ReturnType<typeof startBatch>) {
  const [status, stdout, stderr] = await Promise.all([p.status, p.stdout.done, p.stderr.done]);
  return { code: status.code, signal: status.signal, stdout, stderr, all: `${stdout}\n${stderr}` };
}

Deno.test("batch-upload attaches each file to its run once; a re-run sends none again", async () => {
  const modules = 5;
  const w = await batchWorld(modules);
  try {
    const first = await finished(startBatch(w.sandbox.env(), w.dir));
    assert.equal(first.code, 0, first.all);
    assert.match(first.stdout, /summary: 5 created, 0 skipped/);
    assert.match(first.stdout, /^attachments: 5 attached, 0 already on their runs, 0 failed$/m);
    const { ready } = await runStates(w.client);
    const id = ready.get(demoSerial(1))![0];
    const size = (await Deno.stat(join(w.dir, `${demoSerial(1)}.csv`))).size;
    const kB = Number((size / 1000).toFixed(1));
    assert.match(
      first.stdout,
      new RegExp(`^  attached ${demoSerial(1)}\\.csv \\(${kB} kB\\) to run ${id}$`, "m"),
    );
    const { problems, codes } = await oneAttachmentEach(w, serials(modules));
    assert.deepEqual(problems, []);
    // The report says it item by item.
    const report = await reportOf(first, w.dir);
    assert.deepEqual(report.attachments, { attached: 5, present: 0, failed: 0 });
    const item = report.items.find((i: { file: string }) => i.file === `${demoSerial(1)}.csv`);
    assert.equal(item.status, "created");
    assert.deepEqual(
      [item.attachment.status, item.attachment.runId, item.attachment.bytes],
      ["attached", id, size],
    );
    // The journal knows: a re-run asks nothing about attachments, and sends none.
    const journal = Journal.open(join(w.dir, ".itkpd-journal.sqlite"));
    assert.deepEqual(journal.all().map((e) => [e.attachState, e.attachedTo === e.testRunId]), [
      ...Array(modules).fill(["done", true]),
    ]);
    journal.close();
    const [sent, read] = [count(w, "createTestRunAttachment"), count(w, "getTestRun")];
    const again = await finished(startBatch(w.sandbox.env(), w.dir));
    assert.equal(again.code, 0, again.all);
    assert.match(again.stdout, /summary: 0 created, 5 skipped/);
    assert.doesNotMatch(again.stdout, /^ *attach/m);
    assert.deepEqual([count(w, "createTestRunAttachment"), count(w, "getTestRun")], [sent, read]);
    const after = await oneAttachmentEach(w, serials(modules));
    assert.deepEqual(after.problems, []);
    assert.deepEqual(after.codes, codes);
  } finally {
    await w.close();
  }
});

Deno.test("batch-upload --no-attach attaches nothing; a later run without it attaches what is missing", async () => {
  const modules = 3;
  const w = await batchWorld(modules);
  try {
    const bare = await finished(startBatch(w.sandbox.env(), w.dir, ["--no-attach"]));
    assert.equal(bare.code, 0, bare.all);
    assert.doesNotMatch(bare.stdout, /^ *attach/m);
    assert.equal(count(w, "createTestRunAttachment"), 0);
    const { ready } = await runStates(w.client);
    for (const serial of serials(modules)) {
      const run = await w.client.getTestRun({ testRun: ready.get(serial)![0] });
      assert.deepEqual(run.attachments ?? [], [], serial);
    }
    const later = await finished(startBatch(w.sandbox.env(), w.dir));
    assert.equal(later.code, 0, later.all);
    assert.match(later.stdout, /summary: 0 created, 3 skipped/);
    assert.match(later.stdout, /^attachments: 3 attached, 0 already on their runs, 0 failed$/m);
    assert.match(
      later.stdout,
      /^ {2}attached 20UPGM20000001\.csv \([\d.]+ kB\) to run \S+ \(it was missing from the run already in ITkPD\)$/m,
    );
    assert.deepEqual((await oneAttachmentEach(w, serials(modules))).problems, []);
  } finally {
    await w.close();
  }
});

Deno.test("batch-upload: a failed attachment keeps its run, says so, exits 1; the re-run attaches it", async () => {
  const modules = 3;
  const w = await batchWorld(modules);
  try {
    // The server fails every try of one attachment (HTTP 500, not stored); the rest goes through.
    w.sandbox.setFaults({ failNext: { createTestRunAttachment: 3 } });
    const first = await finished(
      startBatch(w.sandbox.env(), w.dir, ["--concurrency", "1"]),
    );
    assert.equal(first.code, 1, first.all);
    assert.match(first.stdout, /summary: 3 created, 0 skipped \(already present\), 0 failed/);
    assert.match(
      first.stdout,
      /^attachments: 2 attached, 0 already on their runs, 1 failed \(their runs stay created; run the same command again to attach them\)$/m,
    );
    const line = /^ {2}attachment failed: (\S+)\.csv: not attached to run (\S+): .*HTTP 500/m
      .exec(first.stdout);
    assert.ok(line, first.stdout);
    const [, serial, runId] = line;
    const { ready } = await runStates(w.client);
    assert.deepEqual(ready.get(serial), [runId], "the run stays");
    assert.deepEqual((await w.client.getTestRun({ testRun: runId })).attachments ?? [], []);
    const report = await reportOf(first, w.dir);
    const item = report.items.find((i: { file: string }) => i.file === `${serial}.csv`);
    assert.equal(item.status, "created", "not a failed run");
    assert.equal(item.testRunId, runId);
    assert.equal(item.attachment.status, "failed");
    assert.deepEqual(report.counts, { created: 3, skipped: 0, failed: 0, invalid: 0 });
    const journal = Journal.open(join(w.dir, ".itkpd-journal.sqlite"));
    const entry = journal.all().find((e) => e.testRunId === runId)!;
    journal.close();
    assert.equal(entry.state, "created");
    assert.equal(entry.attachState, "pending");
    assert.match(entry.attachError!, /HTTP 500/);

    const sent = count(w, "createTestRunAttachment");
    const again = await finished(startBatch(w.sandbox.env(), w.dir));
    assert.equal(again.code, 0, again.all);
    assert.match(again.stdout, /^attachments: 1 attached, 0 already on their runs, 0 failed$/m);
    assert.match(again.stdout, new RegExp(`attached ${serial}\\.csv .* to run ${runId} \\(it was`));
    assert.equal(count(w, "createTestRunAttachment") - sent, 1, "only the missing one is sent");
    assert.deepEqual((await oneAttachmentEach(w, serials(modules))).problems, []);
  } finally {
    await w.close();
  }
});

Deno.test("batch-upload killed between a run and its attachment, and after an attachment, resumed: one attachment per run", async () => {
  const modules = 6;
  // SIGKILL from inside the sandbox, synchronously: the moment it answers the request named
  // (a run created), or holds a write (an attachment stored later, its answer never sent).
  const kill: { when?: (line: string) => boolean; child?: Deno.ChildProcess } = {};
  const killNow = () => {
    kill.when = undefined;
    kill.child?.kill("SIGKILL");
  };
  const w = await batchWorld(modules, {
    log: (line) => {
      if (kill.child && kill.when?.(line)) killNow();
    },
    onSlowCommit: killNow,
    slowCommitMs: 600_000,
  });
  const journalAt = join(w.dir, ".itkpd-journal.sqlite");
  const entries = () => {
    const journal = Journal.open(journalAt);
    try {
      return journal.all();
    } finally {
      journal.close();
    }
  };
  const killedWhen = async (when: (line: string) => boolean) => {
    const batch = startBatch(w.sandbox.env(), w.dir, ["--concurrency", "1"]);
    kill.child = batch.child;
    kill.when = when;
    const out = await finished(batch);
    kill.child = undefined;
    assert.equal(out.signal, "SIGKILL", out.all);
  };
  try {
    // 1. Killed right after the server created its second run, before that run's attachment.
    let created = 0;
    await killedWhen((line) =>
      line.startsWith("POST /api/uploadTestRunResults 200 ") && ++created === 2
    );
    const { ready } = await runStates(w.client);
    assert.equal(ready.size, 2, "two runs made");
    const attachedOn = await Promise.all(
      [...ready.values()].map(async ([id]) =>
        ((await w.client.getTestRun({ testRun: id })).attachments ?? []).length
      ),
    );
    assert.deepEqual(attachedOn.sort(), [0, 1], "killed before the second run's attachment");
    assert.equal(count(w, "createTestRunAttachment"), 1);

    // 2. Killed when the server stores an attachment, before its answer (so before the journal
    //    can say so): once this process's first run is created, its next write (the run's
    //    attachment) is held by the server, the process killed, then the write stored.
    await killedWhen((line) => {
      if (line.startsWith("POST /api/uploadTestRunResults 200 ")) {
        w.sandbox.setFaults({ slowCommitRate: 1 });
      }
      return false;
    });
    w.sandbox.setFaults({ slowCommitRate: 0 });
    assert.equal(w.sandbox.commitHeld(), 1, "the attachment held, then stored");
    assert.equal(count(w, "createTestRunAttachment"), 2);
    const stored = (await runStates(w.client)).ready;
    assert.equal(stored.size, 3);
    const third = entries().find((e) => e.state === "created" && e.attachState === "pending");
    assert.ok(third, "a run created, its attachment stored, the journal not told");
    const onServer = await w.client.getTestRun({ testRun: third.testRunId! });
    assert.equal(onServer.attachments?.length, 1);

    // 3. The same command again: every run has its file, once.
    const final = await finished(startBatch(w.sandbox.env(), w.dir, ["--settle", "0"]));
    assert.equal(final.code, 0, final.all);
    assert.match(final.stdout, /summary: 3 created, 3 skipped/);
    // The run of step 1 gets its file; the one of step 2 already has it (not sent again).
    assert.match(final.stdout, /^attachments: 4 attached, 1 already on their runs, 0 failed$/m);
    assert.equal(count(w, "createTestRunAttachment"), 2 + 4);
    assert.deepEqual((await oneAttachmentEach(w, serials(modules))).problems, []);
    assert.deepEqual(entries().map((e) => e.attachState), Array(modules).fill("done"));
  } finally {
    await w.close();
  }
});

Deno.test("batch: a run found by the look-up after its answer was lost gets its file", async () => {
  const ref: { sandbox?: Sandbox } = {};
  // The first upload is stored but its answer lost (the connection dropped after the commit).
  const w = await batchWorld(2, {
    slowCommitRate: 1,
    onSlowCommit: () => {
      ref.sandbox!.setFaults({ slowCommitRate: 0 });
      ref.sandbox!.commitHeld();
    },
  });
  ref.sandbox = w.sandbox;
  try {
    const { report } = await batchUpload(w.client, {
      dir: w.dir,
      institution: "SANDBOX_A",
      attach: true,
      concurrency: 1,
      settleMs: 0,
    });
    assert.deepEqual(report!.counts, { created: 2, skipped: 0, failed: 0, invalid: 0 });
    assert.equal(count(w, "uploadTestRunResults"), 2, "found by the look-up, not sent again");
    const journal = Journal.open(join(w.dir, ".itkpd-journal.sqlite"));
    const found = journal.all().find((e) => e.unknownSends === 1)!;
    journal.close();
    assert.deepEqual([found.state, found.createdIds, found.attachState], ["created", [], "done"]);
    const item = report!.items.find((i) => i.key === found.key)!;
    assert.equal(item.attachment?.status, "attached");
    assert.deepEqual((await oneAttachmentEach(w, serials(2))).problems, []);
  } finally {
    await w.close();
  }
});

Deno.test("batch: a file above the binary store's limit stops its run before it is sent", async () => {
  const w = await batchWorld(2);
  // A client whose limit is below the files' size (the real limit is far above any data file).
  const small = new ItkpdClient({ env: w.sandbox.env(), maxAttachmentBytes: 1000 });
  try {
    const { report } = await batchUpload(small, {
      dir: w.dir,
      institution: "SANDBOX_A",
      attach: true,
      settleMs: 0,
    });
    assert.deepEqual(report!.counts, { created: 0, skipped: 0, failed: 2, invalid: 0 });
    for (const item of report!.items) {
      assert.match(
        item.error!,
        /^20UPGM2000000\d\.csv: [\d.]+ kB, above the binary store's limit of 1 kB for one attachment; nothing was sent, no run was created/,
      );
    }
    assert.equal(count(w, "uploadTestRunResults"), 0, "no run was sent");
    // Without attachments, the same files go.
    const plain = await batchUpload(small, { dir: w.dir, institution: "SANDBOX_A", settleMs: 0 });
    assert.equal(plain.report!.counts.created, 2);
  } finally {
    small.close();
    await w.close();
  }
});
