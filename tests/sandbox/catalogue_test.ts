import assert from "node:assert/strict";
import {
  ComponentTypeSchema,
  ListInstitutionsAnswerSchema,
  ListTestTypesAnswerSchema,
  TestTypeSchema,
} from "../../lib/schemas/mod.ts";
import { startSandbox } from "../../lib/sandbox/mod.ts";
import { apiOf, http } from "./_helpers.ts";

const CATALOGUE_FILES = ["institutions.json", "component_types.json", "test_types.json"];

Deno.test("sandbox catalogue data files are marked as a stand-in", async () => {
  for (const name of CATALOGUE_FILES) {
    const url = new URL(`../../lib/sandbox/catalogue/${name}`, import.meta.url);
    const doc = JSON.parse(await Deno.readTextFile(url));
    assert.equal(doc._note, "STAND-IN for the local sandbox, not the real ITkPD catalogue", name);
  }
});

Deno.test("sandbox catalogue commands", async (t) => {
  const sb = await startSandbox();
  try {
    const api = await apiOf(sb);

    await t.step("listInstitutions: pageItemList of institutions with projects", async () => {
      const res = await api("listInstitutions", {}, { method: "GET" });
      assert.equal(res.status, 200);
      ListInstitutionsAnswerSchema.parse(res.json);
      assert.deepEqual(res.json.uuAppErrorMap, {});
      const codes = res.json.pageItemList.map((i: { code: string }) => i.code);
      assert.deepEqual(codes, ["SANDBOX_A", "SANDBOX_B", "SANDBOX_C"]);
      const a = res.json.pageItemList[0];
      assert.equal(a.name, "Sandbox Institute A");
      assert.match(a.id, /^[0-9a-f]{24}$/);
      assert.equal(a.componentType[0].code, "P");
      assert.deepEqual(a.componentType[0].itemList[0], {
        id: "65a0000000000000000000c1",
        code: "MODULE",
        name: "Module",
      });
      const c = res.json.pageItemList[2];
      assert.deepEqual(c.componentType.map((p: { code: string }) => p.code), ["P", "S"]);
      assert.deepEqual(res.json.pageInfo, { pageIndex: 0, pageSize: 100, total: 3 });
    });

    await t.step("listInstitutions pages", async () => {
      const res = await api("listInstitutions", { pageInfo: { pageIndex: 1, pageSize: 2 } });
      assert.deepEqual(res.json.pageItemList.map((i: { code: string }) => i.code), ["SANDBOX_C"]);
      assert.deepEqual(res.json.pageInfo, { pageIndex: 1, pageSize: 2, total: 3 });
    });

    await t.step("listComponentTypes {project}", async () => {
      const res = await api("listComponentTypes", { project: "P" });
      assert.equal(res.status, 200);
      assert.deepEqual(res.json.pageItemList.map((c: { code: string }) => c.code), [
        "MODULE",
        "BARE_MODULE",
      ]);
    });

    await t.step("getComponentType by code and by id", async () => {
      const byCode = await api("getComponentType", { code: "MODULE", project: "P" });
      assert.equal(byCode.status, 200);
      const ct = ComponentTypeSchema.parse(byCode.json);
      assert.equal(ct.snRequired, true);
      assert.deepEqual(ct.types.map((t) => [t.code, t.snComponentIdentifier]), [
        ["OUTER_SYSTEM_QUAD_MODULE", "M2"],
        ["L1_INNER_PIXEL_QUAD_MODULE", "M1"],
        ["L0_INNER_PIXEL_TRIPLET_MODULE", "M0"],
        ["DIGITAL_QUAD_MODULE", "MD"],
      ]);
      assert.deepEqual(ct.stages!.map((s) => s.code), [
        "MODULE/ASSEMBLY",
        "MODULE/WIREBONDING",
        "MODULE/PARYLENE",
        "MODULE/INITIAL_WARM",
        "MODULE/FINAL_TEST",
      ]);
      const fechip = ct.properties!.find((p) => p.code === "FECHIP_VERSION")!;
      assert.equal(fechip.dataType, "codeTable");
      assert.equal(fechip.required, true);
      assert.deepEqual(fechip.codeTable!.map((e) => e.code), ["0", "1", "2", "3", "9"]);
      const byId = await api("getComponentType", { id: ct.id });
      assert.equal(byId.json.code, "MODULE");
    });

    await t.step("getComponentType unknown → 400 componentTypeDoesNotExist", async () => {
      const res = await api("getComponentType", { code: "NOPE", project: "P" });
      assert.equal(res.status, 400);
      const entry =
        res.json.uuAppErrorMap["cern-itkpd-main/getComponentType/componentTypeDoesNotExist"];
      assert.match(entry.message, /"NOPE"/);
    });

    await t.step("listTestTypes: the real answer shape", async () => {
      const res = await api("listTestTypes", { project: "P", componentType: "MODULE" }, {
        method: "GET",
      });
      assert.equal(res.status, 200);
      ListTestTypesAnswerSchema.parse(res.json);
      assert.deepEqual(Object.keys(res.json).sort(), [
        "componentType",
        "pageInfo",
        "pageItemList",
        "uuAppErrorMap",
      ]);
      const codes = res.json.pageItemList.map((t: { code: string }) => t.code);
      assert.deepEqual(codes, [
        "WIREBOND",
        "WIREBOND_PULL_TEST",
        "IV_MEASURE",
        "QUAD_MODULE_METROLOGY",
      ]);
      const ct = res.json.componentType;
      assert.equal(ct.code, "MODULE");
      assert.equal(ct.project, "P");
      const wb = ct.stages.find((s: { code: string }) => s.code === "MODULE/WIREBONDING");
      const pull = res.json.pageItemList[1];
      assert.equal(wb.testTypes[0].testType, pull.id);
      for (const p of pull.parameters) {
        for (const key of ["order", "thresholds", "children", "arrayDimensions", "required"]) {
          assert.ok(key in p, `${p.code} has ${key}`);
        }
      }
      const data = pull.parameters.find((p: { code: string }) => p.code === "PULL_STRENGTH_DATA");
      assert.deepEqual(
        [data.dataType, data.valueType, data.arrayDimensions, data.required],
        ["float", "array", 3, false],
      );
      assert.deepEqual(res.json.pageInfo, { pageIndex: 0, pageSize: 100, total: 4 });
    });

    await t.step("listTestTypes for strips: codes may hold '-'", async () => {
      const res = await api("listTestTypes", { project: "S", componentType: "HYBRID" });
      assert.equal(res.json.pageItemList[0].code, "HYBRID-WIRE-PULL");
    });

    await t.step("listTestTypes with a bad project → 400 oneOf", async () => {
      const res = await api("listTestTypes", { project: "Fake", componentType: "MODULE" });
      assert.equal(res.status, 400);
      const params = res.json.uuAppErrorMap["cern-itkpd-main/listTestTypes/invalidDtoIn"].paramMap;
      assert.deepEqual(params.invalidValueKeyMap["$.project"], {
        "oneOf.e001": "The value must be one of ['S', 'P', 'CM', 'CE'].",
      });
    });

    await t.step("getTestType by id and by code", async () => {
      const byCode = await api("getTestType", {
        code: "IV_MEASURE",
        project: "P",
        componentType: "MODULE",
      });
      assert.equal(byCode.status, 200);
      const tt = TestTypeSchema.parse(byCode.json);
      assert.deepEqual(tt.parameters!.map((p) => [p.code, p.valueType, p.required]), [
        ["VOLTAGE", "array", true],
        ["CURRENT", "array", true],
        ["SIGMA_CURRENT", "array", false],
      ]);
      const byId = await api("getTestType", { id: tt.id });
      assert.equal(byId.json.code, "IV_MEASURE");
      const missing = await api("getTestType", { id: "000000000000000000000000" });
      assert.equal(missing.status, 400);
      assert.ok(missing.json.uuAppErrorMap["cern-itkpd-main/getTestType/testTypeDoesNotExist"]);
    });

    await t.step("an unknown route answers 200 with HTML", async () => {
      for (const path of ["api/noSuchCommand", "", "something/else"]) {
        const res = await http(sb.apiUrl.replace(/api\/$/, "") + path, { method: "GET" });
        assert.equal(res.status, 200);
        assert.match(String(res.headers["content-type"]), /text\/html/);
        assert.match(res.text, /<html/);
      }
    });
  } finally {
    await sb.close();
  }
});
