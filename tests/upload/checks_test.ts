import assert from "node:assert/strict";
import {
  applyOverrides,
  checkTestRun,
  defaultValuesProblem,
  identified,
  toDtoIn,
} from "../../lib/upload/mod.ts";
import { InputError } from "../../lib/errors.ts";
import { prototypeFor } from "../../lib/schemas/mod.ts";
import { moduleTestType } from "./_catalogue.ts";

Deno.test("applyOverrides", async (t) => {
  await t.step("replaces component and institution, keeps the rest, copies", () => {
    const doc = { component: null, institution: "OLD", runNumber: "1" };
    const out = applyOverrides(doc, { component: "20UPGM20000001", institution: "SANDBOX_A" });
    assert.deepEqual(out, {
      component: "20UPGM20000001",
      institution: "SANDBOX_A",
      runNumber: "1",
    });
    assert.equal(doc.component, null);
  });
  await t.step("unset or empty overrides leave the file's values", () => {
    assert.deepEqual(applyOverrides({ institution: "A" }, { institution: "" }), {
      institution: "A",
    });
    assert.deepEqual(applyOverrides({ runNumber: "1" }, {}), { runNumber: "1" });
  });
});

Deno.test("checkTestRun", async (t) => {
  await t.step("an unedited prototype: missing keys and every placeholder by JSON path", () => {
    const proto = prototypeFor(moduleTestType("QUAD_MODULE_METROLOGY"));
    const problems = checkTestRun(proto as unknown as Record<string, unknown>);
    assert.deepEqual(problems.map((p) => p.path), [
      "$.component",
      "$.institution",
      "$.properties.ANALYSIS_VERSION",
      "$.results.PLANARITY.METHOD",
      "$.results.CORNER_HEIGHTS[0].CORNER",
    ]);
    assert.equal(problems[0].message, "missing: set it in the file or pass --component-id");
    assert.match(problems[2].message, /^still the prototype placeholder "some_string"/);
  });
  await t.step("every required key of the original is checked", () => {
    assert.deepEqual(checkTestRun({}).map((p) => p.path), [
      "$.component",
      "$.testType",
      "$.institution",
      "$.runNumber",
      "$.passed",
      "$.results",
    ]);
  });
  await t.step("a complete run passes", () => {
    assert.deepEqual(
      checkTestRun({
        component: "C",
        testType: "T",
        institution: "I",
        runNumber: "1",
        passed: false,
        results: { X: 1 },
      }),
      [],
    );
  });
});

Deno.test("toDtoIn", async (t) => {
  await t.step("keeps the upload keys, leaves out the others with a notice", () => {
    const { dtoIn, notices } = toDtoIn({
      component: "C",
      testType: "T",
      institution: "I",
      runNumber: "1",
      passed: true,
      problem: false,
      definition: { code: "T" },
      results: {},
    });
    assert.deepEqual(dtoIn, {
      component: "C",
      testType: "T",
      institution: "I",
      runNumber: "1",
      passed: true,
      problems: false,
      properties: {},
      results: {},
    });
    assert.deepEqual(notices, [
      {
        path: "$.problem",
        message: 'not sent: uploadTestRunResults does not take it (did you mean "problems"?)',
      },
      { path: "$.definition", message: "not sent: uploadTestRunResults does not take it" },
      { path: "$.problems", message: "absent: sent as false" },
    ]);
  });
  await t.step("keeps problems, properties, date when given", () => {
    const { dtoIn, notices } = toDtoIn({ problems: true, properties: { A: 1 }, date: "2024" });
    assert.deepEqual(dtoIn, { problems: true, properties: { A: 1 }, date: "2024" });
    assert.deepEqual(notices, []);
  });
});

Deno.test("an unedited prototype without its placeholders is still refused", async (t) => {
  const proto = (): Record<string, unknown> => {
    const p = prototypeFor(moduleTestType("QUAD_MODULE_METROLOGY")) as unknown as Record<
      string,
      unknown
    >;
    // The user removed the "some_string" lines and filled in who and where, nothing else.
    const strip = (o: Record<string, unknown>) => {
      for (const [k, v] of Object.entries(o)) {
        if (JSON.stringify(v).includes('"some_string"')) delete o[k];
      }
    };
    strip(p.properties as Record<string, unknown>);
    strip(p.results as Record<string, unknown>);
    return { ...p, component: "20UPGM20000001", institution: "SANDBOX_A" };
  };
  await t.step("every value still 0.0, 0 or false: one problem saying so", () => {
    const problems = checkTestRun(proto());
    assert.equal(problems.length, 1, JSON.stringify(problems));
    assert.equal(problems[0].path, "$.results");
    assert.match(problems[0].message, /still the prototype's default.*runNumber "0-0"/);
    assert.match(problems[0].message, /--allow-default-values/);
  });
  await t.step("--allow-default-values lets it through; one filled-in value too", () => {
    assert.deepEqual(checkTestRun(proto(), { allowDefaultValues: true }), []);
    const edited = proto();
    (edited.results as Record<string, unknown>).THICKNESS_VARIATION_PICKUP_AREA = 3.5;
    assert.deepEqual(checkTestRun(edited), []);
  });
  await t.step("defaultValuesProblem: lists and objects of defaults count as defaults", () => {
    assert.ok(defaultValuesProblem({ results: { A: [0.0], B: { C: false, D: [] } } }));
    assert.equal(defaultValuesProblem({ results: { A: [0.0, 1] } }), undefined);
    assert.equal(defaultValuesProblem({ results: {} }), undefined);
  });
  await t.step("identity keys must be one line without control characters", () => {
    const doc = { ...proto(), runNumber: "1\n2", results: { X: 1 } };
    assert.deepEqual(checkTestRun(doc).map((p) => p.path), ["$.runNumber"]);
  });
});

Deno.test("identified: a run that names its component and institution, or one InputError", async (t) => {
  await t.step("the same run back, typed with both as strings", () => {
    const run = { component: "20UPGM20000001" as string | null, institution: "SANDBOX_A", x: 1 };
    const same = identified(run);
    assert.equal(same, run);
    const component: string = same.component;
    assert.equal(component, "20UPGM20000001");
  });
  await t.step("a missing one is named with what to do; nothing else is said", () => {
    assert.throws(
      () => identified({ component: null, institution: "" }),
      (e: unknown) => {
        assert.ok(e instanceof InputError);
        assert.deepEqual(e.problems.map((p) => p.path), ["$.component", "$.institution"]);
        assert.match(e.message, /^the test run does not say whose it is: nothing was sent/);
        assert.match(e.problems[1].message, /--institution/);
        return true;
      },
    );
  });
});
