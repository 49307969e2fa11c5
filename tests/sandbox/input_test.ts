import assert from "node:assert/strict";
import { startSandbox } from "../../lib/sandbox/mod.ts";
import { http, tokenOf } from "./_helpers.ts";

Deno.test("sandbox reads input from POST body, GET body and GET query", async (t) => {
  const sb = await startSandbox({ demoModules: 12 });
  try {
    const token = await tokenOf(sb);
    const input = {
      project: "P",
      componentType: "MODULE",
      pageInfo: { pageIndex: 1, pageSize: 5 },
    };
    const serials = (res: { json: { pageItemList: { serialNumber: string }[] } }) =>
      res.json.pageItemList.map((c) => c.serialNumber);

    await t.step("the three forms give the same answer", async () => {
      const post = await http(sb.apiUrl + "listComponents", { token, body: input });
      const getBody = await http(sb.apiUrl + "listComponents", {
        token,
        method: "GET",
        body: input,
      });
      const query = new URLSearchParams({
        project: "P",
        componentType: "MODULE",
        pageInfo: JSON.stringify(input.pageInfo),
      });
      const getQuery = await http(`${sb.apiUrl}listComponents?${query}`, { token, method: "GET" });
      for (const res of [post, getBody, getQuery]) {
        assert.equal(res.status, 200);
        assert.deepEqual(res.json.pageInfo, { pageIndex: 1, pageSize: 5, total: 12 });
      }
      assert.deepEqual(serials(getBody), serials(post));
      assert.deepEqual(serials(getQuery), serials(post));
      assert.equal(serials(post)[0], "20UPGM20000006");
    });

    await t.step("query strings stay strings; repeated keys make a list", async () => {
      const one = await http(`${sb.apiUrl}getComponent?component=20UPGM20000002`, {
        token,
        method: "GET",
      });
      assert.equal(one.json.serialNumber, "20UPGM20000002");
      const bulk = await http(
        `${sb.apiUrl}getComponentBulk?component=20UPGM20000001&component=20UPGM20000002`,
        { token, method: "GET" },
      );
      assert.equal(bulk.json.itemList.length, 2);
    });

    await t.step("a body that is not JSON → 400 invalidDtoIn", async () => {
      const res = await http(sb.apiUrl + "getComponent", { token, raw: "{nope" });
      assert.equal(res.status, 400);
      const entry = res.json.uuAppErrorMap["cern-itkpd-main/getComponent/invalidDtoIn"];
      assert.match(JSON.stringify(entry.paramMap), /not valid JSON/);
    });

    await t.step("a dtoIn that is not an object → 400 invalidDtoIn", async () => {
      const res = await http(sb.apiUrl + "getComponent", { token, body: [1, 2] });
      assert.equal(res.status, 400);
      const p = res.json.uuAppErrorMap["cern-itkpd-main/getComponent/invalidDtoIn"].paramMap;
      assert.ok(p.invalidValueKeyMap["$"]["type.e001"]);
    });

    await t.step("the real answer to getComponent with only pageInfo", async () => {
      const res = await http(sb.apiUrl + "getComponent", {
        token,
        method: "GET",
        body: { pageInfo: { pageSize: 1 } },
      });
      assert.equal(res.status, 400);
      const map = res.json.uuAppErrorMap;
      const err = map["cern-itkpd-main/getComponent/invalidDtoIn"];
      assert.equal(err.type, "error");
      assert.deepEqual(err.paramMap, {
        unsupportedKeyList: ["$.pageInfo"],
        invalidValueKeyMap: { "$": { "shape.e002": "The content of shape must be valid." } },
        missingKeyMap: {
          "$.component": { "isRequired.e001": "The value is required but missing." },
        },
      });
      assert.deepEqual(map["cern-itkpd-main/getComponent/unsupportedKeys"], {
        type: "warning",
        message: "DtoIn contains unsupported keys.",
        paramMap: { unsupportedKeyList: ["$.pageInfo"] },
      });
    });
  } finally {
    await sb.close();
  }
});
