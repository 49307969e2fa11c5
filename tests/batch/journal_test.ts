/**
 * The journal under storage faults (through its failure seam, no root tricks): a read-only
 * journal is one line before anything is planned; a full disk mid-batch never reports a run
 * the server has as "failed", and says what is true; a corrupt journal's hint points the right
 * way; a journal of the previous format is upgraded, its interrupted items settled.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import {
  batchUpload,
  Journal,
  JOURNAL_SYNC_MS,
  JournalTransitionError,
  JournalWriteError,
} from "../../lib/batch/mod.ts";
import { InputError } from "../../lib/errors.ts";
import { demoSerial } from "../../lib/fixtures/mod.ts";
import { batchWorld, exactlyOneEach, runsPerComponent } from "./_helpers.ts";

const serials = (n: number) => Array.from({ length: n }, (_, i) => demoSerial(i + 1));

/** An error as SQLite gives it (message and result code). */
function sqliteError(message: string, errcode: number): Error {
  return Object.assign(new Error(message), { code: "ERR_SQLITE_ERROR", errcode, errstr: message });
}

Deno.test("journal: read-only → one line before anything is planned; no stale report", async (t) => {
  const w = await batchWorld(4);
  const reportPath = join(w.dir, ".itkpd-report.json");
  const planned = () => w.sandbox.stats().byCommand.listTestTypes ?? 0;
  try {
    // A report left by an earlier run.
    const first = await batchUpload(w.client, {
      dir: w.dir,
      institution: "SANDBOX_A",
      report: reportPath,
    });
    assert.equal(first.report!.counts.created, 4);
    const before = planned();

    await t.step("through the seam: SQLite's read-only error at open", async () => {
      const error = await batchUpload(w.client, {
        dir: w.dir,
        institution: "SANDBOX_A",
        report: reportPath,
        journalOptions: {
          writeFault: () => sqliteError("attempt to write a readonly database", 8),
        },
      }).then(() => undefined, (e) => e);
      assert.ok(error instanceof JournalWriteError, String(error));
      assert.match(
        error.message,
        /\.itkpd-journal\.sqlite: the journal cannot be written \(opening it\): attempt to write a readonly database/,
      );
      assert.equal(error.hint, "make the journal writable, or give another --journal file");
      assert.equal(planned(), before, "nothing was planned");
      const report = JSON.parse(await Deno.readTextFile(reportPath));
      assert.match(report.error, /^this run failed before uploading anything: .*readonly/);
      assert.deepEqual(report.items, [], "the old report does not pass for this run's");
    });

    await t.step({
      name: "a real read-only file (chmod 0444)",
      ignore: Deno.build.os === "windows" || Deno.uid() === 0, // root writes it anyway
      fn: async () => {
        const path = join(w.dir, ".itkpd-journal.sqlite");
        await Deno.chmod(path, 0o444);
        try {
          await assert.rejects(
            batchUpload(w.client, { dir: w.dir, institution: "SANDBOX_A" }),
            /the journal cannot be written \(opening it\)/,
          );
          assert.equal(planned(), before);
        } finally {
          await Deno.chmod(path, 0o644);
        }
      },
    });
  } finally {
    await w.close();
  }
});

Deno.test("journal: a full disk mid-batch — runs the server has are never reported failed", async () => {
  const modules = 30;
  const w = await batchWorld(modules);
  try {
    let recorded = 0;
    const full = sqliteError("database or disk is full", 13);
    const lines: string[] = [];
    const { report } = await batchUpload(w.client, {
      dir: w.dir,
      institution: "SANDBOX_A",
      concurrency: 4,
      log: (l) => lines.push(l),
      // The disk fills up after 8 runs were recorded as created.
      journalOptions: {
        writeFault: (op) => (op === "created" && ++recorded > 8) || recorded > 8 ? full : undefined,
      },
    });
    assert.match(
      report!.stopped!,
      /the journal cannot be written \(.*database or disk is full\); stopped, nothing more was sent\. \d+ run\(s\) were created on the server but not recorded locally: the next run finds them/,
    );
    const onServer = new Set([...(await runsPerComponent(w.client)).keys()]);
    for (const item of report!.items) {
      if (onServer.has(item.component!)) {
        // What the server has is said to be so: created (not recorded locally), never failed.
        assert.equal(item.status, "created", JSON.stringify(item));
        if (item.note) {
          assert.match(
            item.note,
            /^created on the server, not recorded locally \(.*\); the next run will find it$/,
          );
        }
      } else {
        // Failed, or never sent once the batch stopped.
        assert.ok(item.status === "failed" || item.status === "not sent", item.status);
        assert.doesNotMatch(item.error!, /recorded in the journal/);
      }
    }
    assert.ok(report!.notRecorded! > 0, "some were created but not recorded");
    assert.equal(report!.items.filter((i) => i.note).length, report!.notRecorded);
    assert.match(
      lines.join("\n"),
      /^ {2}not recorded: .*created on the server, not recorded locally/m,
    );

    // Space again: the next run finds them on the server and completes, exactly once.
    const again = await batchUpload(w.client, { dir: w.dir, institution: "SANDBOX_A" });
    assert.equal(again.report!.counts.failed, 0);
    assert.ok(again.report!.counts.skipped >= onServer.size);
    assert.deepEqual(exactlyOneEach(await runsPerComponent(w.client), serials(modules)), []);
  } finally {
    await w.close();
  }
});

