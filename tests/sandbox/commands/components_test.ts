import assert from "node:assert/strict";
import { ComponentSchema } from "../../../lib/schemas/mod.ts";
import { startSandbox } from "../../../lib/sandbox/mod.ts";
import { apiOf } from "../_helpers.ts";

const MODULE = {
  project: "P",
  subproject: "PG",
  institution: "SANDBOX_B",
  componentType: "MODULE",
  type: "OUTER_SYSTEM_QUAD_MODULE",
  serialNumber: "20UPGM29000001",
  properties: { ORIENTATION: true, FECHIP_VERSION: "2", IREFTRIM_FE1: 8 },
};

Deno.test("sandbox component commands", async (t) => {
  const sb = await startSandbox({ demoModules: 25 });
  try {
    const api = await apiOf(sb);
    let code = "";

    await t.step("registerComponent → {component} at the initial stage", async () => {
      const res = await api("registerComponent", MODULE);
      assert.equal(res.status, 200);
      assert.deepEqual(res.json.uuAppErrorMap, {});
      const c = ComponentSchema.parse(res.json.component);
      code = c.code;
      assert.match(c.code, /^[0-9a-f]{32}$/);
      assert.match(c.id!, /^[0-9a-f]{24}$/);
      assert.equal(c.serialNumber, "20UPGM29000001");
      assert.deepEqual(res.json.component.currentStage, {
        code: "MODULE/ASSEMBLY",
        name: "Bare module to module PCB assembly",
      });
      assert.deepEqual(res.json.component.type, {
        code: "OUTER_SYSTEM_QUAD_MODULE",
        name: "Outer system quad module",
      });
      const props = res.json.component.properties;
      const fechip = props.find((p: { code: string }) => p.code === "FECHIP_VERSION");
      assert.equal(fechip.value, "ITkpix_v1.1");
      assert.equal(props.find((p: { code: string }) => p.code === "ROOF").value, null);
    });

    await t.step("getComponent by code and by serial number", async () => {
      const byCode = await api("getComponent", { component: code }, { method: "GET" });
      const bySerial = await api("getComponent", { component: "20UPGM29000001" });
      assert.equal(byCode.status, 200);
      assert.deepEqual(byCode.json, bySerial.json);
      assert.deepEqual(byCode.json.uuAppErrorMap, {});
    });

    await t.step("getComponent unknown → 400 componentDoesNotExist naming the id", async () => {
      const res = await api("getComponent", { component: "20UPGM29999999" });
      assert.equal(res.status, 400);
      const entry = res.json.uuAppErrorMap["cern-itkpd-main/getComponent/componentDoesNotExist"];
      assert.equal(entry.type, "error");
      assert.match(entry.message, /20UPGM29999999/);
    });

    await t.step("registerComponent validation: every problem by JSON path", async () => {
      const res = await api("registerComponent", {
        ...MODULE,
        subproject: "PI",
        serialNumber: "20UPGM2123",
        properties: { ORIENTATION: "yes", FECHIP_VERSION: "7" },
      });
      assert.equal(res.status, 400);
      const p = res.json.uuAppErrorMap["cern-itkpd-main/registerComponent/invalidDtoIn"].paramMap;
      assert.deepEqual(Object.keys(p.invalidValueKeyMap).sort(), [
        "$",
        "$.properties.FECHIP_VERSION",
        "$.properties.ORIENTATION",
        "$.subproject",
      ]);
      const missing = await api("registerComponent", {
        ...MODULE,
        serialNumber: undefined,
        properties: { ORIENTATION: true },
      });
      const mp = missing.json.uuAppErrorMap["cern-itkpd-main/registerComponent/invalidDtoIn"]
        .paramMap;
      assert.deepEqual(Object.keys(mp.missingKeyMap).sort(), [
        "$.properties.FECHIP_VERSION",
        "$.serialNumber",
      ]);
      assert.deepEqual(mp.missingKeyMap["$.serialNumber"], {
        "isRequired.e001": "The value is required but missing.",
      });
    });

    await t.step("registerComponent: unknown type, component type, institution", async () => {
      const cases: [Record<string, unknown>, string][] = [
        [{ type: "NOPE" }, "typeDoesNotExist"],
        [{ componentType: "NOPE" }, "componentTypeDoesNotExist"],
        [{ institution: "NOPE" }, "institutionDoesNotExist"],
      ];
      for (const [change, error] of cases) {
        const res = await api("registerComponent", { ...MODULE, ...change });
        assert.equal(res.status, 400, error);
        const entry = res.json.uuAppErrorMap[`cern-itkpd-main/registerComponent/${error}`];
        assert.match(entry.message, /NOPE/);
      }
    });

    await t.step("registerComponent: a serial number twice → 400", async () => {
      const res = await api("registerComponent", MODULE);
      assert.equal(res.status, 400);
      assert.ok(
        res.json.uuAppErrorMap["cern-itkpd-main/registerComponent/serialNumberAlreadyExists"],
      );
    });

    await t.step("registerComponent: unsupported key → warning, success", async () => {
      const res = await api("registerComponent", {
        ...MODULE,
        serialNumber: "20UPGM29000002",
        color: "blue",
      });
      assert.equal(res.status, 200);
      assert.deepEqual(
        res.json.uuAppErrorMap["cern-itkpd-main/registerComponent/unsupportedKeys"],
        {
          type: "warning",
          message: "DtoIn contains unsupported keys.",
          paramMap: { unsupportedKeyList: ["$.color"] },
        },
      );
    });

    await t.step("setComponentStage", async () => {
      const res = await api("setComponentStage", { component: code, stage: "MODULE/WIREBONDING" });
      assert.equal(res.status, 200);
      assert.equal(res.json.component.currentStage.code, "MODULE/WIREBONDING");
      assert.equal(res.json.component.stages.length, 2);
      const again = await api("getComponent", { component: code });
      assert.equal(again.json.currentStage.code, "MODULE/WIREBONDING");
      const bad = await api("setComponentStage", { component: code, stage: "MODULE/NOPE" });
      assert.equal(bad.status, 400);
      assert.ok(bad.json.uuAppErrorMap["cern-itkpd-main/setComponentStage/stageDoesNotExist"]);
    });

    await t.step("getComponentBulk: itemList, at most 100 ids", async () => {
      const res = await api("getComponentBulk", {
        component: [code, "20UPGM20000003", "20UPGM20000025", "unknown"],
      });
      assert.equal(res.status, 200);
      assert.deepEqual(res.json.itemList.map((c: { serialNumber: string }) => c.serialNumber), [
        "20UPGM29000001",
        "20UPGM20000003",
        "20UPGM20000025",
      ]);
      const tooMany = await api("getComponentBulk", {
        component: Array.from({ length: 101 }, (_, i) => `c${i}`),
      });
      assert.equal(tooMany.status, 400);
      const p =
        tooMany.json.uuAppErrorMap["cern-itkpd-main/getComponentBulk/invalidDtoIn"].paramMap;
      assert.match(JSON.stringify(p.invalidValueKeyMap["$.component"]), /at most 100/);
    });

    await t.step("listComponents pages over > 1 page", async () => {
      const seen: string[] = [];
      for (let pageIndex = 0; pageIndex < 3; pageIndex++) {
        const res = await api("listComponents", {
          project: "P",
          componentType: "MODULE",
          institution: "SANDBOX_A",
          pageInfo: { pageIndex, pageSize: 10 },
        }, { method: "GET" });
        assert.equal(res.status, 200);
        assert.deepEqual(res.json.pageInfo, { pageIndex, pageSize: 10, total: 25 });
        seen.push(...res.json.pageItemList.map((c: { serialNumber: string }) => c.serialNumber));
      }
      assert.equal(seen.length, 25);
      assert.equal(new Set(seen).size, 25);
      assert.equal(seen[0], "20UPGM20000001");
      const all = await api("listComponents", { project: "P", pageInfo: { pageSize: 100000 } });
      assert.equal(all.json.pageInfo.pageSize, 3000);
      assert.equal(all.json.pageInfo.total, 27);
    });
  } finally {
    await sb.close();
  }
});
