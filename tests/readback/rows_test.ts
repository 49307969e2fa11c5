/** Tables of read-back runs: run rows, pull rows, bond groups, CSV and JSON. */
import assert from "node:assert/strict";
// @ts-types="npm:@types/papaparse"
import Papa from "papaparse";
import { UsageError } from "../../lib/errors.ts";
import {
  bondGroups,
  formatOf,
  pullRows,
  type RunRecord,
  runRows,
  toCsv,
  toJson,
  writeTable,
} from "../../lib/readback/mod.ts";

function run(over: Partial<RunRecord>): RunRecord {
  return {
    id: "r1",
    testType: "WIREBOND_PULL_TEST",
    serial: "20UPGM21000001",
    component: "c1",
    institution: "SANDBOX_A",
    date: "2024-02-05T10:00:00.000Z",
    runNumber: "7-abc",
    passed: true,
    problems: false,
    state: "ready",
    stage: "MODULE/WIREBONDING",
    properties: {},
    results: {},
    attachments: [],
    ...over,
  };
}

const A = run({
  properties: { OPERATOR: "op", BOND_GROUPS: "1=r1 20g; 2=r2, 24g" },
  results: { PULL_STRENGTH: 8.7, PULL_STRENGTH_DATA: [[8.5, 0, 1], [3.9, 3, 2], [9, 5, 3]] },
  attachments: [{ code: "f".repeat(64), filename: "a.csv", contentType: "text/csv", title: "t" }],
});
const B = run({
  id: "r2",
  serial: "20UPGM21000002",
  passed: false,
  properties: { MACHINE: "DAGE" },
  results: { PULL_STRENGTH: 6.1, EXTRA: { a: 1 } },
});

Deno.test("runRows: one row per run, every property and result a column", () => {
  const t = runRows([A, B]);
  assert.deepEqual(t.columns.slice(0, 4), ["serial", "institution", "date", "runNumber"]);
  assert.deepEqual(t.columns.slice(-6), [
    "property.OPERATOR",
    "property.BOND_GROUPS",
    "property.MACHINE",
    "PULL_STRENGTH",
    "PULL_STRENGTH_DATA",
    "EXTRA",
  ]);
  assert.equal(t.rows.length, 2);
  assert.equal(t.rows[0].attachments, "a.csv");
  assert.equal(t.rows[0]["property.MACHINE"], null);
  assert.equal(t.rows[1]["property.MACHINE"], "DAGE");
  assert.equal(t.rows[1].passed, false);
});

Deno.test("pullRows: one row per pull with break-mode names and bond groups", () => {
  const t = pullRows([A, B]);
  assert.deepEqual(t.withoutPulls, ["r2"]);
  assert.equal(t.rows.length, 3);
  assert.deepEqual(t.rows.map((r) => [r.pull, r.strength, r.breakMode, r.location, r.bondGroup]), [
    [1, 8.5, 0, 1, "r1 20g"],
    [2, 3.9, 3, 2, "r2, 24g"],
    [3, 9, 5, 3, null],
  ]);
  assert.equal(t.rows[1].breakModeName, "bond peel on hybrid");
  assert.equal(t.rows[0].runId, "r1");
  assert.equal(t.rows[0].serial, "20UPGM21000001");
});

Deno.test("bondGroups: labels with commas and semicolons, nothing guessed", () => {
  assert.deepEqual([...bondGroups("1=r1 20g; 2=a;b; 3=c")], [[1, "r1 20g"], [2, "a;b"], [3, "c"]]);
  assert.equal(bondGroups(undefined).size, 0);
  assert.equal(bondGroups("no groups").size, 0);
});

Deno.test("CSV and JSON: arrays and objects as JSON in CSV, values kept in JSON", async (t) => {
  const table = runRows([A, B]);
  await t.step("CSV read back by papaparse gives the same cells", () => {
    const parsed = Papa.parse<string[]>(toCsv(table), { skipEmptyLines: true });
    assert.deepEqual(parsed.errors, []);
    const [header, first, second] = parsed.data;
    assert.deepEqual(header, table.columns);
    const col = (name: string) => header.indexOf(name);
    assert.equal(first[col("PULL_STRENGTH_DATA")], "[[8.5,0,1],[3.9,3,2],[9,5,3]]");
    assert.equal(first[col("property.BOND_GROUPS")], "1=r1 20g; 2=r2, 24g");
    assert.equal(first[col("passed")], "true");
    assert.equal(second[col("EXTRA")], '{"a":1}');
    assert.equal(second[col("PULL_STRENGTH_DATA")], "");
  });
  await t.step("JSON keeps arrays and nulls", () => {
    const rows = JSON.parse(toJson(table));
    assert.deepEqual(rows[0].PULL_STRENGTH_DATA, [[8.5, 0, 1], [3.9, 3, 2], [9, 5, 3]]);
    assert.equal(rows[1].PULL_STRENGTH_DATA, null);
    assert.deepEqual(Object.keys(rows[0]), table.columns);
  });
  await t.step("writeTable by extension; another extension is a usage error", async () => {
    const dir = await Deno.makeTempDir({ prefix: "itkpd-rows-" });
    try {
      assert.equal(await writeTable(`${dir}/x.csv`, table), "csv");
      assert.equal(await writeTable(`${dir}/x.JSON`, table), "json");
      assert.equal(JSON.parse(await Deno.readTextFile(`${dir}/x.JSON`)).length, 2);
      assert.throws(() => formatOf("runs.xlsx"), UsageError);
      assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name).sort(), ["x.JSON", "x.csv"]);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  });
});
