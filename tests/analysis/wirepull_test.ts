/**
 * Tests of lib/analysis/wirepull.ts: the WIREBOND_PULL_TEST results and pass cuts (SPEC §4),
 * every cut at, just below and just above its boundary, every break mode.
 */
import assert from "node:assert/strict";
import { InputError, ParseError } from "../../lib/errors.ts";
import { DEFAULT_BREAK_MODE_MAPPING, describeMapping } from "../../lib/analysis/break_modes.ts";
import { summarize } from "../../lib/analysis/stats.ts";
import {
  checkCuts,
  WIREBOND_PULL_TEST_PROPERTY_CODES,
  WIREBOND_PULL_TEST_RESULT_CODES,
  type WirebondPullResults,
  wirebondPullTest,
} from "../../lib/analysis/wirepull.ts";
import { parseDage } from "../../lib/parsers/dage.ts";
import { reference } from "../_helpers/assertions.ts";
import { DAGE_HEADER, dageFile, type Pull, times } from "../_helpers/dage.ts";

const REFERENCE = reference("sample_wirebond_data.csv");
const close = (a: number, b: number, eps = 1e-9) =>
  assert.ok(Math.abs(a - b) < eps, `${a} vs ${b}`);
const run = (pulls: Pull[]) => wirebondPullTest(dageFile(pulls), DEFAULT_BREAK_MODE_MAPPING);