Deno.test("journal: a corrupt file — the hint says moving it aside is safe, and why", async () => {
  const w = await batchWorld(2);
  try {
    await Deno.writeTextFile(
      join(w.dir, ".itkpd-journal.sqlite"),
      "not a journal at all".repeat(50),
    );
    const error = await batchUpload(w.client, { dir: w.dir, institution: "SANDBOX_A" })
      .then(() => undefined, (e) => e);
    assert.ok(error instanceof InputError, String(error));
    assert.match(error.message, /not a usable journal \(file is not a database\)/);
    assert.match(
      error.hint!,
      /^move it aside \(e\.g\. rename it to .*\.bad\) and run the same command again: that is safe, because every run is looked up on the server before anything is sent$/,
    );
    assert.doesNotMatch(error.message, /no other program holds it/);
  } finally {
    await w.close();
  }
});

Deno.test("journal: an empty path is refused; a journal of the previous format is upgraded", async () => {
  assert.throws(() => Journal.open(""), /the journal path is empty/);
  const dir = await Deno.makeTempDir();
  try {
    const path = join(dir, "old.sqlite");
    const db = new DatabaseSync(path);
    db.exec(`CREATE TABLE meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
      INSERT INTO meta VALUES ('schema', '1');
      CREATE TABLE items (key TEXT PRIMARY KEY, file TEXT NOT NULL, state TEXT NOT NULL,
        test_run_id TEXT, error TEXT, attempts INTEGER NOT NULL DEFAULT 0,
        updated_at TEXT NOT NULL);
      INSERT INTO items VALUES ('S|T|1', 'a.csv', 'sending', NULL, NULL, 1, '2026-01-01T00:00:00Z');
      INSERT INTO items VALUES ('S|T|2', 'b.csv', 'created', 'id2', NULL, 1, '2026-01-01T00:00:00Z');`);
    db.close();
    const journal = Journal.open(path);
    try {
      assert.equal(journal.recoverInterrupted(), 1);
      const a = journal.get("S|T|1")!;
      assert.equal(a.state, "pending");
      assert.equal(a.unknownSends, 1, "an interrupted send counts as one with its outcome unknown");
      assert.equal(a.lastUnknownAt, "2026-01-01T00:00:00Z");
      assert.equal(a.reconcile, true);
      assert.equal(journal.get("S|T|2")!.testRunId, "id2");
      assert.deepEqual(journal.toReconcile().map((e) => e.key), ["S|T|1"]);
      assert.equal("attempts" in a, false);
    } finally {
      journal.close();
    }
    // Schema 3: the unused count of sends is gone from the file too.
    const upgraded = new DatabaseSync(path);
    const columns = (upgraded.prepare("PRAGMA table_info(items)").all() as { name: string }[])
      .map((c) => c.name);
    upgraded.close();
    assert.ok(columns.includes("unknown_sends") && !columns.includes("attempts"), `${columns}`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("journal: only what can follow an item's state is recorded", async (t) => {
  const journal = Journal.open(":memory:");
  const item = { key: "S|T|1", file: "a.csv", ref: { componentCode: "c1" } };
  const state = () => journal.get(item.key)?.state;
  try {
    await t.step("a run is created only by a send", () => {
      journal.recordPlan([item]);
      assert.equal(state(), "pending");
      assert.throws(
        () => journal.markCreated(item.key, "r1"),
        (e) =>
          e instanceof JournalTransitionError &&
          e.message === "journal: item S|T|1 cannot be recorded as created (it is pending)",
      );
      assert.equal(state(), "pending", "nothing written");
      journal.markSending(item.key);
      journal.markUnknown(item.key);
      journal.markSending(item.key);
      journal.markCreated(item.key, "r1");
      const entry = journal.get(item.key)!;
      assert.equal(entry.state, "created");
      assert.deepEqual(entry.createdIds, ["r1"]);
      assert.equal(entry.unknownSends, 1);
    });
    await t.step("a settled item changes only by a new plan", () => {
      for (
        const write of [
          () => journal.markSending(item.key),
          () => journal.markFailed(item.key, "x"),
          () => journal.markPending(item.key),
          () => journal.markSkipped(item.key, "r0"),
          () => journal.markUnknown(item.key),
        ]
      ) {
        assert.throws(write, JournalTransitionError);
        assert.equal(state(), "created");
      }
      // The run was deleted on the server since: the plan sends it again.
      journal.recordPlan([item]);
      journal.markSending(item.key);
      journal.markCreated(item.key, "r2");
      journal.recordPlan([item]);
      journal.markSending(item.key);
      journal.markCreated(item.key, "r2"); // the same id answered twice is kept once
      assert.deepEqual(journal.get(item.key)!.createdIds, ["r1", "r2"]);
      journal.recordPlan([], [{ ...item, existingId: "r2", duplicate: true }]);
      const entry = journal.get(item.key)!;
      assert.equal(entry.state, "skipped");
      assert.equal(entry.testRunId, "r2");
      assert.equal(entry.reconcile, true, "two runs of an identity this journal sent");
    });
    await t.step("an item killed while sending is recovered before it is planned", () => {
      const other = { key: "S|T|2", file: "b.csv" };
      journal.recordPlan([other]);
      journal.markSending(other.key);
      assert.throws(() => journal.recordPlan([other]), JournalTransitionError);
      assert.equal(journal.get(other.key)!.state, "sending");
      assert.equal(journal.recoverInterrupted(), 1);
      journal.recordPlan([other]);
      assert.equal(journal.get(other.key)!.state, "pending");
      assert.throws(() => journal.markCreated("S|T|9", "r9"), /it is not in the journal/);
    });
  } finally {
    journal.close();
  }
});

Deno.test("journal: attachments are recorded only where they can follow", async (t) => {
  const journal = Journal.open(":memory:");
  const item = { key: "S|T|1", file: "a.csv", ref: { componentCode: "c1" } };
  const entry = () => journal.get(item.key)!;
  try {
    await t.step("a plan that attaches: pending; done only once the run exists", () => {
      journal.recordPlan([item], [], { attach: true });
      assert.equal(entry().attachState, "pending");
      assert.throws(
        () => journal.markAttached(item.key, "r1"),
        (e) =>
          e instanceof JournalTransitionError &&
          e.message === "journal: item S|T|1 cannot be recorded as attached (it is pending)",
      );
      journal.markSending(item.key);
      assert.throws(() => journal.markAttached(item.key, "r1"), JournalTransitionError);
      journal.markCreated(item.key, "r1");
      journal.markAttachFailed(item.key, "HTTP 500");
      assert.deepEqual([entry().attachState, entry().attachError], ["pending", "HTTP 500"]);
      journal.markAttached(item.key, "r1");
      assert.deepEqual(
        [entry().attachState, entry().attachedTo, entry().attachError],
        ["done", "r1", null],
      );
      assert.throws(() => journal.markAttachFailed(item.key, "x"), JournalTransitionError);
    });
    await t.step("a later plan keeps `done` on the same run only", () => {
      journal.recordPlan([], [{ ...item, existingId: "r1", duplicate: false }], { attach: true });
      assert.equal(entry().attachState, "done");
      journal.recordPlan([], [{ ...item, existingId: "r7", duplicate: false }], { attach: true });
      assert.deepEqual([entry().attachState, entry().testRunId], ["pending", "r7"]);
      journal.markAttached(item.key, "r7");
      // Without attachments, a present item keeps what it had; an item to send has nothing.
      journal.recordPlan([], [{ ...item, existingId: "r7", duplicate: false }]);
      assert.equal(entry().attachState, "done");
      journal.recordPlan([item]);
      assert.deepEqual([entry().attachState, entry().attachedTo], [null, null]);
      journal.markSending(item.key);
      journal.markCreated(item.key, "r8");
      assert.throws(() => journal.markAttached(item.key, "r8"), JournalTransitionError);
    });
  } finally {
    journal.close();
  }
});

Deno.test("journal: schema 3 is upgraded to 4 (attachments); a newer one is refused", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = join(dir, "v3.sqlite");
    const db = new DatabaseSync(path);
    db.exec(`CREATE TABLE meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
      INSERT INTO meta VALUES ('schema', '3');
      CREATE TABLE items (key TEXT PRIMARY KEY, file TEXT NOT NULL, state TEXT NOT NULL,
        test_run_id TEXT, error TEXT, updated_at TEXT NOT NULL, component_code TEXT,
        test_type TEXT, run_number TEXT, created_ids TEXT NOT NULL DEFAULT '[]',
        unknown_sends INTEGER NOT NULL DEFAULT 0, last_unknown_at TEXT,
        reconcile INTEGER NOT NULL DEFAULT 0, kept_id TEXT, deleted_ids TEXT NOT NULL DEFAULT '[]');
      INSERT INTO items (key, file, state, test_run_id, updated_at, created_ids)
        VALUES ('S|T|1', 'a.csv', 'created', 'r1', '2026-01-01T00:00:00Z', '["r1"]');`);
    db.close();
    const journal = Journal.open(path);
    try {
      const e = journal.get("S|T|1")!;
      assert.deepEqual([e.state, e.testRunId, e.attachState], ["created", "r1", null]);
      // Its run was made before attachments: the next plan that attaches marks it pending.
      journal.recordPlan([], [{ key: e.key, file: e.file, existingId: "r1", duplicate: false }], {
        attach: true,
      });
      assert.equal(journal.get("S|T|1")!.attachState, "pending");
    } finally {
      journal.close();
    }
    const upgraded = new DatabaseSync(path);
    const version = upgraded.prepare("SELECT value FROM meta WHERE name = 'schema'").get()?.value;
    upgraded.exec("UPDATE meta SET value = '5' WHERE name = 'schema'");
    upgraded.close();
    assert.equal(version, "4");
    assert.throws(
      () => Journal.open(path),
      (e) =>
        e instanceof InputError &&
        e.message.startsWith(`${path}: journal format 5 is not the supported 4`),
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("journal: each commit reaches the disk within a second, with no later write", async () => {
  const dir = await Deno.makeTempDir();
  const path = join(dir, "j.sqlite");
  let synced!: () => void;
  const sync = new Promise<void>((resolve) => (synced = resolve));
  const journal = Journal.open(path, { onSync: () => synced() });
  try {
    journal.recordPlan([{ key: "S|T|1", file: "a.csv" }]);
    journal.markSending("S|T|1");
    const started = performance.now();
    let guard: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([
      sync,
      new Promise((_, reject) => {
        guard = setTimeout(() => reject(new Error("never synced")), 30_000);
      }),
    ]).finally(() => clearTimeout(guard));
    assert.ok(performance.now() - started >= JOURNAL_SYNC_MS - 50, "synced by the timer");
    // The database file alone (what a power loss leaves when the WAL's last pages are lost)
    // holds the record: the WAL was synced and copied into it.
    const copy = join(dir, "copy.sqlite");
    await Deno.copyFile(path, copy);
    const db = new DatabaseSync(copy, { readOnly: true });
    const row = db.prepare("SELECT state FROM items WHERE key = 'S|T|1'").get() as
      | { state: string }
      | undefined;
    db.close();
    assert.equal(row?.state, "sending");
  } finally {
    journal.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("journal: held by SQLite for as long as it is open; readable again once closed", async () => {
  const dir = await Deno.makeTempDir({ prefix: "itkpd-journal-held-" });
  const path = join(dir, "j.sqlite");
  const journal = Journal.open(path);
  try {
    journal.recordPlan([{ key: "S|T|1", file: "a.csv" }]);
    journal.markSending("S|T|1");
    // Another connection (no busy wait) can neither read nor write it: the batch's commits take
    // no lock of their own.
    const other = new DatabaseSync(path);
    try {
      assert.throws(() => other.prepare("SELECT state FROM items").all(), /locked/);
    } finally {
      other.close();
    }
    journal.markCreated("S|T|1", "run-1");
  } finally {
    journal.close();
  }
  try {
    const db = new DatabaseSync(path, { readOnly: true });
    const row = db.prepare("SELECT state, test_run_id FROM items").get() as
      | { state: string; test_run_id: string }
      | undefined;
    db.close();
    assert.deepEqual({ ...row }, { state: "created", test_run_id: "run-1" });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
