/**
 * The batch journal: a durable record (`node:sqlite`) of each item's state, so that a batch
 * killed at any moment can be run again and end with exactly one test run per input.
 *
 * States of an item (its key is component + test type + run number, the identity of a run):
 * - `pending`  — planned, not sent;
 * - `sending`  — about to be sent, or sent with the outcome not known (crash, timeout, dropped
 *   connection after sending). Such an item is checked against the server before any resend;
 * - `created`  — the server answered with a test run id;
 * - `skipped`  — the server already had a run with this identity (its id is kept);
 * - `failed`   — the server refused it, or it could not be sent (the error is kept).
 *
 * Besides its state, an item keeps what the reconciliation after the uploads needs (see
 * reconcile.ts): the component's code, every run id the server answered for it
 * (`createdIds`), how many sends ended with the outcome unknown and when the last did
 * (`unknownSends`, `lastUnknownAt`: the server may store such a send later), and whether the
 * identity still has to be reconciled (`reconcile`: set by every send, cleared once reconciled
 * after late commits had time to land). A batch killed before reconciling leaves these for the
 * next run of the same command.
 *
 * Every state change is committed before the next step is taken (WAL mode, synchronous FULL),
 * so the journal never says less than what happened on the server, only "maybe" (`sending`).
 * A write that fails (a full disk, a read-only file) throws a {@link JournalWriteError}; the
 * journal is checked to be writable when it is opened, before anything is planned.
 *
 * @module
 */
import { DatabaseSync } from "node:sqlite";
import { InputError, ItkpdError } from "../errors.ts";

/** State of a journal item. */
export type ItemState = "pending" | "sending" | "created" | "skipped" | "failed";

/** One journal row. */
export interface JournalEntry {
  key: string;
  file: string;
  state: ItemState;
  testRunId: string | null;
  error: string | null;
  attempts: number;
  updatedAt: string;
  /** The component's ITkPD code (for look-ups), when known. */
  componentCode: string | null;
  testType: string | null;
  runNumber: string | null;
  /** Every run id the server answered to this journal for this identity. */
  createdIds: string[];
  /** Sends whose outcome was unknown (the server may have stored them, even later). */
  unknownSends: number;
  /** When the last such send ended (ISO time). */
  lastUnknownAt: string | null;
  /** True while the identity has to be reconciled. */
  reconcile: boolean;
  /** The run kept by the last reconciliation, and the extra runs it deleted. */
  keptId: string | null;
  deletedIds: string[];
}

/** What an item is, for the journal: its identity. */
export interface ItemRef {
  componentCode?: string;
  testType?: string;
  runNumber?: string;
}

/** Options of {@link Journal.open}. */
export interface JournalOptions {
  /**
   * A failure seam for storage faults (tests): called before every write of the journal; an
   * error it returns is what the write fails with (e.g. SQLite's "database or disk is full").
   */
  writeFault?: (operation: string) => Error | undefined;
}

/** A journal write failed (full disk, read-only file, …): what happened is not recorded. */
export class JournalWriteError extends ItkpdError {
  /** The journal file. */
  readonly path: string;
  constructor(path: string, operation: string, cause: unknown) {
    const why = cause instanceof Error ? cause.message.split("\n")[0] : String(cause);
    super(`${path}: the journal cannot be written (${operation}): ${why}`, {
      cause,
      hint: isReadOnly(cause)
        ? "make the journal writable, or give another --journal file"
        : "free space (or give another --journal file), then run the same command again",
    });
    this.name = "JournalWriteError";
    this.path = path;
  }
}

const SCHEMA_VERSION = 2;

/** Columns added by schema 2 (a journal of schema 1 is upgraded in place). */
const V2_COLUMNS = [
  "component_code TEXT",
  "test_type TEXT",
  "run_number TEXT",
  "created_ids TEXT NOT NULL DEFAULT '[]'",
  "unknown_sends INTEGER NOT NULL DEFAULT 0",
  "last_unknown_at TEXT",
  "reconcile INTEGER NOT NULL DEFAULT 0",
  "kept_id TEXT",
  "deleted_ids TEXT NOT NULL DEFAULT '[]'",
];

/** A durable item journal. Open it with {@link Journal.open}; close it when done. */
export class Journal {
  readonly path: string;
  #db: DatabaseSync;
  #lock?: Deno.FsFile;
  readonly #options: JournalOptions;

  private constructor(
    path: string,
    db: DatabaseSync,
    lock: Deno.FsFile | undefined,
    options: JournalOptions,
  ) {
    this.path = path;
    this.#db = db;
    this.#lock = lock;
    this.#options = options;
  }

