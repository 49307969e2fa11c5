import assert from "node:assert/strict";
import {
  buildSerial,
  codeFromFile,
  codeTableEntry,
  escapeOf,
  flagPlace,
  parsePropertyValue,
  propertiesFromFlags,
  resolveChoice,
} from "../../lib/register/mod.ts";
import type { FieldDefinition } from "../../lib/schemas/test_type.ts";

const FECHIP: FieldDefinition = {
  code: "FECHIP_VERSION",
  dataType: "codeTable",
  required: true,
  codeTable: [
    { code: "0", value: "RD53A" },
    { code: "1", value: "ITkpix_v1" },
    { code: "9", value: "No FE chip" },
  ],
};

Deno.test("parsePropertyValue", async (t) => {
  await t.step("boolean: y/n/true/false/1/0", () => {
    const def = { code: "ROOF", dataType: "boolean" };
    for (const yes of ["y", "YES", "true", "1"]) {
      assert.deepEqual(parsePropertyValue(def, yes), { ok: true, value: true });
    }
    for (const no of ["n", "no", "False", "0"]) {
      assert.deepEqual(parsePropertyValue(def, no), { ok: true, value: false });
    }
    const bad = parsePropertyValue(def, "maybe");
    assert.deepEqual(bad.ok, false);
    if (!bad.ok) assert.match(bad.reason, /'maybe' is not yes or no/);
  });
  await t.step("integer refuses fractions and text", () => {
    const def = { code: "IREFTRIM_FE1", dataType: "integer" };
    assert.deepEqual(parsePropertyValue(def, " 7 "), { ok: true, value: 7 });
    assert.deepEqual(parsePropertyValue(def, "-3"), { ok: true, value: -3 });
    assert.deepEqual(parsePropertyValue(def, "1.5").ok, false);
    assert.deepEqual(parsePropertyValue(def, "abc").ok, false);
    assert.deepEqual(parsePropertyValue(def, "1e3").ok, false);
  });
  await t.step("float and string", () => {
    assert.deepEqual(parsePropertyValue({ code: "X", dataType: "float" }, "12.5"), {
      ok: true,
      value: 12.5,
    });
    assert.deepEqual(parsePropertyValue({ code: "X", dataType: "float" }, "1,5").ok, false);
    assert.deepEqual(parsePropertyValue({ code: "S", dataType: "string" }, " a b "), {
      ok: true,
      value: "a b",
    });
  });
  await t.step("codeTable: code or shown value; numeric codes are not list numbers", () => {
    assert.deepEqual(parsePropertyValue(FECHIP, "1"), { ok: true, value: "1" });
    assert.deepEqual(parsePropertyValue(FECHIP, "itkpix_v1"), { ok: true, value: "1" });
    assert.deepEqual(parsePropertyValue(FECHIP, "3").ok, false); // "3" is no code, not entry 3
    const table = [{ code: "A", value: "first" }, { code: "B" }];
    assert.deepEqual(codeTableEntry(table, "2")?.code, "B");
    assert.deepEqual(codeTableEntry(table, "b")?.code, "B");
    // A file names an entry by its code or its shown value, never by its place in the list.
    assert.deepEqual(codeTableEntry(table, "2", { byPosition: false }), undefined);
    assert.deepEqual(codeTableEntry(table, "FIRST", { byPosition: false })?.code, "A");
  });
  await t.step("codeFromFile: a code, a shown value in any case, a number that is a code", () => {
    assert.equal(codeFromFile(FECHIP, "1"), "1");
    assert.equal(codeFromFile(FECHIP, "ITKPIX_V1"), "1");
    assert.equal(codeFromFile(FECHIP, 1), "1");
    assert.equal(codeFromFile(FECHIP, "nope"), "nope"); // left for the check to refuse
    assert.equal(codeFromFile(FECHIP, true), true);
    assert.deepEqual(codeFromFile({ ...FECHIP, valueType: "array" }, ["itkpix_v1", "0"]), [
      "1",
      "0",
    ]);
    assert.equal(codeFromFile({ code: "S", dataType: "string" }, "itkpix_v1"), "itkpix_v1");
  });
  await t.step("array values, comma-separated", () => {
    const def = { code: "L", dataType: "integer", valueType: "array" };
    assert.deepEqual(parsePropertyValue(def, "1, 2,3"), { ok: true, value: [1, 2, 3] });
    const bad = parsePropertyValue(def, "1,x");
    assert.deepEqual(bad.ok, false);
    if (!bad.ok) assert.match(bad.reason, /^item 2:/);
  });
});

Deno.test("buildSerial", async (t) => {
  await t.step("7 digits complete the prefix", () => {
    assert.deepEqual(buildSerial("20UPGM2", "0000123"), { ok: true, serial: "20UPGM20000123" });
  });
  await t.step("a full serial with the right prefix is taken", () => {
    assert.deepEqual(buildSerial("20UPGM2", "20upgm20000123"), {
      ok: true,
      serial: "20UPGM20000123",
    });
  });
  await t.step("wrong length or prefix says what to type", () => {
    const short = buildSerial("20UPGM2", "123");
    assert.deepEqual(short.ok, false);
    if (!short.ok) assert.match(short.reason, /last 7 digits .*20UPGM2nnnnnnn.*'123'/);
    const other = buildSerial("20UPGM2", "20UPBM20000123");
    assert.deepEqual(other.ok, false);
    if (!other.ok) assert.match(other.reason, /20UPGM2 followed by 7 digits/);
  });
});

Deno.test("choices and escape codes", async (t) => {
  const choices = [
    { code: "OUTER_SYSTEM_QUAD_MODULE", value: 1 },
    { code: "L1_INNER_PIXEL_QUAD_MODULE", value: 2 },
  ];
  await t.step("number, code (any case) or unique prefix", () => {
    assert.deepEqual(resolveChoice(choices, "2")?.value, 2);
    assert.deepEqual(resolveChoice(choices, "outer_system_quad_module")?.value, 1);
    assert.deepEqual(resolveChoice(choices, "L1")?.value, 2);
    assert.deepEqual(resolveChoice(choices, "3"), undefined);
    assert.deepEqual(resolveChoice(choices, ""), undefined);
  });
  await t.step("a code that is a number wins over a list number", () => {
    assert.deepEqual(
      resolveChoice([{ code: "2", value: "a" }, { code: "1", value: "b" }], "1")?.value,
      "b",
    );
  });
  await t.step("escape codes in any case; typos are no escape", () => {
    assert.deepEqual(escapeOf(" &back"), "&BACK");
    assert.deepEqual(escapeOf("&BACKK"), undefined);
  });
});

Deno.test("flags form helpers", async (t) => {
  await t.step("--property CODE=VALUE", () => {
    const { properties, problems } = propertiesFromFlags(["ROOF=y", "A=b=c", "nothing", "ROOF=n"]);
    assert.deepEqual(properties, { ROOF: "y", A: "b=c" });
    assert.deepEqual(problems.map((p) => p.path), ["--property nothing", "--property ROOF"]);
  });
  await t.step("JSON paths become flag names", () => {
    assert.deepEqual(flagPlace("$.serialNumber"), "--serial");
    assert.deepEqual(flagPlace("$.componentType"), "--component-type");
    assert.deepEqual(flagPlace("$.properties.ORIENTATION"), "--property ORIENTATION");
  });
});
