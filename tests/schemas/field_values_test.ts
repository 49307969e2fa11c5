import assert from "node:assert/strict";
import {
  acceptsCertainly,
  checkValues,
  type FieldDefinition,
  fieldValueSchema,
  jsonPathStep,
  problemFromIssue,
  type ValuesCheck,
} from "../../lib/schemas/mod.ts";
import { randomNumber, randomRows, randomValue, seededRandom } from "../_helpers/random_values.ts";

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

/** checkValues with zod alone for every value: the reference of the direct checks. */
function zodOnly(defs: FieldDefinition[], values: Record<string, unknown>, base: string) {
  const out: ValuesCheck = { missing: [], invalid: [], unknown: [] };
  for (const key of Object.keys(values)) {
    if (!defs.some((f) => f.code === key)) out.unknown.push(`${base}${jsonPathStep(key)}`);
  }
  for (const f of defs) {
    const v = values[f.code];
    if (v === undefined || v === null) {
      if (f.required) out.missing.push(`${base}.${f.code}`);
      continue;
    }
    const result = fieldValueSchema(f).safeParse(v);
    if (!result.success) {
      for (const issue of result.error.issues) {
        out.invalid.push(problemFromIssue(issue, v, `${base}.${f.code}`));
      }
    }
  }
  return out;
}

Deno.test("checkValues: the direct checks agree with zod on good and bad values", () => {
  const rows = (dataType: string, k: number): FieldDefinition => ({
    code: `ROWS_${dataType}_${k}`,
    name: `Rows [${Array.from({ length: k }, (_, i) => `c${i}`).join(", ")}]`,
    dataType,
    valueType: "array",
    arrayDimensions: k,
    required: true,
  });
  const defs: FieldDefinition[] = [
    ...fields,
    { code: "COUNTS", dataType: "integer", valueType: "array", required: true },
    { code: "FLAGS", dataType: "boolean", valueType: "array", required: false },
    { code: "NOTES", dataType: "string", valueType: "array", required: false },
    { code: "ANY_CODE", dataType: "codeTable", valueType: "single", required: false },
    rows("float", 3),
    rows("integer", 2),
    rows("codeTable", 2),
  ];
  defs[defs.length - 1].codeTable = [{ code: "0", value: "a" }, {
    code: "some_string",
    value: "b",
  }];
  const r = seededRandom(7);
  const some = (): unknown => {
    const pick = r.int(0, 5);
    if (pick === 0) return randomRows(r, r.int(0, 6));
    if (pick === 1) return Array.from({ length: r.int(0, 6) }, () => randomNumber(r));
    if (pick === 2) return randomNumber(r);
    if (pick === 3) return ["0", "1", "x", true][r.int(0, 3)];
    return randomValue(r, 2);
  };
  let accepted = 0, refused = 0;
  for (let i = 0; i < 4000; i++) {
    const values: Record<string, unknown> = {};
    for (const f of defs) if (r.next() < 0.7) values[f.code] = some();
    const want = zodOnly(defs, values, "$.results");
    const got = checkValues(defs, values, "$.results");
    if (JSON.stringify(got) !== JSON.stringify(want)) {
      assert.deepEqual(got, want, Deno.inspect(values));
    }
    for (const f of defs) {
      const v = values[f.code];
      if (v === undefined || v === null) continue;
      const zod = fieldValueSchema(f).safeParse(v).success;
      // Never accepted directly what zod refuses: the direct checks only save time.
      if (acceptsCertainly(f, v)) assert.ok(zod, `${f.code}: ${Deno.inspect(v)}`);
      if (zod) accepted++;
      else refused++;
    }
  }
  assert.ok(accepted > 2000 && refused > 10_000, `${accepted} accepted, ${refused} refused`);
  // And what a batch sends is accepted without zod: the direct checks are in use.
  const pulls = { ...rows("float", 3), code: "PULL_STRENGTH_DATA" };
  assert.equal(acceptsCertainly(pulls, [[8.8365, 0, 1], [10.2, 1, 2]]), true);
  assert.equal(acceptsCertainly(pulls, [[8.8365, 0, 1], [10.2, 1]]), false);
  assert.equal(acceptsCertainly(pulls, [[8.8365, NaN, 1]]), false);
  assert.equal(acceptsCertainly(fields[0], 8.7), true);
  assert.equal(acceptsCertainly(fields[1], 2.5), false);
  assert.equal(acceptsCertainly(fields[4], "1"), true);
  assert.equal(acceptsCertainly(fields[4], "2"), false);
  assert.equal(acceptsCertainly(fields[6], { X: 1, Y: 2 }), false, "compound: zod only");
});
