/**
 * `node:sqlite` databases kept in a file (the read-back cache, the sandbox's store): one write
 * transaction that always reports the real error, and a close that folds the write-ahead log
 * back into the main file, so that no `-wal` file is left beside it.
 *
 * @example
 * ```ts
 * import { DatabaseSync } from "node:sqlite";
 * import { closeDatabase } from "./sqlite.ts";
 * closeDatabase(new DatabaseSync(":memory:"), false);
 * ```
 *
 * @module
 */
import type { DatabaseSync } from "node:sqlite";

/**
 * Closes `db`; for a database in a file (`inFile`), first checkpoints its write-ahead log into
 * the main file. A checkpoint refused because another connection is busy is left to that
 * connection's own close, or to the next open.
 *
 * @example
 * ```ts
 * import { DatabaseSync } from "node:sqlite";
 * import { closeDatabase } from "./sqlite.ts";
 * closeDatabase(new DatabaseSync(":memory:"), false);
 * ```
 */
export function closeDatabase(db: DatabaseSync, inFile: boolean): void {
  if (inFile) {
    try {
      db.exec("PRAGMA wal_checkpoint(TRUNCATE)");
    } catch {
      // Busy: another connection's close, or the next open, checkpoints instead.
    }
  }
  db.close();
}

/**
 * Runs `fn` in one write transaction of `db` (BEGIN IMMEDIATE … COMMIT, ROLLBACK on a throw).
 * The error thrown is always the real one: SQLite rolls some failures back by itself (a full
 * disk, SQLITE_FULL), and a second ROLLBACK then fails with "no transaction is active", which
 * must not hide the cause.
 *
 * @example
 * ```ts
 * import { DatabaseSync } from "node:sqlite";
 * import { writeTransaction } from "./sqlite.ts";
 * const db = new DatabaseSync(":memory:");
 * writeTransaction(db, () => db.exec("CREATE TABLE t (x)"));
 * db.close();
 * ```
 */
export function writeTransaction<T>(db: DatabaseSync, fn: () => T): T {
  db.exec("BEGIN IMMEDIATE");
  try {
    const out = fn();
    db.exec("COMMIT");
    return out;
  } catch (e) {
    if (db.isTransaction) {
      try {
        db.exec("ROLLBACK");
      } catch { /* the first error is the one to report */ }
    }
    throw e;
  }
}
