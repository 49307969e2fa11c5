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
 * Every state change is committed before the next step is taken (WAL mode, synchronous FULL),
 * so the journal never says less than what happened on the server, only "maybe" (`sending`).
 *
 * @module
 */
import { DatabaseSync } from "node:sqlite";
import { InputError } from "../errors.ts";

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
}

const SCHEMA_VERSION = 1;

/** A durable item journal. Open it with {@link Journal.open}; close it when done. */
export class Journal {
  readonly path: string;
  #db: DatabaseSync;
  #lock?: Deno.FsFile;

  private constructor(path: string, db: DatabaseSync, lock?: Deno.FsFile) {
    this.path = path;
    this.#db = db;
    this.#lock = lock;
  }

  /**
   * Opens (creating if needed) the journal at `path` (`:memory:` for none on disk). A journal
   * on disk is held by one batch at a time (an exclusive lock on `<path>.lock`, released by the
   * system even if the process is killed): a second batch on the same journal is refused.
   */
  static open(path: string): Journal {
    const lock = path === ":memory:" ? undefined : lockJournal(path);
    try {
      return new Journal(path, openDatabase(path), lock);
    } catch (e) {
      lock?.close();
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

  /** Adds an item as `pending` unless the journal already knows it. */
  ensure(key: string, file: string): JournalEntry {
    this.#db.prepare(
      `INSERT INTO items (key, file, state, updated_at) VALUES (?, ?, 'pending', ?)
       ON CONFLICT(key) DO NOTHING`,
    ).run(key, file, now());
    return this.get(key)!;
  }

  /** Marks an item as about to be sent (committed before the request goes out). */
  markSending(key: string): void {
    this.#set(key, "sending", null, null, true);
  }

  /** Records the id the server gave. */
  markCreated(key: string, testRunId: string): void {
    this.#set(key, "created", testRunId, null, false);
  }

  /** Records that the server already had this run. */
  markSkipped(key: string, testRunId: string): void {
    this.#set(key, "skipped", testRunId, null, false);
  }

  /** Records a definite failure (nothing was stored by the server). */
  markFailed(key: string, error: string): void {
    this.#set(key, "failed", null, error, false);
  }

  /** Puts an item back to `pending` (e.g. a failed item retried by a new run). */
  markPending(key: string): void {
    this.#set(key, "pending", null, null, false);
  }

  #set(
    key: string,
    state: ItemState,
    testRunId: string | null,
    error: string | null,
    attempt: boolean,
  ): void {
    this.#db.prepare(
      `UPDATE items SET state = ?, test_run_id = ?, error = ?, updated_at = ?,
         attempts = attempts + ? WHERE key = ?`,
    ).run(state, testRunId, error, now(), attempt ? 1 : 0, key);
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
  return {
    key: String(row.key),
    file: String(row.file),
    state: row.state as ItemState,
    testRunId: row.test_run_id === null ? null : String(row.test_run_id),
    error: row.error === null ? null : String(row.error),
    attempts: Number(row.attempts),
    updatedAt: String(row.updated_at),
  };
}

function now(): string {
  return new Date().toISOString();
}

function openDatabase(path: string): DatabaseSync {
  let db: DatabaseSync;
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
    if (!row) {
      db.prepare("INSERT INTO meta (name, value) VALUES ('schema', ?)").run(
        String(SCHEMA_VERSION),
      );
    } else if (row.value !== String(SCHEMA_VERSION)) {
      db.close();
      throw new InputError(
        `${path}: journal format ${row.value} is not the supported ${SCHEMA_VERSION}`,
        [],
        { hint: "use another --journal file" },
      );
    }
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw new InputError(`${path}: cannot open the journal: ${(e as Error).message}`, [], {
      hint: "check the path and that no other program holds it",
      cause: e,
    });
  }
  return db;
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
