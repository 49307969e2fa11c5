import assert from "node:assert/strict";
import { startSandbox } from "../../lib/sandbox/mod.ts";
import { apiOf, http, tempDir, tokenOf, wirebondRun } from "./_helpers.ts";

Deno.test("sandbox database survives a restart, tokens too", async () => {
  const dir = await tempDir();
  try {
    const db = `${dir.path}/sandbox.db`;
    const codes = { accessCode1: "a1", accessCode2: "a2" };
    const first = await startSandbox({ db, demoModules: 3, ...codes });
    const token = await tokenOf(first);
    const up = await http(first.apiUrl + "uploadTestRunResults", {
      token,
      body: wirebondRun("20UPGM20000002"),
    });
    assert.equal(up.status, 200);
    const reg = await http(first.apiUrl + "registerComponent", {
      token,
      body: {
        project: "P",
        subproject: "PG",
        institution: "SANDBOX_A",
        componentType: "BARE_MODULE",
        type: "QUAD_BARE_MODULE",
      },
    });
    assert.equal(reg.status, 200);
    assert.equal(reg.json.component.serialNumber, null);
    await first.close();

    const second = await startSandbox({ db, demoModules: 5, ...codes });
    try {
      const run = await http(second.apiUrl + "getTestRun", {
        token,
        body: { testRun: up.json.testRun.id },
      });
      assert.equal(run.status, 200, "the old token is still valid");
      assert.deepEqual(run.json.results, up.json.testRun.results);
      const bare = await http(second.apiUrl + "getComponent", {
        token,
        body: { component: reg.json.component.code },
      });
      assert.equal(bare.status, 200);
      const list = await http(second.apiUrl + "listComponents", {
        token,
        body: { project: "P", componentType: "MODULE" },
      });
      assert.equal(list.json.pageInfo.total, 5, "demo modules are idempotent: 3 kept + 2 new");
    } finally {
      await second.close();
    }
  } finally {
    await dir.remove();
  }
});

Deno.test("sandbox concurrent writers on one file lose nothing", async () => {
  const dir = await tempDir();
  try {
    const db = `${dir.path}/shared.db`;
    const codes = { accessCode1: "c1", accessCode2: "c2" };
    const a = await startSandbox({ db, demoModules: 10, ...codes });
    const b = await startSandbox({ db, demoModules: 10, ...codes });
    try {
      const [apiA, apiB] = [await apiOf(a), await apiOf(b)];
      const jobs: Promise<{ status: number }>[] = [];
      for (let i = 0; i < 50; i++) {
        const serial = `20UPGM200000${String((i % 10) + 1).padStart(2, "0")}`;
        jobs.push(apiA("uploadTestRunResults", wirebondRun(serial, `a${i}`)));
        jobs.push(apiB("uploadTestRunResults", wirebondRun(serial, `b${i}`)));
      }
      for (let i = 0; i < 10; i++) {
        jobs.push((i % 2 ? apiA : apiB)("registerComponent", {
          project: "P",
          subproject: "PG",
          institution: "SANDBOX_C",
          componentType: "MODULE",
          type: "OUTER_SYSTEM_QUAD_MODULE",
          serialNumber: `20UPGM2100000${i}`,
          properties: { ORIENTATION: false, FECHIP_VERSION: "3" },
        }));
      }
      const answers = await Promise.all(jobs);
      assert.deepEqual(answers.filter((r) => r.status !== 200), []);
      for (const api of [apiA, apiB]) {
        const runs = await api("listTestRunsByTestType", {
          project: "P",
          componentType: "MODULE",
          testType: "WIREBOND",
          pageInfo: { pageSize: 10 },
        });
        assert.equal(runs.json.pageInfo.total, 100);
        const mods = await api("listComponents", { project: "P", componentType: "MODULE" });
        assert.equal(mods.json.pageInfo.total, 20);
      }
      const one = await apiB("listTestRunsByComponent", { filterMap: { code: "20UPGM20000001" } });
      assert.equal(one.json.itemList.length, 10);
    } finally {
      await a.close();
      await b.close();
    }
  } finally {
    await dir.remove();
  }
});