  /**
   * Opens (creating if needed) the journal at `path` (`:memory:` for none on disk). A journal
   * on disk is held by one batch at a time (an exclusive lock on `<path>.lock`, released by the
   * system even if the process is killed): a second batch on the same journal is refused. A
   * journal that cannot be written (read-only) is refused here, with one line.
   */
  static open(path: string, options: JournalOptions = {}): Journal {
    if (path === "") {
      throw new InputError("the journal path is empty", [], {
        hint: "give --journal a file path (or leave it out for the default)",
      });
    }
    const lock = path === ":memory:" ? undefined : lockJournal(path);
    try {
      const journal = new Journal(path, openDatabase(path), lock, options);
      journal.#write("open", () => {
        journal.#db.prepare(
          "INSERT INTO meta (name, value) VALUES ('opened', ?) " +
            "ON CONFLICT(name) DO UPDATE SET value = excluded.value",
        ).run(now());
      });
      return journal;
    } catch (e) {
      lock?.close();
      if (e instanceof JournalWriteError) {
        throw new JournalWriteError(path, "opening it", e.cause);
      }
      throw e;
    }
  }

  /** The entry of `key`, if any. */
  get(key: string): JournalEntry | undefined {
    const row = this.#db.prepare("SELECT * FROM items WHERE key = ?").get(key) as
      | Record<string, unknown>
      | undefined;
    return row ? toEntry(row) : undefined;
  }

  /** Every entry. */
  all(): JournalEntry[] {
    return (this.#db.prepare("SELECT * FROM items ORDER BY key").all() as Record<
      string,
      unknown
    >[]).map(toEntry);
  }

  /** The entries still to be reconciled. */
  toReconcile(): JournalEntry[] {
    return (this.#db.prepare("SELECT * FROM items WHERE reconcile = 1 ORDER BY key")
      .all() as Record<string, unknown>[]).map(toEntry);
  }

  /** Counts by state. */
  counts(): Record<ItemState, number> {
    const out: Record<ItemState, number> = {
      pending: 0,
      sending: 0,
      created: 0,
      skipped: 0,
      failed: 0,
    };
    const rows = this.#db.prepare("SELECT state, COUNT(*) AS n FROM items GROUP BY state")
      .all() as { state: ItemState; n: number }[];
    for (const r of rows) out[r.state] = Number(r.n);
    return out;
  }

  /** Adds an item as `pending` unless the journal already knows it; records its identity. */
  ensure(key: string, file: string, ref: ItemRef = {}): JournalEntry {
    this.#write("ensure", () => {
      this.#db.prepare(
        `INSERT INTO items (key, file, state, updated_at, component_code, test_type, run_number)
         VALUES (?, ?, 'pending', ?, ?, ?, ?)
         ON CONFLICT(key) DO UPDATE SET
           component_code = coalesce(excluded.component_code, component_code),
           test_type = coalesce(excluded.test_type, test_type),
           run_number = coalesce(excluded.run_number, run_number)`,
      ).run(
        key,
        file,
        now(),
        ref.componentCode ?? null,
        ref.testType ?? null,
        ref.runNumber ?? null,
      );
    });
    return this.get(key)!;
  }

  /**
   * An item left `sending` by a process that was killed: its send's outcome is unknown (it
   * counts as a send with unknown outcome, at the time of its last record). Answers how many.
   */
  recoverInterrupted(): number {
    let changed = 0;
    this.#write("recover", () => {
      changed = Number(
        this.#db.prepare(
          `UPDATE items SET unknown_sends = unknown_sends + 1, last_unknown_at = updated_at,
             reconcile = 1, state = 'pending' WHERE state = 'sending'`,
        ).run().changes,
      );
    });
    return changed;
  }

  /** Marks an item as about to be sent (committed before the request goes out). */
  markSending(key: string): void {
    this.#write("sending", () => {
      this.#db.prepare(
        `UPDATE items SET state = 'sending', error = NULL, updated_at = ?,
           attempts = attempts + 1, reconcile = 1 WHERE key = ?`,
      ).run(now(), key);
    });
  }

  /** Records that a send's outcome is unknown (the server may store it, even later). */
  markUnknown(key: string): void {
    const at = now();
    this.#write("unknown outcome", () => {
      this.#db.prepare(
        `UPDATE items SET unknown_sends = unknown_sends + 1, last_unknown_at = ?, updated_at = ?
         WHERE key = ?`,
      ).run(at, at, key);
    });
  }

  /** Records the id the server gave (`answered`: in an answer to this journal's send). */
  markCreated(key: string, testRunId: string, answered = true): void {
    this.#write("created", () => {
      const entry = this.get(key);
      const ids = entry ? entry.createdIds : [];
      if (answered && !ids.includes(testRunId)) ids.push(testRunId);
      this.#db.prepare(
        `UPDATE items SET state = 'created', test_run_id = ?, error = NULL, updated_at = ?,
           created_ids = ? WHERE key = ?`,
      ).run(testRunId, now(), JSON.stringify(ids), key);
    });
  }

  /** Records that the server already had this run. */
  markSkipped(key: string, testRunId: string): void {
    this.#set(key, "skipped", testRunId, null);
  }

  /** Records a definite failure (nothing was stored by the server). */
  markFailed(key: string, error: string): void {
    this.#set(key, "failed", null, error);
  }

  /** Puts an item back to `pending` (e.g. a failed item retried by a new run). */
  markPending(key: string): void {
    this.#set(key, "pending", null, null);
  }

  /**
   * Records a reconciliation of the identity: the run kept, the extra runs deleted; `settled`
   * clears the flag (late commits had time to land), otherwise the next run looks again.
   */
  markReconciled(
    key: string,
    result: { keptId: string | null; deletedIds: string[]; settled: boolean },
  ): void {
    this.#write("reconciled", () => {
      const entry = this.get(key);
      const deleted = [...new Set([...(entry?.deletedIds ?? []), ...result.deletedIds])];
      this.#db.prepare(
        `UPDATE items SET kept_id = ?, deleted_ids = ?, reconcile = ?, updated_at = ?
         WHERE key = ?`,
      ).run(result.keptId, JSON.stringify(deleted), result.settled ? 0 : 1, now(), key);
    });
  }

  /**
   * {@link markReconciled} for many identities with nothing deleted (one run, or none), in one
   * transaction: one write to the disk for thousands of them.
   */
  markReconciledMany(results: { key: string; keptId: string | null }[]): void {
    if (results.length === 0) return;
    this.#write("reconciled", () => {
      const at = now();
      const update = this.#db.prepare(
        "UPDATE items SET kept_id = ?, reconcile = 0, updated_at = ? WHERE key = ?",
      );
      this.#db.exec("BEGIN IMMEDIATE");
      try {
        for (const r of results) update.run(r.keptId, at, r.key);
        this.#db.exec("COMMIT");
      } catch (e) {
        if (this.#db.isTransaction) this.#db.exec("ROLLBACK");
        throw e;
      }
    });
  }

  /** Marks an identity as to be reconciled (e.g. the plan saw two runs of it). */
  markToReconcile(key: string): void {
    this.#write("to reconcile", () => {
      this.#db.prepare("UPDATE items SET reconcile = 1 WHERE key = ?").run(key);
    });
  }

  #set(
    key: string,
    state: ItemState,
    testRunId: string | null,
    error: string | null,
  ): void {
    this.#write(state, () => {
      this.#db.prepare(
        `UPDATE items SET state = ?, test_run_id = ?, error = ?, updated_at = ? WHERE key = ?`,
      ).run(state, testRunId, error, now(), key);
    });
  }

  /** Runs one write; any failure becomes a {@link JournalWriteError}. */
  #write(operation: string, fn: () => void): void {
    try {
      const fault = this.#options.writeFault?.(operation);
      if (fault) throw fault;
      fn();
    } catch (e) {
      if (e instanceof JournalWriteError) throw e;
      throw new JournalWriteError(this.path, operation, e);
    }
  }

  /** Closes the database and lets go of the lock. */
  close(): void {
    if (this.#db.isOpen) this.#db.close();
    if (this.#lock) {
      try {
        this.#lock.unlockSync();
      } catch { /* closing releases it too */ }
      this.#lock.close();
      this.#lock = undefined;
    }
  }
}

