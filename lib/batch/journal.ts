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
 * Attachments (schema 4). When the batch attaches each item's source file to its run, an item
 * also keeps where that stands (`attachState`): `pending` (its run may lack the file), `done`
 * (attached to run `attachedTo`, or found there already), or none (nothing to attach: the batch
 * ran with `--no-attach`). The last failure of an attachment is kept (`attachError`). A batch
 * killed between creating a run and attaching its file leaves the item `pending`: the next run
 * of the same command attaches it, after asking the server whether it is there already.
 *
 * Transitions. Each record says what just happened, and only what can follow what is accepted
 * (anything else is a fault of the program, thrown as a {@link JournalTransitionError}, never
 * written):
 * - the plan: an item to send becomes `pending` (from nothing, or from any settled state: the
 *   server does not have its run now); an item the server has becomes `skipped`;
 * - `pending` → `sending` (right before a send), `skipped` (the look-up right before the send
 *   found the run), `failed` (the look-up or the send was refused), `pending` (nothing sent);
 * - `sending` → `sending` (sent again after a lost answer), `created` (an answer, or the run
 *   found after a lost answer), `skipped` (another writer's run found when settling it),
 *   `failed`, `pending` (provably not sent; or, for a killed process, {@link
 *   Journal.recoverInterrupted}: its outcome unknown);
 * - `created`, `skipped` and `failed` change only by a new plan;
 * - attachments: a plan that attaches makes an item to send `pending`, and a present item
 *   `pending` unless its file is `done` on that very run; `pending` → `done` (attached, or
 *   found on the run), and `done` → `done` on another run (the reconciliation kept another
 *   one), only for an item whose run exists (`created` or `skipped`); a failed attachment
 *   keeps it `pending`, with its error.
 *
 * Durability. Every state change is committed before the next step is taken, so the journal
 * never says less than what happened on the server, only "maybe" (`sending`). The journal is in
 * WAL mode with `synchronous = NORMAL`: a commit is a write to the operating system, not a wait
 * for the disk, so a process killed at any point (SIGKILL included) loses nothing it committed.
 * SQLite holds its locks on the file for as long as the journal is open (`locking_mode =
 * EXCLUSIVE`): a commit takes no lock of its own. The disk itself is synced at most one second
 * after a commit (a WAL checkpoint, on the next write or by a timer, and on close): a power loss
 * or system crash loses at most about the last second of records, and the journal stays
 * consistent (the records lost are the latest ones).
 * What such a loss leaves unsaid is settled by the server: every run is looked up before it is
 * sent (the plan, then right before the send), so a run whose `sending` or `created` record was
 * lost is found and skipped, never sent twice (README: "Batch upload: exactly once").
 *
 * A write that fails (a full disk, a read-only file) throws a {@link JournalWriteError}; the
 * journal is checked to be writable when it is opened, before anything is planned.
 *
 * @module
 */
import { DatabaseSync, type SQLInputValue, type StatementSync } from "node:sqlite";
import { InputError, ItkpdError } from "../errors.ts";

/** State of a journal item. */
export type ItemState = "pending" | "sending" | "created" | "skipped" | "failed";

/** Where the attachment of an item's source file stands (`null`: nothing to attach). */
export type AttachState = "pending" | "done" | null;

/** One journal row. */
export interface JournalEntry {
  key: string;
  file: string;
  state: ItemState;
  testRunId: string | null;
  error: string | null;
  /**
   * When the item's record last changed (ISO time): for an item a killed process left
   * `sending`, when its send started (the time of its unknown outcome).
   */
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
  /** The attachment of the item's source file (schema 4; see the module doc). */
  attachState: AttachState;
  /** The run the file was attached to (or found on), once `done`. */
  attachedTo: string | null;
  /** Why the last attachment failed, while `pending`. */
  attachError: string | null;
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
  /** Called after each sync of the journal to the disk (tests). */
  onSync?: () => void;
}

/** What the plan records of an item: its key, file and identity. */
export interface PlannedItem {
  key: string;
  file: string;
  ref?: ItemRef;
}

/** An item the plan found on the server: its run's id, and whether it has more than one. */
export interface PresentPlannedItem extends PlannedItem {
  existingId: string;
  /** The server has several present runs of it (a late commit, a race): reconcile it when this
   * journal sent it. */
  duplicate: boolean;
}

/**
 * A record that does not follow from the item's state (e.g. `created` for an item never
 * marked `sending`): a fault of the program, never written.
 */
export class JournalTransitionError extends Error {
  constructor(key: string, record: string, state: ItemState | undefined) {
    super(
      `journal: item ${key} cannot be recorded as ${record} ` +
        `(it is ${state ?? "not in the journal"})`,
    );
    this.name = "JournalTransitionError";
  }
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

const SCHEMA_VERSION = 4;

/** Longest time a commit waits before it is synced to the disk (see the module doc). */
export const JOURNAL_SYNC_MS = 1000;

/** Columns added by schemas 2 and 4 (a journal of schema 1, 2 or 3 is upgraded in place). */
const ADDED_COLUMNS = [
  "component_code TEXT",
  "test_type TEXT",
  "run_number TEXT",
  "created_ids TEXT NOT NULL DEFAULT '[]'",
  "unknown_sends INTEGER NOT NULL DEFAULT 0",
  "last_unknown_at TEXT",
  "reconcile INTEGER NOT NULL DEFAULT 0",
  "kept_id TEXT",
  "deleted_ids TEXT NOT NULL DEFAULT '[]'",
  // Schema 4: the attachment of the item's source file.
  "attach_state TEXT",
  "attached_to TEXT",
  "attach_error TEXT",
];

/** A durable item journal. Open it with {@link Journal.open}; close it when done. */
export class Journal {
  readonly path: string;
  #db: DatabaseSync;
  #lock?: Deno.FsFile;
  readonly #options: JournalOptions;
  /** Prepared statements, by their SQL (prepared once). */
  readonly #statements = new Map<string, StatementSync>();
  /** When the oldest commit not yet synced to the disk was made (0: none). */
  #unsyncedSince = 0;
  #syncTimer: ReturnType<typeof setTimeout> | undefined;

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
        journal.#run(
          "INSERT INTO meta (name, value) VALUES ('opened', ?) " +
            "ON CONFLICT(name) DO UPDATE SET value = excluded.value",
          now(),
        );
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
    const row = this.#statement("SELECT * FROM items WHERE key = ?").get(key) as
      | Record<string, unknown>
      | undefined;
    return row ? toEntry(row) : undefined;
  }

  /** Every entry. */
  all(): JournalEntry[] {
    return (this.#statement("SELECT * FROM items ORDER BY key").all() as Record<
      string,
      unknown
    >[]).map(toEntry);
  }

  /** The entries still to be reconciled. */
  toReconcile(): JournalEntry[] {
    return (this.#statement("SELECT * FROM items WHERE reconcile = 1 ORDER BY key")
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
    const rows = this.#statement("SELECT state, COUNT(*) AS n FROM items GROUP BY state")
      .all() as { state: ItemState; n: number }[];
    for (const r of rows) out[r.state] = Number(r.n);
    return out;
  }

  /**
   * Records a plan, in one transaction: each item to send becomes `pending` (added, or put back
   * from a settled state: the server does not have its run now); each item the server has
   * becomes `skipped` with the run's id, flagged for reconciliation when the server has several
   * runs of it and this journal sent it. Items keep their identity and their history (ids
   * answered, lost answers). Items left `sending` must be recovered first
   * ({@link recoverInterrupted}). With `attach`, the source file of every item is to be
   * attached to its run: an item to send is `pending` (a new run has nothing), a present item
   * `pending` unless its file is `done` on that same run; without it, an item to send has
   * nothing to attach and a present item keeps what it had.
   */
  recordPlan(
    toSend: readonly PlannedItem[],
    present: readonly PresentPlannedItem[] = [],
    opts: { attach?: boolean } = {},
  ): void {
    const attach = opts.attach ? 1 : 0;
    if (toSend.length === 0 && present.length === 0) return;
    this.#write("plan", () => {
      const at = now();
      this.#transaction(() => {
        for (const item of [...toSend, ...present]) {
          const ref = item.ref ?? {};
          this.#run(
            `INSERT INTO items (key, file, state, updated_at, component_code, test_type, run_number)
             VALUES (?, ?, 'pending', ?, ?, ?, ?)
             ON CONFLICT(key) DO UPDATE SET
               component_code = coalesce(excluded.component_code, component_code),
               test_type = coalesce(excluded.test_type, test_type),
               run_number = coalesce(excluded.run_number, run_number)`,
            item.key,
            item.file,
            at,
            ref.componentCode ?? null,
            ref.testType ?? null,
            ref.runNumber ?? null,
          );
        }
        for (const item of toSend) {
          this.#transition(
            item.key,
            "planned to send",
            `UPDATE items SET state = 'pending', error = NULL, updated_at = ?,
               attach_state = CASE WHEN ? = 1 THEN 'pending' ELSE NULL END, attached_to = NULL,
               attach_error = NULL
             WHERE key = ? AND state IN (${PLANNED_FROM.map((s) => `'${s}'`).join(", ")})`,
            at,
            attach,
            item.key,
          );
        }
        for (const item of present) {
          this.#transition(
            item.key,
            "present on the server",
            `UPDATE items SET state = 'skipped', test_run_id = ?1, error = NULL, updated_at = ?2,
               reconcile = CASE WHEN ?3 = 1 AND (created_ids != '[]' OR unknown_sends > 0)
                 THEN 1 ELSE reconcile END,
               attach_state = CASE WHEN ?4 = 0 THEN attach_state
                 WHEN attach_state = 'done' AND attached_to = ?1 THEN 'done' ELSE 'pending' END
             WHERE key = ?5 AND state IN (${PLANNED_FROM.map((s) => `'${s}'`).join(", ")})`,
            item.existingId,
            at,
            item.duplicate ? 1 : 0,
            attach,
            item.key,
          );
        }
      });
    });
  }

  /**
   * An item left `sending` by a process that was killed: its send's outcome is unknown (it
   * counts as a send with unknown outcome, at the time of its last record). Answers how many.
   */
  recoverInterrupted(): number {
    let changed = 0;
    this.#write("recover", () => {
      changed = Number(
        this.#run(
          `UPDATE items SET unknown_sends = unknown_sends + 1, last_unknown_at = updated_at,
             reconcile = 1, state = 'pending' WHERE state = 'sending'`,
        ).changes,
      );
    });
    return changed;
  }

  /** Marks an item as about to be sent (committed before the request goes out). */
  markSending(key: string): void {
    this.#write("sending", () => {
      this.#transition(
        key,
        "sending",
        `UPDATE items SET state = 'sending', error = NULL, updated_at = ?, reconcile = 1
         WHERE key = ? AND state IN ('pending', 'sending')`,
        now(),
        key,
      );
    });
  }

  /** Records that a send's outcome is unknown (the server may store it, even later). */
  markUnknown(key: string): void {
    const at = now();
    this.#write("unknown outcome", () => {
      this.#transition(
        key,
        "unknown outcome",
        `UPDATE items SET unknown_sends = unknown_sends + 1, last_unknown_at = ?, updated_at = ?
         WHERE key = ? AND state = 'sending'`,
        at,
        at,
        key,
      );
    });
  }

  /**
   * Records the id of the run a send made: `answered` when it came in an answer to this
   * journal's send (it is then one of the identity's `createdIds`), otherwise found after a
   * lost answer.
   */
  markCreated(key: string, testRunId: string, answered = true): void {
    this.#write("created", () => {
      this.#transition(
        key,
        "created",
        `UPDATE items SET state = 'created', test_run_id = ?1, error = NULL, updated_at = ?2,
           created_ids = CASE
             WHEN ?3 = 0 THEN created_ids
             WHEN created_ids = '[]' THEN json_array(?1)
             WHEN NOT EXISTS (SELECT 1 FROM json_each(created_ids) WHERE value = ?1)
             THEN json_insert(created_ids, '$[#]', ?1) ELSE created_ids END
         WHERE key = ?4 AND state = 'sending'`,
        testRunId,
        now(),
        answered ? 1 : 0,
        key,
      );
    });
  }

  /**
   * Records that the server has this run (found by the look-up right before a send, or when
   * settling an item whose answers were lost).
   */
  markSkipped(key: string, testRunId: string): void {
    this.#set(key, "skipped", testRunId, null);
  }

  /** Records a definite failure (nothing was stored by the server). */
  markFailed(key: string, error: string): void {
    this.#set(key, "failed", null, error);
  }

  /** Puts an item back to `pending`: it was provably not sent. */
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
      this.#run(
        `UPDATE items SET kept_id = ?, deleted_ids = ?, reconcile = ?, updated_at = ?
         WHERE key = ?`,
        result.keptId,
        JSON.stringify(deleted),
        result.settled ? 0 : 1,
        now(),
        key,
      );
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
      this.#transaction(() => {
        for (const r of results) {
          this.#run(
            "UPDATE items SET kept_id = ?, reconcile = 0, updated_at = ? WHERE key = ?",
            r.keptId,
            at,
            r.key,
          );
        }
      });
    });
  }

  /** Marks an identity as to be reconciled. */
  markToReconcile(key: string): void {
    this.#write("to reconcile", () => {
      this.#run("UPDATE items SET reconcile = 1 WHERE key = ?", key);
    });
  }

  /**
   * Records that the item's source file is on run `testRunId` (attached now, or found there):
   * only for an item whose run exists (`created` or `skipped`) with an attachment to make.
   */
  markAttached(key: string, testRunId: string): void {
    this.#write("attached", () => {
      this.#transition(
        key,
        "attached",
        `UPDATE items SET attach_state = 'done', attached_to = ?, attach_error = NULL,
           updated_at = ?
         WHERE key = ? AND attach_state IN ('pending', 'done') AND state IN ('created', 'skipped')`,
        testRunId,
        now(),
        key,
      );
    });
  }

  /** Records why an attachment failed; the item stays `pending` (the next run tries again). */
  markAttachFailed(key: string, error: string): void {
    this.#write("attachment failed", () => {
      this.#transition(
        key,
        "attachment failed",
        `UPDATE items SET attach_error = ?, updated_at = ?
         WHERE key = ? AND attach_state = 'pending' AND state IN ('created', 'skipped')`,
        error,
        now(),
        key,
      );
    });
  }

  /** A state change of an upload: `state` from the states that may lead to it. */
  #set(
    key: string,
    state: "skipped" | "failed" | "pending",
    testRunId: string | null,
    error: string | null,
  ): void {
    const from = UPLOAD_FROM[state];
    this.#write(state, () => {
      this.#transition(
        key,
        state,
        `UPDATE items SET state = ?, test_run_id = ?, error = ?, updated_at = ?
         WHERE key = ? AND state IN (${from.map((s) => `'${s}'`).join(", ")})`,
        state,
        testRunId,
        error,
        now(),
        key,
      );
    });
  }

  /**
   * Runs an update that applies only from the states in `from`; when it changed nothing, the
   * item was in another state (or absent): a {@link JournalTransitionError}.
   */
  #transition(
    key: string,
    record: string,
    sql: string,
    ...params: SQLInputValue[]
  ): void {
    if (Number(this.#run(sql, ...params).changes) > 0) return;
    throw new JournalTransitionError(key, record, this.get(key)?.state);
  }

  #statement(sql: string): StatementSync {
    let statement = this.#statements.get(sql);
    if (statement === undefined) this.#statements.set(sql, statement = this.#db.prepare(sql));
    return statement;
  }

  #run(sql: string, ...params: SQLInputValue[]) {
    return this.#statement(sql).run(...params);
  }

  /** Runs `fn` in one transaction (rolled back when it throws). */
  #transaction(fn: () => void): void {
    this.#db.exec("BEGIN IMMEDIATE");
    try {
      fn();
      this.#db.exec("COMMIT");
    } catch (e) {
      if (this.#db.isTransaction) this.#db.exec("ROLLBACK");
      throw e;
    }
  }

  /** Runs one write; any failure becomes a {@link JournalWriteError}. */
  #write(operation: string, fn: () => void): void {
    try {
      const fault = this.#options.writeFault?.(operation);
      if (fault) throw fault;
      fn();
    } catch (e) {
      if (e instanceof JournalWriteError || e instanceof JournalTransitionError) throw e;
      throw new JournalWriteError(this.path, operation, e);
    }
    this.#committed();
  }

  /** After a commit: synced to the disk within {@link JOURNAL_SYNC_MS} (module doc). */
  #committed(): void {
    if (this.path === ":memory:") return;
    const at = Date.now();
    if (this.#unsyncedSince === 0) this.#unsyncedSince = at;
    if (at - this.#unsyncedSince >= JOURNAL_SYNC_MS) {
      this.#sync();
      return;
    }
    if (this.#syncTimer === undefined) {
      const timer = setTimeout(() => {
        this.#syncTimer = undefined;
        this.#sync();
      }, JOURNAL_SYNC_MS);
      Deno.unrefTimer(timer);
      this.#syncTimer = timer;
    }
  }

  /**
   * Syncs what was committed to the disk: a WAL checkpoint (with `synchronous = NORMAL`, the
   * WAL is synced before it is copied into the database, and the database after). A failure
   * here loses nothing already committed: the next commit or the close tries again.
   */
  #sync(): void {
    if (this.#syncTimer !== undefined) {
      clearTimeout(this.#syncTimer);
      this.#syncTimer = undefined;
    }
    if (this.#unsyncedSince === 0 || !this.#db.isOpen) return;
    try {
      this.#db.exec("PRAGMA wal_checkpoint(PASSIVE)");
      this.#unsyncedSince = 0;
      this.#options.onSync?.();
    } catch {
      // A full or failing disk: the next commit says so (a JournalWriteError); the close syncs.
    }
  }

  /** Syncs, closes the database and lets go of the lock. */
  close(): void {
    this.#sync();
    if (this.#syncTimer !== undefined) clearTimeout(this.#syncTimer);
    this.#syncTimer = undefined;
    this.#statements.clear();
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

/** States from which a plan may record an item (never `sending`: recovered first). */
const PLANNED_FROM: readonly ItemState[] = ["pending", "created", "skipped", "failed"];

/** States from which an upload may record each outcome (see the module doc). */
const UPLOAD_FROM: Record<"skipped" | "failed" | "pending", readonly ItemState[]> = {
  skipped: ["pending", "sending"],
  failed: ["pending", "sending"],
  pending: ["pending", "sending"],
};

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
    attachState: row.attach_state === "pending" || row.attach_state === "done"
      ? row.attach_state
      : null,
    attachedTo: text(row.attached_to),
    attachError: text(row.attach_error),
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
      // One batch has the journal at a time (its lock file): SQLite holds its locks for the
      // whole connection rather than taking and dropping them at every commit, and keeps the
      // WAL's index in memory (set before WAL mode is entered). Nothing else can read the file
      // meanwhile.
      db.exec("PRAGMA locking_mode = EXCLUSIVE");
      db.exec("PRAGMA journal_mode = WAL");
      // Commits reach the operating system at once and the disk within JOURNAL_SYNC_MS.
      db.exec("PRAGMA synchronous = NORMAL");
    }
    db.exec(`CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL)`);
    const row = db.prepare("SELECT value FROM meta WHERE name = 'schema'").get() as
      | { value: string }
      | undefined;
    const version = row ? Number(row.value) : undefined;
    if (version === undefined || version === 1 || version === 2 || version === 3) {
      db.exec("BEGIN IMMEDIATE");
      db.exec(`CREATE TABLE IF NOT EXISTS items (
        key TEXT PRIMARY KEY,
        file TEXT NOT NULL,
        state TEXT NOT NULL,
        test_run_id TEXT,
        error TEXT,
        updated_at TEXT NOT NULL,
        ${ADDED_COLUMNS.join(",\n        ")}
      )`);
      const have = new Set(
        (db.prepare("PRAGMA table_info(items)").all() as { name: string }[]).map((c) => c.name),
      );
      for (const column of ADDED_COLUMNS) {
        if (!have.has(column.split(" ")[0])) db.exec(`ALTER TABLE items ADD COLUMN ${column}`);
      }
      // Schema 3: the count of sends is gone (unknown_sends is what the reconciliation needs).
      if (have.has("attempts")) db.exec("ALTER TABLE items DROP COLUMN attempts");
      // Schema 4: the attachment columns (an older journal's items have nothing recorded: the
      // next plan that attaches marks them `pending`, and the server says what is there).
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
