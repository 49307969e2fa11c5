/**
 * The sandbox's storage on a full disk (SQLite refusing to grow, as on a full file system):
 * every write is answered with the real cause (HTTP 507, `insufficientStorage`, SQLITE_FULL),
 * not a 500 "cannot rollback - no transaction is active"; nothing half-stored; reads go on.
 */
import assert from "node:assert/strict";
import { startSandbox } from "../../lib/sandbox/mod.ts";
import { apiOf, pullTestRun, tempDir } from "./_helpers.ts";

Deno.test("sandbox --db on a full disk: writes answer 507 with the real cause", async () => {
  const dir = await tempDir();
  const sb = await startSandbox({ db: `${dir.path}/sandbox.db`, demoModules: 2 });
  try {
    const api = await apiOf(sb);
    const first = await api("uploadTestRunResults", pullTestRun("20UPGM20000001", "a"));
    assert.equal(first.status, 200);
    sb.setFaults({ diskFull: true });
    // Runs are a few kB: a full database refuses the first one that needs a page more.
    let refused;
    for (let i = 0; i < 8 && !refused; i++) {
      const res = await api("uploadTestRunResults", pullTestRun("20UPGM20000002", `full-${i}`));
      if (res.status !== 200) refused = res;
    }
    assert.ok(refused, "a write was refused");
    assert.equal(refused.status, 507);
    const [code, entry] = Object.entries(refused.json.uuAppErrorMap)[0] as [
      string,
      { type: string; message: string },
    ];
    assert.equal(code, "cern-itkpd-main/uploadTestRunResults/insufficientStorage");
    assert.equal(entry.type, "error");
    assert.match(entry.message, /database or disk is full \(SQLITE_FULL\)\. Nothing was stored/);
    assert.doesNotMatch(JSON.stringify(refused.json), /cannot rollback/);
    // Reads go on, and show only what was stored.
    const list = await api("listTestRunsByComponent", { filterMap: { code: "20UPGM20000001" } });
    assert.equal(list.status, 200);
    assert.equal(list.json.itemList.length, 1);
    // Space again: writes work again.
    sb.setFaults({ diskFull: false });
    const after = await api("uploadTestRunResults", pullTestRun("20UPGM20000002", "later"));
    assert.equal(after.status, 200);
  } finally {
    await sb.close();
    await dir.remove();
  }
});
