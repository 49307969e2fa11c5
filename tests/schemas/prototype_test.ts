import assert from "node:assert/strict";
import {
  findPlaceholders,
  prototypeFor,
  prototypeJson,
  type TestType,
} from "../../lib/schemas/mod.ts";

const testType: TestType = {
  id: "0123456789abcdef01234567",
  code: "DEMO",
  name: "Demo",
  properties: [
    { code: "MACHINE", dataType: "string", required: false },
    { code: "LOAD", dataType: "float", required: false },
  ],
  parameters: [
    { code: "N", dataType: "integer", required: true },
    { code: "OK", dataType: "boolean", required: true },
    { code: "CURVE", dataType: "float", valueType: "array", required: true },
    {
      code: "POS",
      dataType: "compound",
      required: false,
      children: [{ code: "X", dataType: "float" }, { code: "LABEL", dataType: "string" }],
    },
  ],
};

Deno.test("prototypeFor", async (t) => {
  await t.step("fills placeholders as the original test_prototype did", () => {
    assert.deepEqual(prototypeFor(testType), {
      component: null,
      testType: "DEMO",
      institution: null,
      runNumber: "0-0",
      passed: false,
      problems: false,
      properties: { MACHINE: "some_string", LOAD: 0 },
      results: { N: 0, OK: false, CURVE: [0], POS: { X: 0, LABEL: "some_string" } },
    });
  });
  await t.step("a list of rows gets one row in the row's shape; floats stay 0.0", () => {
    const pulls: TestType = {
      id: "0123456789abcdef01234567",
      code: "WIREBOND_PULL_TEST",
      parameters: [{
        code: "PULL_STRENGTH_DATA",
        name: "Pulls: [strength, break mode, location]",
        dataType: "float",
        valueType: "array",
        arrayDimensions: 3,
        required: false,
      }, { code: "FLAT", dataType: "float", valueType: "array", arrayDimensions: 1 }],
    };
    const proto = prototypeFor(pulls);
    assert.deepEqual(proto.results, { PULL_STRENGTH_DATA: [[0, 0, 0]], FLAT: [0] });
    // Break mode and location are whole numbers (lib/schemas/ranges.ts): written 0, not 0.0.
    const text = prototypeJson(pulls, proto);
    assert.match(text, /"PULL_STRENGTH_DATA": \[\n\s+\[\n\s+0\.0,\n\s+0,\n\s+0\n\s+\]\n\s+\]/);
    assert.match(text, /"FLAT": \[\n\s+0\.0\n\s+\]/);
  });
  await t.step("verbose keeps the definition", () => {
    assert.equal(prototypeFor(testType, true).definition, testType);
  });
  await t.step("findPlaceholders lists every unedited string", () => {
    assert.deepEqual(findPlaceholders(prototypeFor(testType)), [
      "$.properties.MACHINE",
      "$.results.POS.LABEL",
    ]);
  });
});