Deno.test("WIREBOND_PULL_TEST", async (t) => {
  await t.step("codes exported for the catalogue", () => {
    assert.deepEqual(WIREBOND_PULL_TEST_RESULT_CODES, [
      "WIRE_PULLS",
      "PULL_STRENGTH",
      "PULL_STRENGTH_ERROR",
      "PULL_STRENGTH_MIN",
      "PULL_STRENGTH_MAX",
      "WIRE_BREAKS_5G",
      "HEEL_BREAKS_ON_FE_CHIP",
      "HEEL_BREAKS_ON_PCB",
      "BOND_PEEL",
      "LIFT_OFFS_LESS_THAN_7G",
      "DATA_UNAVAILABLE",
      "PULL_STRENGTH_DATA",
    ]);
    assert.deepEqual(WIREBOND_PULL_TEST_PROPERTY_CODES, [
      "OPERATOR",
      "MACHINE",
      "BREAK_MODE_MAPPING",
      "BOND_GROUPS",
    ]);
  });
  await t.step("statistics, percentages, mode 5 excluded", () => {
    // modes: 0, 1, 2, 3 (peel < 7), 4 (peel >= 7), 5 (excluded), 0 (< 5 g)
    const p = dageFile([
      ["1", 10, "a"],
      ["2", 9, "a"],
      ["3", 8, "b"],
      ["4", 6, "b"],
      ["5", 7.5, "c"],
      ["6", 1, "c"],
      ["1", 4.5, "a"],
    ]);
    const { testRun, failedCuts } = wirebondPullTest(p, DEFAULT_BREAK_MODE_MAPPING, {
      component: "20UPGM20000001",
      institution: "LBNL",
    });
    const r = testRun.results;
    const valid = [10, 9, 8, 6, 7.5, 4.5];
    assert.equal(r.WIRE_PULLS, 7);
    close(r.PULL_STRENGTH, valid.reduce((a, b) => a + b) / 6);
    close(r.PULL_STRENGTH_ERROR, summarize(valid).std);
    assert.equal(r.PULL_STRENGTH_MIN, 4.5);
    assert.equal(r.PULL_STRENGTH_MAX, 10);
    assert.equal(r.WIRE_BREAKS_5G, 1);
    close(r.HEEL_BREAKS_ON_PCB, 100 / 7);
    close(r.HEEL_BREAKS_ON_FE_CHIP, 100 / 7);
    close(r.BOND_PEEL, 200 / 7);
    close(r.LIFT_OFFS_LESS_THAN_7G, 100 / 7);
    assert.equal(r.DATA_UNAVAILABLE, false);
    assert.deepEqual(r.PULL_STRENGTH_DATA, [
      [10, 0, 1],
      [9, 1, 1],
      [8, 2, 2],
      [6, 3, 2],
      [7.5, 4, 3],
      [1, 5, 3],
      [4.5, 0, 1],
    ]);
    assert.equal(testRun.passed, false);
    assert.deepEqual(failedCuts.map((f) => f.code), ["LIFT_OFFS_LESS_THAN_7G"]);
    assert.equal(testRun.component, "20UPGM20000001");
    assert.equal(testRun.institution, "LBNL");
    assert.equal(testRun.testType, "WIREBOND_PULL_TEST");
    assert.equal(testRun.date, "2018-10-09T14:05:32.000Z");
    assert.deepEqual(testRun.properties, {
      OPERATOR: "Ann",
      MACHINE: "DAGE 4000Plus 20001013",
      BREAK_MODE_MAPPING: describeMapping(DEFAULT_BREAK_MODE_MAPPING),
      BOND_GROUPS: "1=a; 2=b; 3=c",
    });
  });
  await t.step("each cut fails on its own", () => {
    const low = run([["1", 6.9], ["1", 6.9]]);
    assert.deepEqual(low.failedCuts.map((f) => f.code), ["PULL_STRENGTH"]);
    const min = run([["1", 3.9], ["1", 12]]);
    assert.deepEqual(min.failedCuts.map((f) => f.code), ["PULL_STRENGTH_MIN"]);
    assert.equal(min.failedCuts[0].message, "minimum pull strength 3.900 g is below 4 g");
    const ok = run([["1", 7], ["1", 7]]);
    assert.equal(ok.testRun.passed, true);
    assert.equal(ok.testRun.results.PULL_STRENGTH_ERROR, 0);
  });
  await t.step("only mode-5 pulls: DATA_UNAVAILABLE", () => {
    const o = run([["6", 8]]);
    assert.equal(o.testRun.results.DATA_UNAVAILABLE, true);
    assert.equal(o.testRun.passed, false);
    assert.deepEqual(o.failedCuts.map((f) => f.code), ["DATA_UNAVAILABLE"]);
  });
  await t.step("no valid test: ParseError unless allowEmpty", () => {
    const empty = parseDage(DAGE_HEADER, "e.csv");
    assert.throws(() => wirebondPullTest(empty, DEFAULT_BREAK_MODE_MAPPING), ParseError);
    const o = wirebondPullTest(empty, DEFAULT_BREAK_MODE_MAPPING, { allowEmpty: true });
    assert.equal(o.testRun.results.DATA_UNAVAILABLE, true);
    assert.equal(o.testRun.results.WIRE_PULLS, 0);
  });
  await t.step("unmapped grade code: error listing the code and file:line", () => {
    const p = dageFile([["1", 10], ["9", 8], ["9", 7]], "u.csv");
    assert.throws(() => wirebondPullTest(p, DEFAULT_BREAK_MODE_MAPPING), (e: unknown) => {
      assert.ok(e instanceof InputError);
      assert.deepEqual(e.problems, [{
        path: "u.csv:9",
        message:
          'grade code "9" is not in the break-mode mapping (default); used on 2 line(s): 9, 10',
      }]);
      return true;
    });
  });
  await t.step("the reference file", () => {
    const parsed = parseDage(Deno.readTextFileSync(REFERENCE), "sample_wirebond_data.csv");
    const { testRun } = wirebondPullTest(parsed, DEFAULT_BREAK_MODE_MAPPING);
    close(testRun.results.PULL_STRENGTH, 8.702613333333333, 1e-12);
    close(testRun.results.LIFT_OFFS_LESS_THAN_7G, 200 / 60);
    close(testRun.results.BOND_PEEL, 500 / 60);
    assert.equal(testRun.passed, true);
  });
});