function toEntry(row: Record<string, unknown>): JournalEntry {
  const text = (v: unknown) => (v === null || v === undefined ? null : String(v));
  const list = (v: unknown): string[] => {
    try {
      const parsed = JSON.parse(String(v ?? "[]"));
      return Array.isArray(parsed) ? parsed.map(String) : [];
    } catch {
      return [];
    }
  };
  return {
    key: String(row.key),
    file: String(row.file),
    state: row.state as ItemState,
    testRunId: text(row.test_run_id),
    error: text(row.error),
    attempts: Number(row.attempts),
    updatedAt: String(row.updated_at),
    componentCode: text(row.component_code),
    testType: text(row.test_type),
    runNumber: text(row.run_number),
    createdIds: list(row.created_ids),
    unknownSends: Number(row.unknown_sends ?? 0),
    lastUnknownAt: text(row.last_unknown_at),
    reconcile: Number(row.reconcile ?? 0) === 1,
    keptId: text(row.kept_id),
    deletedIds: list(row.deleted_ids),
  };
}

function now(): string {
  return new Date().toISOString();
}

/** SQLite's result code of an error (its primary code), if it has one. */
function sqliteCode(e: unknown): number | undefined {
  const code = (e as { errcode?: unknown })?.errcode;
  return typeof code === "number" ? code & 0xff : undefined;
}

