import assert from "node:assert/strict";
import { checkValues, type FieldDefinition, fieldValueSchema } from "../../lib/schemas/mod.ts";

const fields: FieldDefinition[] = [
  { code: "MEAN", dataType: "float", valueType: "single", required: true },
  { code: "COUNT", dataType: "integer", valueType: "single", required: false },
  { code: "OK", dataType: "boolean", required: false },
  { code: "NOTE", dataType: "string", required: false },
  {
    code: "CHIP",
    dataType: "codeTable",
    required: true,
    codeTable: [{ code: "0", value: "RD53A" }, { code: "1", value: "ITkPix_v1" }],
  },
  { code: "CURVE", dataType: "float", valueType: "array", required: false },
  {
    code: "POS",
    dataType: "compound",
    required: false,
    children: [
      { code: "X", dataType: "float", required: true },
      { code: "Y", dataType: "float", required: true },
    ],
  },
];

Deno.test("checkValues", async (t) => {
  await t.step("accepts a complete, well-typed map", () => {
    const r = checkValues(
      fields,
      { MEAN: 8.7, COUNT: 3, OK: true, NOTE: "x", CHIP: "1", CURVE: [1, 2.5], POS: { X: 1, Y: 2 } },
      "$.results",
    );
    assert.deepEqual(r, { missing: [], invalid: [], unknown: [] });
  });

  await t.step("reports every problem at once with its JSON path", () => {
    const r = checkValues(
      fields,
      { COUNT: 1.5, OK: "yes", CHIP: "7", CURVE: [1, "a"], POS: { X: 1 }, EXTRA: 1 },
      "$.results",
    );
    assert.deepEqual(r.missing, ["$.results.MEAN"]);
    assert.deepEqual(r.unknown, ["$.results.EXTRA"]);
    const paths = r.invalid.map((p) => p.path).sort();
    assert.deepEqual(paths, [
      "$.results.CHIP",
      "$.results.COUNT",
      "$.results.CURVE[1]",
      "$.results.OK",
      "$.results.POS.Y",
    ]);
    assert.match(r.invalid.find((p) => p.path === "$.results.CHIP")!.message, /one of/);
  });

  await t.step("null or absent optional values are fine, required ones are missing", () => {
    const r = checkValues(fields, { MEAN: null, CHIP: "0", NOTE: null }, "$.results");
    assert.deepEqual(r.missing, ["$.results.MEAN"]);
    assert.deepEqual(r.invalid, []);
  });

  await t.step("a non-object map is invalid at its base path", () => {
    const r = checkValues(fields, [1, 2], "$.properties");
    assert.equal(r.invalid[0].path, "$.properties");
  });

  await t.step("arrayDimensions k (k ≥ 2) takes a list of rows of k values", () => {
    // As the recorded strips catalogue declares POSITION: [chip ID, x, y], arrayDimensions 3.
    const def: FieldDefinition = {
      code: "DATA",
      name: "Pulls",
      description: "One row per pull: [strength (g), break mode, location]",
      dataType: "float",
      valueType: "array",
      arrayDimensions: 3,
      required: true,
    };
    assert.equal(fieldValueSchema(def).safeParse([[1, 0, 2], [3.5, 1, 0]]).success, true);
    const r = checkValues([def], { DATA: [[1, "x", 2], 7.6, [1, 2]] }, "$.results");
    assert.deepEqual(r.invalid, [
      {
        path: "$.results.DATA[0][1]",
        message: 'expected a number for break mode, got the text "x"',
      },
      {
        path: "$.results.DATA[1]",
        message: "expected a list [strength, break mode, location], got the number 7.6",
      },
      {
        path: "$.results.DATA[2]",
        message: "expected a list [strength, break mode, location], got a list of 2 values",
      },
    ]);
    // No names in the definition: the columns are numbered.
    const unnamed = checkValues([{ ...def, name: undefined, description: undefined }], {
      DATA: [1],
    }, "$.results");
    assert.equal(
      unnamed.invalid[0].message,
      "expected a list [value 1, value 2, value 3], got the number 1",
    );
    // arrayDimensions 1 (or none) is a flat list.
    const flat = { ...def, arrayDimensions: 1 };
    assert.equal(fieldValueSchema(flat).safeParse([1, 2.5]).success, true);
    assert.deepEqual(checkValues([flat], { DATA: [[1]] }, "$.results").invalid, [
      { path: "$.results.DATA[0]", message: "expected a number, got a list of 1 value" },
    ]);
  });

  await t.step("non-finite floats are refused", () => {
    assert.equal(fieldValueSchema(fields[0]).safeParse(Infinity).success, false);
    assert.equal(fieldValueSchema(fields[0]).safeParse(2).success, true);
  });
});

Deno.test("fieldValueSchema: built once per definition, checked against many times", () => {
  // A batch checks thousands of runs against the definitions it fetched once: building their
  // schemas again for every run was most of the client's validation time.
  for (const def of fields) assert.equal(fieldValueSchema(def), fieldValueSchema(def));
  const copy = { ...fields[0] };
  assert.notEqual(fieldValueSchema(copy), fieldValueSchema(fields[0]), "per definition object");
  assert.equal(fieldValueSchema(copy).safeParse(8.7).success, true);
  assert.equal(fieldValueSchema(copy).safeParse(Infinity).success, false);
});
