/** Tests of lib/io/sqlite.ts: a write transaction that reports the real error, and the close. */
import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { closeDatabase, writeTransaction } from "../../lib/io/sqlite.ts";

Deno.test("sqlite files", async (t) => {
  const dir = await Deno.makeTempDir({ prefix: "itkpd-sqlite-" });
  try {
    await t.step("a failure rolls back and throws its own error", () => {
      const db = new DatabaseSync(":memory:");
      db.exec("CREATE TABLE t (x UNIQUE)");
      writeTransaction(db, () => db.prepare("INSERT INTO t VALUES (1)").run());
      assert.throws(
        () =>
          writeTransaction(db, () => {
            db.prepare("INSERT INTO t VALUES (2)").run();
            db.prepare("INSERT INTO t VALUES (1)").run();
          }),
        /UNIQUE constraint failed/,
      );
      assert.equal(db.isTransaction, false);
      assert.deepEqual(db.prepare("SELECT x FROM t").all().map((r) => r.x), [1]);
      db.close();
    });
    await t.step("a full disk (SQLite rolled back by itself): still the real error", () => {
      const db = new DatabaseSync(`${dir}/full.sqlite`);
      db.exec("CREATE TABLE t (x)");
      const pages = Number(
        (db.prepare("PRAGMA page_count").get() as { page_count: number })
          .page_count,
      );
      db.exec(`PRAGMA max_page_count = ${pages}`);
      assert.throws(
        () =>
          writeTransaction(db, () => {
            const insert = db.prepare("INSERT INTO t VALUES (?)");
            for (let i = 0; i < 1000; i++) insert.run("x".repeat(1000));
          }),
        /full/i,
      );
      closeDatabase(db, true);
    });
    await t.step("closing a file database leaves no write-ahead log beside it", async () => {
      const path = `${dir}/wal.sqlite`;
      const db = new DatabaseSync(path);
      db.exec("PRAGMA journal_mode = WAL");
      db.exec("CREATE TABLE t (x)");
      db.prepare("INSERT INTO t VALUES (1)").run();
      closeDatabase(db, true);
      const wal = await Deno.stat(`${path}-wal`).then((s) => s.size, () => 0);
      assert.equal(wal, 0);
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
