import assert from "node:assert/strict";
import {
  expectedWords,
  type FieldDefinition,
  rowColumns,
  rowLength,
  unitOf,
} from "../../lib/schemas/mod.ts";

const pulls: FieldDefinition = {
  code: "PULL_STRENGTH_DATA",
  name: "Pull data: [strength, break mode, location] per pull",
  description:
    "One row per pull: [strength (g), break mode 0-5, location (index into BOND_GROUPS)]",
  dataType: "float",
  valueType: "array",
  arrayDimensions: 3,
};

Deno.test("field shapes", async (t) => {
  await t.step("arrayDimensions ≥ 2 is the length of each row; 1 or none is a flat list", () => {
    assert.equal(rowLength(pulls), 3);
    assert.equal(rowLength({ ...pulls, arrayDimensions: 1 }), undefined);
    assert.equal(rowLength({ ...pulls, arrayDimensions: undefined }), undefined);
    assert.equal(rowLength({ ...pulls, valueType: "single" }), undefined);
    assert.equal(rowLength({ ...pulls, dataType: "compound" }), undefined);
  });

  await t.step("columns: named by the name, units from the description, types by range", () => {
    const columns = rowColumns(pulls, { testType: "WIREBOND_PULL_TEST", section: "results" });
    assert.deepEqual(columns?.map((c) => [c.name, c.dataType, c.unit]), [
      ["strength", "float", "g"],
      ["break mode", "integer", undefined],
      ["location", "integer", undefined],
    ]);
    // Without a place, the field's own data type for every column.
    assert.deepEqual(rowColumns(pulls)?.map((c) => c.dataType), ["float", "float", "float"]);
  });

  await t.step("the recorded strips catalogue: POSITION [chip ID, x, y]", async () => {
    const recorded = JSON.parse(
      await Deno.readTextFile(
        new URL("../../fixtures/reference/itkpd_listTestTypes_S_HYBRID.json", import.meta.url),
      ),
    );
    const fields: FieldDefinition[] = recorded.pageItemList.flatMap((
      t: { parameters?: FieldDefinition[] },
    ) => t.parameters ?? []);
    const position = fields.find((f) => f.code === "POSITION")!;
    assert.deepEqual(rowColumns(position)?.map((c) => c.name), ["chip ID", "x", "y"]);
    assert.equal(expectedWords(position), "a list of rows [chip ID, x, y]");
    const height = fields.find((f) => f.code === "HEIGHT")!;
    assert.equal(expectedWords(height), "a list of numbers");
    assert.equal(unitOf(height), "um");
  });

  await t.step("no bracketed names of the right count: numbered columns", () => {
    const def = { ...pulls, name: "[a, b]", description: undefined };
    assert.equal(expectedWords(def), "a list of rows [value 1, value 2, value 3]");
  });
});