Deno.test("WIREBOND_PULL_TEST cuts at, just below and just above each boundary", async (t) => {
  const EPS = 1e-6; // g or %: far below any real measurement's precision
  const results = (r: Partial<WirebondPullResults>): WirebondPullResults => ({
    WIRE_PULLS: 10,
    PULL_STRENGTH: 9,
    PULL_STRENGTH_ERROR: 1,
    PULL_STRENGTH_MIN: 6,
    PULL_STRENGTH_MAX: 11,
    WIRE_BREAKS_5G: 0,
    HEEL_BREAKS_ON_FE_CHIP: 0,
    HEEL_BREAKS_ON_PCB: 0,
    BOND_PEEL: 0,
    LIFT_OFFS_LESS_THAN_7G: 0,
    DATA_UNAVAILABLE: false,
    PULL_STRENGTH_DATA: [],
    ...r,
  });
  // [case, results, the cuts that fail]
  const cases: [string, Partial<WirebondPullResults>, string[]][] = [
    ["mean 7.0 g (at)", { PULL_STRENGTH: 7.0 }, []],
    ["mean just below 7 g", { PULL_STRENGTH: 7.0 - EPS }, ["PULL_STRENGTH"]],
    ["mean just above 7 g", { PULL_STRENGTH: 7.0 + EPS }, []],
    ["min 4.0 g (at)", { PULL_STRENGTH_MIN: 4.0 }, []],
    ["min just below 4 g", { PULL_STRENGTH_MIN: 4.0 - EPS }, ["PULL_STRENGTH_MIN"]],
    ["min just above 4 g", { PULL_STRENGTH_MIN: 4.0 + EPS }, []],
    ["lift-offs 9 % (at)", { LIFT_OFFS_LESS_THAN_7G: 9 }, []],
    ["lift-offs just below 9 %", { LIFT_OFFS_LESS_THAN_7G: 9 - EPS }, []],
    ["lift-offs just above 9 %", { LIFT_OFFS_LESS_THAN_7G: 9 + EPS }, ["LIFT_OFFS_LESS_THAN_7G"]],
    ["lift-offs 13 %", { LIFT_OFFS_LESS_THAN_7G: 13 }, ["LIFT_OFFS_LESS_THAN_7G"]],
    [
      "all three just outside",
      { PULL_STRENGTH: 7 - EPS, PULL_STRENGTH_MIN: 4 - EPS, LIFT_OFFS_LESS_THAN_7G: 9 + EPS },
      ["PULL_STRENGTH", "PULL_STRENGTH_MIN", "LIFT_OFFS_LESS_THAN_7G"],
    ],
    ["all three at their boundary", {
      PULL_STRENGTH: 7,
      PULL_STRENGTH_MIN: 4,
      LIFT_OFFS_LESS_THAN_7G: 9,
    }, []],
  ];
  for (const [name, r, fails] of cases) {
    await t.step(`checkCuts: ${name} → ${fails.length ? fails.join(", ") : "passed"}`, () => {
      assert.deepEqual(checkCuts(results(r)).map((f) => f.code), fails);
    });
  }
});

Deno.test("WIREBOND_PULL_TEST cuts from DAGE files, at and around each boundary", async (t) => {
  const peel = (load: number): Pull => ["4", load]; // bond peel on hybrid (mode 3)
  const mid = (load: number): Pull => ["1", load]; // midspan break (mode 0)
  // [case, pulls, the cuts that fail, the result checked and its value]
  const cases: [string, Pull[], string[], keyof WirebondPullResults, number][] = [
    ["mean exactly 7 g", [mid(7), mid(7)], [], "PULL_STRENGTH", 7],
    ["mean 7 g from 4 g and 10 g (min at 4 g too)", [mid(4), mid(10)], [], "PULL_STRENGTH", 7],
    ["mean 6.9999 g", [mid(6.9999), mid(6.9999)], ["PULL_STRENGTH"], "PULL_STRENGTH", 6.9999],
    ["mean 7.0001 g", [mid(7.0001), mid(7.0001)], [], "PULL_STRENGTH", 7.0001],
    ["min exactly 4 g", [mid(4), mid(12)], [], "PULL_STRENGTH_MIN", 4],
    ["min 3.9999 g", [mid(3.9999), mid(12)], ["PULL_STRENGTH_MIN"], "PULL_STRENGTH_MIN", 3.9999],
    ["min 4.0001 g", [mid(4.0001), mid(12)], [], "PULL_STRENGTH_MIN", 4.0001],
    // 9 of 100 pulls are bond peels below 7 g: exactly 9 %.
    [
      "lift-offs exactly 9 % (9 of 100)",
      [...times(9, peel(6.5)), ...times(91, mid(10))],
      [],
      "LIFT_OFFS_LESS_THAN_7G",
      9,
    ],
    [
      "lift-offs 9.09 % (1 of 11)",
      [peel(6.5), ...times(10, mid(10))],
      ["LIFT_OFFS_LESS_THAN_7G"],
      "LIFT_OFFS_LESS_THAN_7G",
      100 / 11,
    ],
    [
      "lift-offs 8.33 % (1 of 12)",
      [peel(6.5), ...times(11, mid(10))],
      [],
      "LIFT_OFFS_LESS_THAN_7G",
      100 / 12,
    ],
    [
      "lift-offs 10 % (10 of 100)",
      [...times(10, peel(6.5)), ...times(90, mid(10))],
      ["LIFT_OFFS_LESS_THAN_7G"],
      "LIFT_OFFS_LESS_THAN_7G",
      10,
    ],
  ];
  for (const [name, pulls, fails, code, value] of cases) {
    await t.step(`${name} → ${fails.length ? fails.join(", ") : "passed"}`, () => {
      const { testRun, failedCuts } = run(pulls);
      close(testRun.results[code] as number, value, 1e-12);
      assert.deepEqual(failedCuts.map((f) => f.code), fails);
      assert.equal(testRun.passed, fails.length === 0);
    });
  }
});

