import assert from "node:assert/strict";
import { InputError } from "../../lib/errors.ts";
import { prototypeFileName, runFileName, selectPrototypes } from "../../lib/upload/mod.ts";
import { moduleTestType } from "./_catalogue.ts";

const types = ["WIREBOND", "WIREBOND_PULL_TEST", "IV_MEASURE"].map(moduleTestType);

Deno.test("prototypeFileName", () => {
  assert.equal(prototypeFileName("IV_MEASURE"), "prototype_IV_MEASURE.json");
  assert.equal(prototypeFileName("HYBRID-WIRE-PULL"), "prototype_HYBRID-WIRE-PULL.json");
  assert.equal(prototypeFileName("A/B C"), "prototype_A_B_C.json");
});

Deno.test("selectPrototypes", async (t) => {
  await t.step("every test type, as SPEC §2.3", () => {
    const files = selectPrototypes(types);
    assert.deepEqual(files.map((f) => f.fileName), [
      "prototype_WIREBOND.json",
      "prototype_WIREBOND_PULL_TEST.json",
      "prototype_IV_MEASURE.json",
    ]);
    const iv = files[2].doc;
    assert.deepEqual(iv, {
      component: null,
      testType: "IV_MEASURE",
      institution: null,
      runNumber: "0-0",
      passed: false,
      problems: false,
      properties: { TEMP: 0, HUMIDITY: 0, OPERATOR: "some_string" },
      results: { VOLTAGE: [0], CURRENT: [0], SIGMA_CURRENT: [0] },
    });
  });
  await t.step("one test type; verbose keeps the raw definition", () => {
    const [only] = selectPrototypes(types, { testType: "IV_MEASURE", verbose: true });
    assert.equal(only.code, "IV_MEASURE");
    assert.equal((only.doc.definition as { code: string }).code, "IV_MEASURE");
  });
  await t.step("an unknown test type: InputError with a suggestion and the codes", () => {
    assert.throws(
      () => selectPrototypes(types, { testType: "IV_MEASUR", scope: "P/MODULE" }),
      (e) => {
        assert.ok(e instanceof InputError);
        assert.equal(
          e.message,
          'test type "IV_MEASUR" not found for P/MODULE (did you mean IV_MEASURE?); ' +
            "available test types: WIREBOND, WIREBOND_PULL_TEST, IV_MEASURE",
        );
        return true;
      },
    );
  });
});

Deno.test("runFileName: outputs of two modules, test types or runs never share a name", () => {
  const names = new Set([
    runFileName({ component: "20UPGM20000001", testType: "IV_MEASURE", runNumber: "iv-1" }),
    runFileName({ component: "20UPGM20000002", testType: "IV_MEASURE", runNumber: "iv-1" }),
    runFileName({ component: "20UPGM20000001", testType: "WIREBOND", runNumber: "iv-1" }),
    runFileName({ component: "20UPGM20000001", testType: "IV_MEASURE", runNumber: "iv-2" }),
  ]);
  assert.equal(names.size, 4);
  assert.equal(
    runFileName({ component: "20UPGM20000001", testType: "WIREBOND_PULL_TEST", runNumber: "x" }),
    "20UPGM20000001_WIREBOND_PULL_TEST_x.json",
  );
  // Nothing of a run number can leave the folder or hide the file.
  assert.equal(
    runFileName({ component: null, testType: "T", runNumber: "../../etc/passwd\n" }),
    "no-component_T___.._etc_passwd_.json",
  );
});
