import assert from "node:assert/strict";
import { explainListing, explainPrototype, prototypeMarkdown } from "../../lib/upload/mod.ts";
import { moduleTestType } from "./_catalogue.ts";

Deno.test("the explanation of a prototype", async (t) => {
  const pull = moduleTestType("WIREBOND_PULL_TEST");
  await t.step("every key: required or optional, type, shape, unit, range", () => {
    const keys = new Map(explainPrototype(pull).map((k) => [k.key, k]));
    assert.equal(keys.get("runNumber")?.required, true);
    assert.equal(keys.get("date")?.required, false);
    const mean = keys.get("results.PULL_STRENGTH")!;
    assert.deepEqual(
      [mean.required, mean.type, mean.shape, mean.unit, mean.range],
      [false, "a number", "one value", "g", "0 … 100,000 g"],
    );
    assert.equal(
      keys.get("results.PULL_STRENGTH_DATA")?.shape,
      "a list of rows [strength, break mode, location]",
    );
    const mode = keys.get("results.PULL_STRENGTH_DATA[i][1]")!;
    assert.deepEqual([mode.name, mode.type, mode.range], [
      "break mode",
      "a whole number",
      "0 … 5, whole numbers",
    ]);
    // Every field of the definition is explained, properties and results.
    for (const f of [...pull.properties ?? [], ...pull.parameters ?? []]) {
      const section = (pull.properties ?? []).includes(f) ? "properties" : "results";
      assert.ok(keys.has(`${section}.${f.code}`), f.code);
    }
  });

  await t.step("code tables list their codes with their names", () => {
    const keys = explainPrototype({
      id: "1",
      code: "T",
      properties: [{
        code: "CHIP",
        name: "FE chip",
        dataType: "codeTable",
        required: true,
        codeTable: [{ code: "0", value: "RD53A" }, { code: "3", value: "ITkpix_v2" }],
      }],
    });
    assert.equal(keys.find((k) => k.key === "properties.CHIP")?.codes, "0 = RD53A, 3 = ITkpix_v2");
  });

  await t.step("the Markdown file: one table row per key, | escaped, one line each", () => {
    const md = prototypeMarkdown({
      id: "1",
      code: "T",
      parameters: [{ code: "X", name: "a | b\nc [mm]", dataType: "float", required: true }],
    }, { fileName: "prototype_T.json", uploadCommand: "deno task -q upload-test-results" });
    assert.match(md, /deno task -q upload-test-results --test-file prototype_T\.json --test/);
    const row = md.split("\n").find((l) => l.startsWith("| `results.X`"));
    assert.equal(
      row,
      "| `results.X` | a \\| b\\nc [mm] | a number | one value | required | mm |  |",
    );
  });

  await t.step("the listing: one line per key, then what it is", () => {
    const text = explainListing(pull);
    assert.match(text, /^WIREBOND_PULL_TEST \(Wirebond pull test\):\n/);
    assert.match(text, /\n {2}results\.PULL_STRENGTH_MIN +optional {2}a number \[g\]\n/);
    assert.match(text, /\n {4}results\.PULL_STRENGTH_DATA\[i\]\[0\] +required {2}/);
  });
});
