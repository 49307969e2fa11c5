/**
 * The sandbox answers getTestRunBulk and listTestRunsByTestType in the recorded shapes
 * (fixtures/reference/itkpd_getTestRunBulk_pixel_module.json; SPEC §1): every key of the
 * recorded run, of its component and of its results and properties is there.
 */
import assert from "node:assert/strict";
import { startSandbox } from "../../lib/sandbox/mod.ts";
import { apiOf, pullTestRun } from "./_helpers.ts";

const RECORDED = JSON.parse(
  await Deno.readTextFile(
    new URL("../../fixtures/reference/itkpd_getTestRunBulk_pixel_module.json", import.meta.url),
  ),
).itemList[0];

function missing(recorded: Record<string, unknown>, answered: Record<string, unknown>): string[] {
  return Object.keys(recorded).filter((k) => !(k in answered));
}

Deno.test("sandbox: test runs read back in the recorded shapes", async () => {
  const sb = await startSandbox({ demoModules: 1 });
  try {
    const api = await apiOf(sb);
    const input = pullTestRun("20UPGM20000001");
    (input.results as Record<string, unknown>).NOT_IN_THE_TYPE = [1, 2];
    await api("uploadTestRunResults", input);
    const list = await api("listTestRunsByTestType", {
      project: "P",
      componentType: "MODULE",
      testType: ["WIREBOND_PULL_TEST"],
      pageInfo: { pageIndex: 0, pageSize: 10 },
    }, { method: "GET" });
    assert.equal(list.status, 200);
    assert.deepEqual(list.json.pageInfo, { pageIndex: 0, pageSize: 10, total: 1 });
    const summary = list.json.pageItemList[0];
    for (
      const key of ["id", "state", "stateTs", "cts", "stage", "runNumber", "passed", "problems"]
        .concat(["date", "institution", "testType", "components"])
    ) assert.ok(key in summary, key);

    const bulk = await api("getTestRunBulk", { testRun: [summary.id] }, { method: "GET" });
    const run = bulk.json.itemList[0];
    assert.deepEqual(missing(RECORDED, run), []);
    assert.deepEqual(missing(RECORDED.components[0], run.components[0]), []);
    assert.deepEqual(missing(RECORDED.properties[0], run.properties[0]), []);
    // A defined result and one the type does not define (dataType null), as recorded.
    const defined = run.results.find((r: { code: string }) => r.code === "PULL_STRENGTH");
    assert.deepEqual(Object.keys(defined).sort(), Object.keys(RECORDED.results[3]).sort());
    const extra = run.results.find((r: { code: string }) => r.code === "NOT_IN_THE_TYPE");
    assert.deepEqual(Object.keys(extra).sort(), Object.keys(RECORDED.results[0]).sort());
    assert.equal(extra.dataType, null);
  } finally {
    await sb.close();
  }
});
