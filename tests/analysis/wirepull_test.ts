import assert from "node:assert/strict";
import { InputError, ParseError } from "../../lib/errors.ts";
import {
  breakdown,
  checkCuts,
  DEFAULT_BREAK_MODE_MAPPING,
  describeMapping,
  ivResults,
  legacyWirebond,
  parseBreakModeMapping,
  runNumber,
  summarize,
  testDate,
  WIREBOND_PULL_TEST_PROPERTY_CODES,
  WIREBOND_PULL_TEST_RESULT_CODES,
  wirebondPullTest,
} from "../../lib/analysis/mod.ts";
import { parseDage } from "../../lib/parsers/dage.ts";
import { parseIv } from "../../lib/parsers/iv.ts";

const REFERENCE = new URL("../../../shared/reference/sample_wirebond_data.csv", import.meta.url);
const hasReference = (() => {
  try {
    Deno.statSync(REFERENCE);
    return true;
  } catch {
    return false;
  }
})();
const close = (a: number, b: number, eps = 1e-9) =>
  assert.ok(Math.abs(a - b) < eps, `${a} vs ${b}`);

const HEADER = `"TESTER","4000Plus","20001013"\n"DATE","10/09/2018"\n"TIME","14:05:32"\n` +
  `"OPERATOR","Ann"\n"LOADUNIT","g"\n"TESTSPEED",300,"um/s"\n"TESTLOAD",15,"g"\n`;
function file(pulls: [string, number, string?][], name = "w.csv") {
  const body = pulls.map(([grade, load, label], i) =>
    `"TEST",${i + 1},"${grade}",${load},0.02,"0","${label ?? "r1 20g"}"`
  ).join("\n");
  return parseDage(HEADER + body + "\n", name);
}

Deno.test("summarize and breakdown", async (t) => {
  await t.step("sample standard deviation", () => {
    assert.deepEqual(summarize([2, 4, 4, 4, 5, 5, 7, 9]), {
      count: 8,
      mean: 5,
      std: Math.sqrt(32 / 7),
      min: 2,
      max: 9,
    });
  });
  await t.step("n < 2", () => {
    assert.deepEqual(summarize([3]), { count: 1, mean: 3, std: NaN, min: 3, max: 3 });
    assert.deepEqual(summarize([]), { count: 0, mean: NaN, std: NaN, min: NaN, max: NaN });
  });
  await t.step("breakdown by label and grade code, first-seen order", () => {
    const p = file([["1", 10, "a"], ["2", 6, "b"], ["1", 8, "a"]]);
    assert.deepEqual(breakdown(p.tests, "label").map((g) => [g.key, g.count, g.mean]), [
      ["a", 2, 9],
      ["b", 1, 6],
    ]);
    assert.deepEqual(breakdown(p.tests, "gradeCode").map((g) => [g.key, g.count]), [
      ["1", 2],
      ["2", 1],
    ]);
  });
});

Deno.test("break-mode mapping", async (t) => {
  await t.step("default mapping is n → n−1 and shown as text", () => {
    assert.deepEqual(DEFAULT_BREAK_MODE_MAPPING.gradeCodes, {
      "1": 0,
      "2": 1,
      "3": 2,
      "4": 3,
      "5": 4,
      "6": 5,
    });
    assert.equal(
      describeMapping(DEFAULT_BREAK_MODE_MAPPING),
      "grade→mode (default): 1→0 midspan break; 2→1 heel break on hybrid; 3→2 heel break on " +
        "chip; 4→3 bond peel on hybrid; 5→4 bond peel on chip; 6→5 pull failure / operator " +
        "error (excluded)",
    );
  });
  await t.step("a site file", () => {
    const m = parseBreakModeMapping('{"gradeCodes":{"1":2,"10":5},"site":"LAB"}', "lab.json");
    assert.deepEqual(m, { gradeCodes: { "1": 2, "10": 5 }, site: "LAB", source: "lab.json" });
    assert.equal(
      describeMapping(m),
      "grade→mode (lab.json, site LAB): 1→2 heel break on chip; 10→5 pull failure / operator error (excluded)",
    );
  });
  await t.step("bad files name the file and the JSON path", () => {
    assert.throws(
      () => parseBreakModeMapping('{"gradeCodes":{"1":7},"sight":"x"}', "bad.json"),
      (e: unknown) => {
        assert.ok(e instanceof InputError);
        assert.deepEqual(e.problems.map((p) => p.path).sort(), [
          "bad.json $",
          "bad.json $.gradeCodes.1",
        ]);
        assert.match(e.message, /^bad\.json: not a valid break-mode mapping/);
        return true;
      },
    );
    assert.throws(
      () => parseBreakModeMapping('{\n"gradeCodes": {,}\n}', "j.json"),
      (e: unknown) =>
        e instanceof ParseError && e.file === "j.json" && /not valid JSON/.test(e.message),
    );
  });
  await t.step("unmapped grade code: error listing the code and file:line", () => {
    const p = file([["1", 10], ["9", 8], ["9", 7]], "u.csv");
    assert.throws(() => wirebondPullTest(p, DEFAULT_BREAK_MODE_MAPPING), (e: unknown) => {
      assert.ok(e instanceof InputError);
      assert.deepEqual(e.problems, [{
        path: "u.csv:9",
        message:
          'grade code "9" is not in the break-mode mapping (default); used on 2 line(s): 9, 10',
      }]);
      return true;
    });
    assert.throws(() => legacyWirebond(p, DEFAULT_BREAK_MODE_MAPPING), InputError);
  });
});

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
    const p = file([
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
    const low = wirebondPullTest(file([["1", 6.9], ["1", 6.9]]), DEFAULT_BREAK_MODE_MAPPING);
    assert.deepEqual(low.failedCuts.map((f) => f.code), ["PULL_STRENGTH"]);
    const min = wirebondPullTest(file([["1", 3.9], ["1", 12]]), DEFAULT_BREAK_MODE_MAPPING);
    assert.deepEqual(min.failedCuts.map((f) => f.code), ["PULL_STRENGTH_MIN"]);
    assert.equal(min.failedCuts[0].message, "minimum pull strength 3.900 g is below 4 g");
    const ok = wirebondPullTest(file([["1", 7], ["1", 7]]), DEFAULT_BREAK_MODE_MAPPING);
    assert.equal(ok.testRun.passed, true);
    assert.equal(ok.testRun.results.PULL_STRENGTH_ERROR, 0);
  });
  await t.step("only mode-5 pulls: DATA_UNAVAILABLE", () => {
    const o = wirebondPullTest(file([["6", 8]]), DEFAULT_BREAK_MODE_MAPPING);
    assert.equal(o.testRun.results.DATA_UNAVAILABLE, true);
    assert.equal(o.testRun.passed, false);
    assert.deepEqual(o.failedCuts.map((f) => f.code), ["DATA_UNAVAILABLE"]);
  });
  await t.step("no valid test: ParseError unless allowEmpty", () => {
    const empty = parseDage(HEADER, "e.csv");
    assert.throws(() => wirebondPullTest(empty, DEFAULT_BREAK_MODE_MAPPING), ParseError);
    const o = wirebondPullTest(empty, DEFAULT_BREAK_MODE_MAPPING, { allowEmpty: true });
    assert.equal(o.testRun.results.DATA_UNAVAILABLE, true);
    assert.equal(o.testRun.results.WIRE_PULLS, 0);
  });
});