function isReadOnly(e: unknown): boolean {
  return sqliteCode(e) === 8 || /readonly|read-only/i.test(String((e as Error)?.message));
}

function openDatabase(path: string): DatabaseSync {
  let db: DatabaseSync | undefined;
  try {
    db = new DatabaseSync(path);
    db.exec("PRAGMA busy_timeout = 5000");
    if (path !== ":memory:") {
      db.exec("PRAGMA journal_mode = WAL");
      db.exec("PRAGMA synchronous = FULL");
    }
    db.exec(`CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL)`);
    db.exec(`CREATE TABLE IF NOT EXISTS items (
      key TEXT PRIMARY KEY,
      file TEXT NOT NULL,
      state TEXT NOT NULL,
      test_run_id TEXT,
      error TEXT,
      attempts INTEGER NOT NULL DEFAULT 0,
      updated_at TEXT NOT NULL
    )`);
    const row = db.prepare("SELECT value FROM meta WHERE name = 'schema'").get() as
      | { value: string }
      | undefined;
    const version = row ? Number(row.value) : undefined;
    if (version === undefined || version === 1) {
      const have = new Set(
        (db.prepare("PRAGMA table_info(items)").all() as { name: string }[]).map((c) => c.name),
      );
      db.exec("BEGIN IMMEDIATE");
      for (const column of V2_COLUMNS) {
        if (!have.has(column.split(" ")[0])) db.exec(`ALTER TABLE items ADD COLUMN ${column}`);
      }
      // A journal of schema 1 left by a killed run: its `sending` items are settled on resume.
      db.prepare(
        "INSERT INTO meta (name, value) VALUES ('schema', ?) " +
          "ON CONFLICT(name) DO UPDATE SET value = excluded.value",
      ).run(String(SCHEMA_VERSION));
      db.exec("COMMIT");
    } else if (version !== SCHEMA_VERSION) {
      db.close();
      throw new InputError(
        `${path}: journal format ${row!.value} is not the supported ${SCHEMA_VERSION}`,
        [],
        { hint: "use another --journal file" },
      );
    }
  } catch (e) {
    if (db?.isOpen && db.isTransaction) db.exec("ROLLBACK");
    if (db?.isOpen) db.close();
    if (e instanceof InputError) throw e;
    throw describeOpenFailure(path, e);
  }
  return db;
}

/** The one line for a journal that cannot be opened, pointing the right way. */
function describeOpenFailure(path: string, e: unknown): ItkpdError {
  const why = (e as Error)?.message ?? String(e);
  const code = sqliteCode(e);
  if (isReadOnly(e)) {
    return new JournalWriteError(path, "opening it", e);
  }
  if (code === 26 || code === 11 || /not a database|malformed|corrupt/i.test(why)) {
    // SQLITE_NOTADB / SQLITE_CORRUPT: not a journal (any more).
    return new InputError(`${path}: not a usable journal (${why})`, [], {
      hint: `move it aside (e.g. rename it to ${path}.bad) and run the same command again: ` +
        "that is safe, because every run is looked up on the server before anything is sent",
      cause: e,
    });
  }
  return new InputError(`${path}: cannot open the journal: ${why}`, [], {
    hint: "check the path (its folder must exist and be writable)",
    cause: e,
  });
}

function lockJournal(path: string): Deno.FsFile {
  let file: Deno.FsFile;
  try {
    file = Deno.openSync(`${path}.lock`, { read: true, write: true, create: true });
  } catch (e) {
    if (e instanceof Deno.errors.NotCapable) throw e;
    throw new InputError(`${path}: cannot open the journal: ${(e as Error).message}`, [], {
      hint: "check the path (its folder must exist) and that it may be written",
      cause: e,
    });
  }
  if (!file.tryLockSync(true)) {
    file.close();
    throw new InputError(
      `${path}: another batch is running with this journal right now`,
      [],
      { hint: "wait for it to finish (or stop it), then run the command again" },
    );
  }
  return file;
}