Deno.test("WIREBOND_PULL_TEST: WIRE_BREAKS_5G counts valid pulls below 5 g", async (t) => {
  // [case, the pull added to a 10 g midspan, WIRE_BREAKS_5G]
  const cases: [string, Pull, number][] = [
    ["exactly 5 g is not below", ["1", 5], 0],
    ["4.9999 g", ["1", 4.9999], 1],
    ["5.0001 g", ["1", 5.0001], 0],
    ["mode 0 at 4.9 g", ["1", 4.9], 1],
    ["mode 1 at 4.9 g", ["2", 4.9], 1],
    ["mode 2 at 4.9 g", ["3", 4.9], 1],
    ["mode 3 at 4.9 g", ["4", 4.9], 1],
    ["mode 4 at 4.9 g", ["5", 4.9], 1],
    ["mode 5 at 4.9 g (excluded)", ["6", 4.9], 0],
  ];
  for (const [name, pull, count] of cases) {
    await t.step(`${name} → ${count}`, () => {
      assert.equal(run([["1", 10], pull]).testRun.results.WIRE_BREAKS_5G, count);
    });
  }
});

Deno.test("WIREBOND_PULL_TEST: LIFT_OFFS_LESS_THAN_7G counts bond peels below 7 g", async (t) => {
  // [case, the pull added to a 10 g midspan, LIFT_OFFS_LESS_THAN_7G in % of 2 pulls]
  const cases: [string, Pull, number][] = [
    ["peel on hybrid at exactly 7 g is not below", ["4", 7], 0],
    ["peel on hybrid at 6.9999 g", ["4", 6.9999], 50],
    ["peel on hybrid at 7.0001 g", ["4", 7.0001], 0],
    ["peel on chip at exactly 7 g is not below", ["5", 7], 0],
    ["peel on chip at 6.9999 g", ["5", 6.9999], 50],
    ["midspan at 6.9999 g is no lift-off", ["1", 6.9999], 0],
    ["heel break on hybrid at 6.9999 g is no lift-off", ["2", 6.9999], 0],
    ["heel break on chip at 6.9999 g is no lift-off", ["3", 6.9999], 0],
    ["pull failure at 6.9999 g is no lift-off", ["6", 6.9999], 0],
  ];
  for (const [name, pull, percent] of cases) {
    await t.step(`${name} → ${percent} %`, () => {
      assert.equal(run([["1", 10], pull]).testRun.results.LIFT_OFFS_LESS_THAN_7G, percent);
    });
  }
});

