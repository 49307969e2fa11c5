/**
 * Tests of lib/analysis/legacy_wirebond.ts: the original script's WIREBOND run (SPEC §3), its
 * values for the reference file, and its pass rule MIN_LOAD > 15.0 g at and around the boundary.
 */
import assert from "node:assert/strict";
import { InputError } from "../../lib/errors.ts";
import { DEFAULT_BREAK_MODE_MAPPING } from "../../lib/analysis/break_modes.ts";
import { legacyWirebond } from "../../lib/analysis/legacy_wirebond.ts";
import { parseDage } from "../../lib/parsers/dage.ts";
import { reference } from "../_helpers/assertions.ts";
import { dageFile, type Pull } from "../_helpers/dage.ts";

const REFERENCE = reference("sample_wirebond_data.csv");
const close = (a: number, b: number, eps = 1e-9) =>
  assert.ok(Math.abs(a - b) < eps, `${a} vs ${b}`);
const legacy = (pulls: Pull[], minLoad?: number) =>
  legacyWirebond(
    dageFile(pulls),
    DEFAULT_BREAK_MODE_MAPPING,
    minLoad === undefined ? {} : { minLoad },
  );

Deno.test("legacy WIREBOND", async (t) => {
  const parsed = parseDage(Deno.readTextFileSync(REFERENCE), "sample_wirebond_data.csv");
  const run = legacyWirebond(parsed, DEFAULT_BREAK_MODE_MAPPING);
  await t.step("same values as the original", () => {
    assert.deepEqual(Object.keys(run), [
      "component",
      "testType",
      "institution",
      "runNumber",
      "passed",
      "problems",
      "properties",
      "results",
    ]);
    assert.equal(run.component, null);
    assert.equal(run.testType, "WIREBOND");
    assert.equal(run.passed, false);
    assert.equal(run.problems, false);
    assert.deepEqual(run.properties, {
      MACHINE: "DAGE",
      LOAD: 15,
      OPERATOR: "Default operator",
      SPEED: 300,
      SHEAR: 0,
    });
    close(run.results.MEAN_LOAD, 8.702613333333333, 1e-12);
    close(run.results.STD_DEV_LOAD, 1.2727680, 1e-6);
    assert.equal(run.results.MAX_LOAD, 10.997);
    assert.equal(run.results.MIN_LOAD, 5.5805);
    // grade codes 2 and 3 (one each) are heel breaks under the default mapping
    close(run.results.PERCENT_HEEL_BREAKS, 200 / 60);
  });
  await t.step("SPEC §3's figures: 60 pulls, sample std (n−1), not the population one", () => {
    assert.equal(parsed.tests.length, 60);
    // Python's statistics.stdev on the file's 60 loads; statistics.pstdev gives 1.26211728…
    close(run.results.STD_DEV_LOAD, 1.2727682494344215, 1e-12);
    close(run.results.MEAN_LOAD, 8.702613333333334, 1e-12);
  });
  await t.step("minLoad and overrides", () => {
    const r = legacyWirebond(parsed, DEFAULT_BREAK_MODE_MAPPING, {
      minLoad: 5,
      component: "20UPGM20000001",
      institution: "SLAC",
    });
    assert.equal(r.passed, true);
    assert.equal(r.component, "20UPGM20000001");
    assert.equal(r.institution, "SLAC");
  });
  await t.step("unmapped grade code: InputError", () => {
    const p = dageFile([["1", 10], ["9", 8], ["9", 7]], "u.csv");
    assert.throws(() => legacyWirebond(p, DEFAULT_BREAK_MODE_MAPPING), InputError);
  });
});

Deno.test("legacy WIREBOND: passed when MIN_LOAD > 15.0 g", async (t) => {
  // [case, loads (grade 1), minLoad option, passed]
  const cases: [string, number[], number | undefined, boolean][] = [
    ["default, min exactly 15 g is not above", [15, 20], undefined, false],
    ["default, min 14.9999 g", [14.9999, 20], undefined, false],
    ["default, min 15.0001 g", [15.0001, 20], undefined, true],
    ["default, min 15.5 g", [15.5, 20], undefined, true],
    ["default, every pull at 20 g", [20, 20, 20], undefined, true],
    ["minLoad 15 given, min exactly 15 g", [15, 20], 15, false],
    ["minLoad 20, min exactly 20 g", [20, 25], 20, false],
    ["minLoad 20, min 19.9999 g", [19.9999, 25], 20, false],
    ["minLoad 20, min 20.0001 g", [20.0001, 25], 20, true],
    ["minLoad 16, min 15.5 g", [15.5, 20], 16, false],
  ];
  for (const [name, loads, minLoad, passed] of cases) {
    await t.step(`${name} → ${passed ? "passed" : "failed"}`, () => {
      const r = legacy(loads.map((l): Pull => ["1", l]), minLoad);
      assert.equal(r.results.MIN_LOAD, Math.min(...loads));
      assert.equal(r.passed, passed);
    });
  }
});

Deno.test("legacy WIREBOND: statistics over every pull, as the original", async (t) => {
  // The original script knew no break modes: MEAN/STD/MAX/MIN_LOAD are over every pull, a
  // grade-6 pull (operator error, break mode 5) included (see the module documentation).
  await t.step("a grade-6 pull counts in MIN_LOAD and the other statistics", () => {
    const r = legacy([["1", 20], ["6", 2], ["1", 26]]);
    assert.equal(r.results.MIN_LOAD, 2);
    assert.equal(r.results.MAX_LOAD, 26);
    assert.equal(r.results.MEAN_LOAD, 16);
    close(r.results.STD_DEV_LOAD, Math.sqrt(156), 1e-12); // (4² + 14² + 10²) / (3 − 1)
    assert.equal(r.passed, false);
  });
  // [grade code, counted as a heel break]
  const heel: [string, boolean][] = [
    ["1", false],
    ["2", true],
    ["3", true],
    ["4", false],
    ["5", false],
    ["6", false],
  ];
  for (const [grade, counted] of heel) {
    await t.step(`PERCENT_HEEL_BREAKS: grade ${grade} ${counted ? "is" : "is not"} one`, () => {
      // one pull of the grade among four, so 25 % when it counts; the denominator is every pull
      const r = legacy([["1", 20], [grade, 18], ["1", 20], ["1", 20]]);
      assert.equal(r.results.PERCENT_HEEL_BREAKS, counted ? 25 : 0);
    });
  }
  await t.step("PERCENT_HEEL_BREAKS is of every pull, grade 6 included", () => {
    const r = legacy([["2", 18], ["6", 2], ["1", 20], ["1", 20]]);
    assert.equal(r.results.PERCENT_HEEL_BREAKS, 25);
  });
  await t.step("one pull: STD_DEV_LOAD 0", () => {
    const r = legacy([["1", 17]]);
    assert.equal(r.results.STD_DEV_LOAD, 0);
    assert.equal(r.results.MIN_LOAD, 17);
    assert.equal(r.passed, true);
  });
});

Deno.test("WIREBOND: an infinite load does not pass MIN_LOAD > 15", () => {
  const q = dageFile([["1", 20], ["1", 30]]);
  assert.equal(legacyWirebond(q, DEFAULT_BREAK_MODE_MAPPING).passed, true);
  for (const t of q.tests) t.load = Infinity;
  assert.equal(legacyWirebond(q, DEFAULT_BREAK_MODE_MAPPING).passed, false);
});
