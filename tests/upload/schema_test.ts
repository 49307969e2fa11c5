import assert from "node:assert/strict";
import { testRunSchema, validateTestRun } from "../../lib/upload/mod.ts";
import { moduleTestType } from "./_catalogue.ts";

const metrology = moduleTestType("QUAD_MODULE_METROLOGY");

function goodMetrology(): Record<string, unknown> {
  return {
    component: "20UPGM20000001",
    testType: "QUAD_MODULE_METROLOGY",
    institution: "SANDBOX_A",
    runNumber: "1",
    passed: true,
    problems: false,
    properties: { ANALYSIS_VERSION: "2.7" },
    results: {
      AVERAGE_THICKNESS: [500, 501.5],
      STD_DEVIATION_THICKNESS: [1, 2],
      THICKNESS_VARIATION_PICKUP_AREA: 3.5,
      PLANARITY: { VALUE: 12.5, POINTS: 9 },
      CORNER_HEIGHTS: [{ CORNER: "TL", HEIGHT: 1.25 }],
    },
  };
}

Deno.test("validateTestRun", async (t) => {
  await t.step("a valid run: no problem", () => {
    assert.deepEqual(validateTestRun(goodMetrology(), metrology), { problems: [], unknown: [] });
  });

  await t.step("every problem at once, each with its JSON path", () => {
    const doc = goodMetrology();
    const results = doc.results as Record<string, unknown>;
    doc.passed = "yes";
    doc.date = "yesterday";
    doc.testType = "IV_MEASURE";
    results.AVERAGE_THICKNESS = [500, "x", null];
    results.PLANARITY = { VALUE: "flat", POINTS: 9.5 };
    results.CORNER_HEIGHTS = [{ HEIGHT: 1 }, "TL"];
    delete results.THICKNESS_VARIATION_PICKUP_AREA;
    results.PLANARITYY = 1;
    const v = validateTestRun(doc, metrology);
    assert.deepEqual(v.problems, [
      {
        path: "$.testType",
        message: 'expected "QUAD_MODULE_METROLOGY", got the text "IV_MEASURE"',
      },
      {
        path: "$.date",
        message: 'expected a date like 2024-05-17T10:00:00.000Z, got the text "yesterday"',
      },
      { path: "$.passed", message: 'expected true or false, got the text "yes"' },
      { path: "$.results.AVERAGE_THICKNESS[1]", message: 'expected a number, got the text "x"' },
      { path: "$.results.AVERAGE_THICKNESS[2]", message: "expected a number, got null" },
      {
        path: "$.results.THICKNESS_VARIATION_PICKUP_AREA",
        message: "required by test type QUAD_MODULE_METROLOGY but missing",
      },
      { path: "$.results.PLANARITY.VALUE", message: 'expected a number, got the text "flat"' },
      {
        path: "$.results.PLANARITY.POINTS",
        message: "expected a whole number, got the number 9.5",
      },
      {
        path: "$.results.CORNER_HEIGHTS[0].CORNER",
        message: "required by test type QUAD_MODULE_METROLOGY but missing",
      },
      {
        path: "$.results.CORNER_HEIGHTS[1]",
        message: 'expected an object {CORNER, HEIGHT}, got the text "TL"',
      },
    ]);
    // Ours, in words: never zod's own text, never parentheses inside parentheses.
    for (const p of v.problems) {
      assert.doesNotMatch(p.message, /Invalid input|received|\([^)]*\(/);
    }
    assert.deepEqual(v.unknown.map((u) => u.path), ["$.results.PLANARITYY"]);
    assert.match(v.unknown[0].message, /did you mean PLANARITY\?/);
  });

  await t.step("absent results: every required result is listed", () => {
    const doc = goodMetrology();
    delete doc.results;
    const paths = validateTestRun(doc, metrology).problems.map((p) => p.path);
    assert.deepEqual(paths, [
      "$.results.AVERAGE_THICKNESS",
      "$.results.STD_DEVIATION_THICKNESS",
      "$.results.THICKNESS_VARIATION_PICKUP_AREA",
      "$.results.PLANARITY",
    ]);
  });

  await t.step("results that are not an object", () => {
    const doc = { ...goodMetrology(), results: [1] };
    assert.deepEqual(validateTestRun(doc, metrology).problems.map((p) => p.path), ["$.results"]);
  });

  await t.step("the wire-pull test type: a list of rows and booleans", () => {
    const tt = moduleTestType("WIREBOND_PULL_TEST");
    const schema = testRunSchema(tt);
    const base = {
      component: "C",
      testType: "WIREBOND_PULL_TEST",
      institution: "I",
      runNumber: "1",
      passed: true,
      results: {
        WIRE_PULLS: 2,
        PULL_STRENGTH: 8,
        PULL_STRENGTH_ERROR: 1,
        PULL_STRENGTH_MIN: 7,
        PULL_STRENGTH_MAX: 9,
        WIRE_BREAKS_5G: 0,
        HEEL_BREAKS_ON_FE_CHIP: 0,
        HEEL_BREAKS_ON_PCB: 0,
        BOND_PEEL: 0,
        LIFT_OFFS_LESS_THAN_7G: 0,
        DATA_UNAVAILABLE: false,
        PULL_STRENGTH_DATA: [[7, 0, 1], [9, 1, 1]],
      },
    };
    assert.equal(schema.safeParse(base).success, true);
    const bad = structuredClone(base);
    (bad.results as Record<string, unknown>).PULL_STRENGTH_DATA = [[7, 0, 1], [9, "x", 1]];
    (bad.results as Record<string, unknown>).DATA_UNAVAILABLE = 0;
    assert.deepEqual(validateTestRun(bad, tt).problems, [
      { path: "$.results.DATA_UNAVAILABLE", message: "expected true or false, got the number 0" },
      {
        path: "$.results.PULL_STRENGTH_DATA[1][1]",
        message: 'expected a number for break mode, got the text "x"',
      },
    ]);
  });

  await t.step("PULL_STRENGTH_DATA: each element is a row [strength, break mode, location]", () => {
    const tt = moduleTestType("WIREBOND_PULL_TEST");
    const doc = {
      component: "C",
      testType: "WIREBOND_PULL_TEST",
      institution: "I",
      runNumber: "1",
      passed: true,
      results: { PULL_STRENGTH_DATA: [7.6, [9, 0, 1], [8, 1], [8, 1, 1, 4]] },
    };
    assert.deepEqual(validateTestRun(doc, tt).problems, [
      {
        path: "$.results.PULL_STRENGTH_DATA[0]",
        message: "expected a list [strength, break mode, location], got the number 7.6",
      },
      {
        path: "$.results.PULL_STRENGTH_DATA[2]",
        message: "expected a list [strength, break mode, location], got a list of 2 values",
      },
      {
        path: "$.results.PULL_STRENGTH_DATA[3]",
        message: "expected a list [strength, break mode, location], got a list of 4 values",
      },
    ]);
  });
});

Deno.test("validateTestRun is linear in the size of the run, and its answer short", async (t) => {
  const pullTest = moduleTestType("WIREBOND_PULL_TEST");
  const doc = (n: number) => ({
    component: "20UPGM20000001",
    testType: "WIREBOND_PULL_TEST",
    institution: "SANDBOX_A",
    runNumber: "1",
    passed: true,
    problems: false,
    properties: {},
    results: { PULL_STRENGTH_DATA: Array.from({ length: n }, (_, i) => i * 0.5) },
  });
  const time = (n: number) => {
    const d = doc(n);
    const t0 = performance.now();
    const v = validateTestRun(d, pullTest);
    return { ms: performance.now() - t0, v };
  };
  await t.step("10,000 and 100,000 bare numbers: about 10 times the time, not 100", () => {
    time(10_000); // warm up
    const small = time(10_000);
    const large = time(100_000);
    assert.ok(
      large.ms < small.ms * 40,
      `10k: ${small.ms.toFixed(0)} ms, 100k: ${large.ms.toFixed(0)} ms`,
    );
    const summary = large.v.problems.find((p) => p.path === "$.results.PULL_STRENGTH_DATA[*]");
    assert.equal(
      summary?.message,
      "100,000 elements: expected a list [strength, break mode, location], got a number; " +
        "first at $.results.PULL_STRENGTH_DATA[0]",
    );
    assert.ok(large.v.problems.length < 20, JSON.stringify(large.v.problems));
  });
});

Deno.test("validateTestRun: a value nested 10,000 levels is one problem, not a crash", () => {
  let deep: unknown = 1;
  for (let i = 0; i < 10_000; i++) deep = [deep];
  const doc = goodMetrology();
  (doc.results as Record<string, unknown>).THICKNESS_VARIATION_PICKUP_AREA = deep;
  const v = validateTestRun(doc, metrology);
  assert.deepEqual(v.problems, [{
    path: "$.results.THICKNESS_VARIATION_PICKUP_AREA",
    message: "expected a number, got a list of 1 value",
  }]);
});
