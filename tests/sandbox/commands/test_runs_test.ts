import assert from "node:assert/strict";
import { TestRunSchema, TestRunSummarySchema, valuesOf } from "../../../lib/schemas/mod.ts";
import { startSandbox } from "../../../lib/sandbox/mod.ts";
import { apiOf, pullTestRun, wirebondRun } from "../_helpers.ts";

const M1 = "20UPGM20000001";
const M2 = "20UPGM20000002";

Deno.test("sandbox test-run commands", async (t) => {
  const sb = await startSandbox({ demoModules: 2 });
  try {
    const api = await apiOf(sb);
    let first = "";

    await t.step("uploadTestRunResults → {testRun} in the real stored shape", async () => {
      await api("setComponentStage", { component: M1, stage: "MODULE/WIREBONDING" });
      const res = await api("uploadTestRunResults", pullTestRun(M1));
      assert.equal(res.status, 200);
      assert.deepEqual(res.json.uuAppErrorMap, {});
      const run = TestRunSchema.parse(res.json.testRun);
      first = run.id;
      assert.match(run.id, /^[0-9a-f]{24}$/);
      assert.equal(run.state, "ready");
      assert.equal(run.testType.code, "WIREBOND_PULL_TEST");
      assert.deepEqual(run.institution, {
        id: "65a0000000000000000000a1",
        code: "SANDBOX_A",
        name: "Sandbox Institute A",
      });
      const stored = res.json.testRun;
      assert.equal(stored.stage.code, "MODULE/WIREBONDING");
      assert.deepEqual(stored.defects, []);
      assert.deepEqual(stored.attachments, []);
      assert.deepEqual(Object.keys(stored.sys), ["cts", "mts", "rev"]);
      assert.equal(stored.components[0].serialNumber, M1);
      assert.equal(stored.components[0].testedAtStage.code, "MODULE/WIREBONDING");
      const results = valuesOf(run.results);
      assert.deepEqual(results.PULL_STRENGTH_DATA, [[8, 0, 1], [8.5, 1, 1], [9, 0, 2]]);
      assert.equal(results.WIRE_PULLS, 3);
      const mean = run.results!.find((r) => r.code === "PULL_STRENGTH")!;
      assert.equal(mean.dataType, "float");
      assert.equal(mean.valueType, "single");
      assert.equal(valuesOf(run.properties).MACHINE, "DAGE");
    });

    await t.step(
      "results the type does not define: stored with dataType null + warning",
      async () => {
        const input = wirebondRun(M1);
        (input.results as Record<string, unknown>).EXTRA_RESULT = [1, 2];
        const res = await api("uploadTestRunResults", input);
        assert.equal(res.status, 200);
        const extra = res.json.testRun.results.find((r: { code: string }) =>
          r.code === "EXTRA_RESULT"
        );
        assert.equal(extra.dataType, null);
        assert.deepEqual(extra.value, [1, 2]);
        const warning =
          res.json.uuAppErrorMap["cern-itkpd-main/uploadTestRunResults/unknownFields"];
        assert.equal(warning.type, "warning");
        assert.deepEqual(warning.paramMap.unknownKeyList, ["$.results.EXTRA_RESULT"]);
      },
    );

    await t.step("the same run twice makes two runs (duplicates accepted)", async () => {
      const a = await api("uploadTestRunResults", wirebondRun(M2, "7"));
      const b = await api("uploadTestRunResults", wirebondRun(M2, "7"));
      assert.equal(a.status, 200);
      assert.equal(b.status, 200);
      assert.notEqual(a.json.testRun.id, b.json.testRun.id);
    });

    await t.step("validation: missing and wrong-typed values by JSON path", async () => {
      const input = wirebondRun(M1);
      delete input.runNumber;
      const results = input.results as Record<string, unknown>;
      delete results.MIN_LOAD;
      results.MEAN_LOAD = "8.7";
      const res = await api("uploadTestRunResults", input);
      assert.equal(res.status, 400);
      const entry = res.json.uuAppErrorMap["cern-itkpd-main/uploadTestRunResults/invalidDtoIn"];
      assert.equal(entry.message, "DtoIn is not valid.");
      assert.match(entry.id, /^[0-9a-f]+$/);
      assert.ok(!Number.isNaN(Date.parse(entry.timestamp)));
      assert.deepEqual(Object.keys(entry.paramMap.missingKeyMap), ["$.runNumber"]);
      // the shape is checked first; the values once the shape is fine
      input.runNumber = "1";
      const again = await api("uploadTestRunResults", input);
      const p = again.json.uuAppErrorMap["cern-itkpd-main/uploadTestRunResults/invalidDtoIn"]
        .paramMap;
      assert.deepEqual(p.missingKeyMap, {
        "$.results.MIN_LOAD": { "isRequired.e001": "The value is required but missing." },
      });
      assert.deepEqual(Object.keys(p.invalidValueKeyMap).sort(), ["$", "$.results.MEAN_LOAD"]);
      assert.ok(p.invalidValueKeyMap["$.results.MEAN_LOAD"]["type.e001"]);
    });

    await t.step("validation of nested compound and array fields", async () => {
      const res = await api("uploadTestRunResults", {
        component: M1,
        testType: "QUAD_MODULE_METROLOGY",
        institution: "SANDBOX_A",
        runNumber: "1",
        passed: true,
        results: {
          AVERAGE_THICKNESS: [572, 553, "x", 584],
          STD_DEVIATION_THICKNESS: 2,
          THICKNESS_VARIATION_PICKUP_AREA: 11,
          PLANARITY: { VALUE: 12.5, POINTS: 1.5 },
          CORNER_HEIGHTS: [{ CORNER: "TL", HEIGHT: 1 }, { CORNER: "TR" }],
        },
      });
      assert.equal(res.status, 400);
      const p = res.json.uuAppErrorMap["cern-itkpd-main/uploadTestRunResults/invalidDtoIn"]
        .paramMap;
      assert.deepEqual(Object.keys(p.invalidValueKeyMap).sort(), [
        "$",
        "$.results.AVERAGE_THICKNESS[2]",
        "$.results.CORNER_HEIGHTS[1].HEIGHT",
        "$.results.PLANARITY.POINTS",
        "$.results.STD_DEVIATION_THICKNESS",
      ]);
      const ok = await api("uploadTestRunResults", {
        component: M1,
        testType: "QUAD_MODULE_METROLOGY",
        institution: "SANDBOX_A",
        runNumber: "1",
        passed: true,
        results: {
          AVERAGE_THICKNESS: [572, 553, 574, 584],
          STD_DEVIATION_THICKNESS: [2, 2, 1, 1],
          THICKNESS_VARIATION_PICKUP_AREA: 11,
          PLANARITY: { VALUE: 12.5, POINTS: 9 },
          CORNER_HEIGHTS: [{ CORNER: "TL", HEIGHT: 1 }],
        },
      });
      assert.equal(ok.status, 200);
      const angle = ok.json.testRun.results.find((r: { code: string }) =>
        r.code === "ANGLE_PCB_BM"
      );
      assert.equal(angle.value, null, "defined but not given: listed with value null");
    });

    await t.step("IV_MEASURE takes float arrays", async () => {
      const res = await api("uploadTestRunResults", {
        component: M2,
        testType: "IV_MEASURE",
        institution: "SANDBOX_B",
        runNumber: "iv-1",
        passed: true,
        problems: false,
        stage: "MODULE/INITIAL_WARM",
        properties: { TEMP: 20.5, HUMIDITY: 40 },
        results: { VOLTAGE: [0, -10, -20], CURRENT: [0, 0.1, 0.2], SIGMA_CURRENT: [0, 0.01, 0.01] },
      });
      assert.equal(res.status, 200);
      assert.equal(res.json.testRun.stage.code, "MODULE/INITIAL_WARM");
    });

    await t.step("unknown test type / component / institution → 400 with a code", async () => {
      const cases: [Record<string, unknown>, string, RegExp][] = [
        [{ testType: "NOPE" }, "testTypeDoesNotExist", /NOPE.*known: WIREBOND/],
        [{ component: "20UPGM20009999" }, "componentDoesNotExist", /20UPGM20009999/],
        [{ institution: "NOPE" }, "institutionDoesNotExist", /NOPE/],
      ];
      for (const [change, error, message] of cases) {
        const res = await api("uploadTestRunResults", { ...wirebondRun(M1), ...change });
        assert.equal(res.status, 400, error);
        const entry = res.json.uuAppErrorMap[`cern-itkpd-main/uploadTestRunResults/${error}`];
        assert.match(entry.message, message);
      }
    });

    await t.step("unsupported top-level key → warning only, the upload succeeds", async () => {
      const res = await api("uploadTestRunResults", { ...wirebondRun(M1), extraKey: 1 });
      assert.equal(res.status, 200);
      assert.ok(res.json.testRun.id);
      const w = res.json.uuAppErrorMap["cern-itkpd-main/uploadTestRunResults/unsupportedKeys"];
      assert.deepEqual(w.paramMap.unsupportedKeyList, ["$.extraKey"]);
      assert.equal(w.type, "warning");
    });

    await t.step("getTestRun and getTestRunBulk (max 100)", async () => {
      const one = await api("getTestRun", { testRun: first }, { method: "GET" });
      assert.equal(one.status, 200);
      assert.equal(one.json.id, first);
      const bulk = await api("getTestRunBulk", { testRun: [first, "000000000000000000000000"] });
      assert.equal(bulk.status, 200);
      assert.deepEqual(bulk.json.itemList.map((r: { id: string }) => r.id), [first]);
      TestRunSchema.parse(bulk.json.itemList[0]);
      const tooMany = await api("getTestRunBulk", {
        testRun: Array.from({ length: 101 }, () => first),
      });
      assert.equal(tooMany.status, 400);
      const missing = await api("getTestRun", { testRun: "000000000000000000000000" });
      assert.equal(missing.status, 400);
      assert.match(
        missing.json.uuAppErrorMap["cern-itkpd-main/getTestRun/testRunDoesNotExist"].message,
        /000000000000000000000000/,
      );
    });

    await t.step("listTestRunsByComponent: itemList of summaries, filters", async () => {
      const all = await api("listTestRunsByComponent", { filterMap: { code: M1 } }, {
        method: "GET",
      });
      assert.equal(all.status, 200);
      for (const s of all.json.itemList) TestRunSummarySchema.parse(s);
      assert.equal(all.json.itemList.length, 4);
      assert.deepEqual(Object.keys(all.json.itemList[0]).sort(), [
        "cts",
        "date",
        "id",
        "institution",
        "passed",
        "problems",
        "runNumber",
        "stage",
        "state",
        "stateTs",
        "testType",
      ]);
      const component = (await api("getComponent", { component: M1 })).json.code;
      const filtered = await api("listTestRunsByComponent", {
        filterMap: {
          code: component,
          stage: ["MODULE/WIREBONDING"],
          testType: ["WIREBOND_PULL_TEST"],
          state: ["ready"],
        },
      });
      assert.deepEqual(filtered.json.itemList.map((r: { id: string }) => r.id), [first]);
      assert.deepEqual(filtered.json.pageInfo, { pageIndex: 0, pageSize: 100, total: 1 });
      const bad = await api("listTestRunsByComponent", { filterMap: { stage: 3 } });
      const p = bad.json.uuAppErrorMap["cern-itkpd-main/listTestRunsByComponent/invalidDtoIn"]
        .paramMap;
      assert.ok(p.missingKeyMap["$.filterMap.code"]);
      assert.ok(p.invalidValueKeyMap["$.filterMap.stage"]);
    });

    await t.step("deleteTestRun: state deleted, listed only when asked", async () => {
      const res = await api("deleteTestRun", { testRun: first });
      assert.equal(res.status, 200);
      assert.equal(res.json.testRun.state, "deleted");
      const listed = await api("listTestRunsByComponent", { filterMap: { code: M1 } });
      assert.ok(!listed.json.itemList.some((r: { id: string }) => r.id === first));
      const deleted = await api("listTestRunsByComponent", {
        filterMap: { code: M1, state: ["deleted"] },
      });
      assert.deepEqual(deleted.json.itemList.map((r: { id: string }) => r.id), [first]);
      assert.equal((await api("getTestRun", { testRun: first })).json.state, "deleted");
    });

    await t.step("listTestRunsByTestType pages with pageItemList", async () => {
      for (let i = 0; i < 5; i++) await api("uploadTestRunResults", wirebondRun(M2, `p${i}`));
      const ids: string[] = [];
      for (let pageIndex = 0; pageIndex < 3; pageIndex++) {
        const res = await api("listTestRunsByTestType", {
          project: "P",
          componentType: "MODULE",
          testType: "WIREBOND",
          pageInfo: { pageIndex, pageSize: 3 },
        });
        assert.equal(res.status, 200);
        assert.equal(res.json.pageInfo.total, 9);
        ids.push(...res.json.pageItemList.map((r: { id: string }) => r.id));
        for (const r of res.json.pageItemList) assert.ok(r.components[0].serialNumber);
      }
      assert.equal(new Set(ids).size, 9);
      const unknown = await api("listTestRunsByTestType", {
        project: "P",
        componentType: "MODULE",
        testType: "NOPE",
      });
      assert.equal(unknown.status, 400);
    });

    await t.step("getBinaryData: 404 for an unknown code", async () => {
      const res = await api("uu-app-binarystore/getBinaryData", { code: "abc" }, {
        method: "GET",
      });
      assert.equal(res.status, 404);
      const entry =
        res.json.uuAppErrorMap["uu-app-binarystore/getBinaryData/binaryDataDoesNotExist"];
      assert.match(entry.message, /abc/);
    });
  } finally {
    await sb.close();
  }
});