Deno.test("legacy WIREBOND", { ignore: !hasReference }, async (t) => {
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
  await t.step("WIREBOND_PULL_TEST of the reference", () => {
    const { testRun } = wirebondPullTest(parsed, DEFAULT_BREAK_MODE_MAPPING);
    close(testRun.results.PULL_STRENGTH, 8.702613333333333, 1e-12);
    close(testRun.results.LIFT_OFFS_LESS_THAN_7G, 200 / 60);
    close(testRun.results.BOND_PEEL, 500 / 60);
    assert.equal(testRun.passed, true);
  });
});

Deno.test("run number and date", async (t) => {
  const a = file([["1", 10], ["1", 9]]);
  await t.step("from DATE/TIME plus a content hash, stable", () => {
    const rn = runNumber(a);
    assert.match(rn, /^20181009-140532-[0-9a-f]{8}$/);
    assert.equal(runNumber(file([["1", 10], ["1", 9]])), rn);
    assert.notEqual(runNumber(file([["1", 10], ["1", 9.1]])), rn);
    assert.equal(testDate(a), "2018-10-09T14:05:32.000Z");
  });
  await t.step("CRLF does not change it", () => {
    const text = HEADER + `"TEST",1,"1",10,0.02,"0","r1 20g"\n"TEST",2,"1",9,0.02,"0","r1 20g"\n`;
    assert.equal(runNumber(parseDage(text.replaceAll("\n", "\r\n"))), runNumber(a));
  });
  await t.step("no date: undated-<hash>", () => {
    const p = parseDage(`"LOADUNIT","g"\n"TEST",1,"1",10,0.02,"0","x"\n`);
    assert.match(runNumber(p), /^undated-[0-9a-f]{8}$/);
    assert.equal(testDate(p), undefined);
  });
});

Deno.test("IV results", async (t) => {
  await t.step("converted to V and uA", () => {
    const r = ivResults(parseIv("U[mV] I[nA]\n-2000 -150\n0 0\n", "iv.txt"));
    assert.deepEqual(r, { VOLTAGE: [-2, 0], CURRENT: [-0.15, 0] });
  });
  await t.step("unknown unit: InputError at the header line", () => {
    assert.throws(() => ivResults(parseIv("U[V] I[furlong]\n1 2\n", "iv.txt")), (e: unknown) => {
      assert.ok(e instanceof InputError);
      assert.equal(e.problems[0].path, "iv.txt:1");
      return true;
    });
  });
});

Deno.test("a run whose statistics are not finite never passes", async (t) => {
  const p = file([["1", 10], ["1", 9]]);
  const { testRun } = wirebondPullTest(p, DEFAULT_BREAK_MODE_MAPPING);
  await t.step("WIREBOND_PULL_TEST: every statistic the cuts read", () => {
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
  await t.step("WIREBOND: an infinite load does not pass MIN_LOAD > 15", () => {
    const q = file([["1", 20], ["1", 30]]);
    assert.equal(legacyWirebond(q, DEFAULT_BREAK_MODE_MAPPING).passed, true);
    for (const t of q.tests) t.load = Infinity;
    assert.equal(legacyWirebond(q, DEFAULT_BREAK_MODE_MAPPING).passed, false);
  });
});