Deno.test("WIREBOND_PULL_TEST: every break mode (default grade n → mode n−1)", async (t) => {
  // One 8 g pull of each grade code among three 10 g midspans: 4 pulls in all.
  type Expected = Pick<
    WirebondPullResults,
    | "WIRE_PULLS"
    | "PULL_STRENGTH"
    | "PULL_STRENGTH_MIN"
    | "HEEL_BREAKS_ON_PCB"
    | "HEEL_BREAKS_ON_FE_CHIP"
    | "BOND_PEEL"
  >;
  const counted: Expected = {
    WIRE_PULLS: 4,
    PULL_STRENGTH: 9.5,
    PULL_STRENGTH_MIN: 8,
    HEEL_BREAKS_ON_PCB: 0,
    HEEL_BREAKS_ON_FE_CHIP: 0,
    BOND_PEEL: 0,
  };
  const cases: [string, number, Expected][] = [
    ["1", 0, counted], // midspan: in the statistics, in no percentage
    ["2", 1, { ...counted, HEEL_BREAKS_ON_PCB: 25 }], // heel break on hybrid (PCB)
    ["3", 2, { ...counted, HEEL_BREAKS_ON_FE_CHIP: 25 }], // heel break on chip
    ["4", 3, { ...counted, BOND_PEEL: 25 }], // bond peel on hybrid
    ["5", 4, { ...counted, BOND_PEEL: 25 }], // bond peel on chip
    // pull failure: out of the statistics, still one of the WIRE_PULLS
    ["6", 5, { ...counted, PULL_STRENGTH: 10, PULL_STRENGTH_MIN: 10 }],
  ];
  for (const [grade, mode, expected] of cases) {
    await t.step(`grade ${grade} → mode ${mode}`, () => {
      const r = run([["1", 10], [grade, 8], ["1", 10], ["1", 10]]).testRun.results;
      assert.deepEqual(r.PULL_STRENGTH_DATA[1], [8, mode, 1]);
      const got = Object.fromEntries(Object.keys(expected).map((k) => [k, r[k as keyof Expected]]));
      assert.deepEqual(got, expected);
    });
  }
});

Deno.test("WIREBOND_PULL_TEST: percentages and statistics", async (t) => {
  await t.step("percentages are of WIRE_PULLS, pull failures included", () => {
    // heel on hybrid, heel on chip, peel on hybrid, peel on chip, failure, 3 midspans: 8 pulls
    const r = run([
      ["2", 8],
      ["3", 8],
      ["4", 8],
      ["5", 6],
      ["6", 1],
      ["1", 10],
      ["1", 10],
      ["1", 10],
    ]).testRun.results;
    assert.equal(r.WIRE_PULLS, 8);
    assert.equal(r.HEEL_BREAKS_ON_PCB, 12.5);
    assert.equal(r.HEEL_BREAKS_ON_FE_CHIP, 12.5);
    assert.equal(r.BOND_PEEL, 25);
    assert.equal(r.LIFT_OFFS_LESS_THAN_7G, 12.5);
  });
  // [valid loads (a pull failure at 0.5 g is added to each), PULL_STRENGTH_ERROR]
  const stds: [number[], number][] = [
    [[6, 8], Math.SQRT2], // n−1; the population std would be 1
    [[10, 10, 10, 4], 3], // population: 2.598…
    [[9], 0], // one valid pull: 0, not NaN
  ];
  for (const [loads, std] of stds) {
    await t.step(`PULL_STRENGTH_ERROR of [${loads.join(", ")}] is the sample std ${std}`, () => {
      const r = run([...loads.map((l): Pull => ["1", l]), ["6", 0.5]]).testRun.results;
      close(r.PULL_STRENGTH_ERROR, std, 1e-12);
      assert.equal(r.PULL_STRENGTH_MIN, Math.min(...loads));
      assert.equal(r.PULL_STRENGTH_MAX, Math.max(...loads));
      assert.equal(r.WIRE_PULLS, loads.length + 1);
    });
  }
});

Deno.test("a run whose statistics are not finite never passes", () => {
  const { testRun } = wirebondPullTest(dageFile([["1", 10], ["1", 9]]), DEFAULT_BREAK_MODE_MAPPING);
  assert.deepEqual(checkCuts(testRun.results), []);
  for (const code of ["PULL_STRENGTH", "PULL_STRENGTH_MIN", "LIFT_OFFS_LESS_THAN_7G"] as const) {
    for (const bad of [Infinity, -Infinity, NaN]) {
      const failed = checkCuts({ ...testRun.results, [code]: bad });
      assert.ok(failed.length > 0, `${code} = ${bad}`);
      assert.equal(failed[0].code, code);
      assert.match(failed[0].message, /not a finite number: the run cannot pass/);
    }
  }
  const failed = checkCuts({ ...testRun.results, PULL_STRENGTH_MAX: Infinity });
  assert.deepEqual(failed.map((f) => f.code), ["PULL_STRENGTH_MAX"]);
});
