import assert from "node:assert/strict";
import { InputError, ParseError } from "../../lib/errors.ts";
import { generateDage } from "../../lib/fixtures/mod.ts";
import { parseDage } from "../../lib/parsers/mod.ts";
import { parseBreakModeMapping } from "../../lib/analysis/mod.ts";
import { buildWirebondRun } from "../../lib/upload/wirebond.ts";
import { mergeDage, readDageInputs } from "../../lib/upload/dage_inputs.ts";
import { reference } from "../_helpers/assertions.ts";

const REFERENCE = reference("sample_wirebond_data.csv");

Deno.test({
  name: "buildWirebondRun: the reference file gives the original's WIREBOND values",
  fn: async () => {
    const parts = await readDageInputs([{ path: REFERENCE, name: "sample.csv" }]);
    const b = buildWirebondRun(parts, {
      testType: "WIREBOND",
      component: "20UPGM20000001",
      institution: "SANDBOX_A",
      allowMissingSerial: true,
    });
    assert.equal(b.fileName, `20UPGM20000001_WIREBOND_${b.testRun.runNumber}.json`);
    const r = b.testRun.results as Record<string, number>;
    assert.equal(r.MEAN_LOAD.toFixed(6), "8.702613");
    assert.equal(r.STD_DEV_LOAD.toFixed(6), "1.272768");
    assert.equal(r.MAX_LOAD, 10.997);
    assert.equal(r.MIN_LOAD, 5.5805);
    assert.equal(b.testRun.passed, false);
    assert.deepEqual(b.failedCuts.map((c) => c.code), ["MIN_LOAD"]);
    assert.equal(b.threshold, 15);
    assert.equal(b.summary.count, 60);
    assert.deepEqual(b.byLabel.map((g) => [g.key, g.count]), [
      ["r1 20g", 10],
      ["r2 20g", 10],
      ["r1 22g", 10],
      ["r2 22g", 10],
      ["r1 24g", 10],
      ["r2 24g", 10],
    ]);
    assert.deepEqual(b.byGrade.map((g) => [g.key, g.count, g.mode]), [
      ["1", 53, 0],
      ["2", 1, 1],
      ["3", 1, 2],
      ["4", 5, 3],
    ]);
    const again = buildWirebondRun(await readDageInputs([{ path: REFERENCE }]), {
      testType: "WIREBOND",
      minLoad: 5,
    });
    // Another pass cut changes `passed`: another run.
    assert.notEqual(again.testRun.runNumber, b.testRun.runNumber);
    assert.equal(again.testRun.passed, true);
  },
});

Deno.test("buildWirebondRun", async (t) => {
  const g = generateDage({ index: 5, variations: ["non-numeric-load", "crlf"] });
  const parsed = parseDage(g.text, "m5.csv");

  await t.step("WIREBOND_PULL_TEST by default; bad lines left out with file:line", () => {
    const b = buildWirebondRun([parsed], {
      component: g.serial,
      institution: "I",
      operator: "Ann",
    });
    assert.equal(b.testType, "WIREBOND_PULL_TEST");
    assert.equal(b.fileName, `${g.serial}_WIREBOND_PULL_TEST_${b.testRun.runNumber}.json`);
    assert.equal(b.testRun.component, g.serial);
    assert.equal((b.testRun.properties as { OPERATOR: string }).OPERATOR, "Ann");
    assert.equal((b.testRun.results as Record<string, unknown>).WIRE_PULLS, 58);
    const bad = g.pulls.filter((p) => !p.valid).map((p) => `m5.csv:${p.line}`);
    assert.deepEqual(b.rejected.map((p) => p.path), bad);
    assert.equal(b.threshold, 4);
  });

  await t.step("the run number depends on the data only", () => {
    const a = buildWirebondRun([parsed]).testRun.runNumber;
    assert.equal(buildWirebondRun([parseDage(g.text, "other-name.csv")]).testRun.runNumber, a);
    assert.equal(buildWirebondRun([parsed], { runNumber: "7" }).testRun.runNumber, "7");
    const other = parseDage(generateDage({ index: 6 }).text, "m6.csv");
    assert.notEqual(buildWirebondRun([other]).testRun.runNumber, a);
  });

  await t.step("several files: one run, in an order that does not depend on the arguments", () => {
    const a = parseDage(generateDage({ index: 7, pulls: 12 }).text, "a.csv");
    const b = parseDage(
      generateDage({ index: 8, pulls: 9, serial: "20UPGM20000007" }).text,
      "b.csv",
    );
    const ab = buildWirebondRun([a, b]);
    const ba = buildWirebondRun([b, a]);
    assert.equal((ab.testRun.results as Record<string, unknown>).WIRE_PULLS, 21);
    assert.deepEqual(ab.testRun, ba.testRun);
    assert.equal(mergeDage([b, a]).file, "a.csv + b.csv");
    assert.deepEqual(ab.files, [
      { file: "a.csv", tests: 12, rejected: 0 },
      { file: "b.csv", tests: 9, rejected: 0 },
    ]);
  });

  await t.step("unmapped grade codes: one InputError naming each file's line", () => {
    const mapping = parseBreakModeMapping('{"gradeCodes": {"1": 0}}', "map.json");
    const head = '"LOADUNIT","g"\n';
    const a = parseDage(`${head}"TEST",1,"2",9.5,0.02,"0","r1"\n`, "a.csv");
    const b = parseDage(
      `${head}"TEST",1,"1",9.5,0.02,"0","r1"\n"TEST",2,"3",9.5,0.02,"0","r1"\n`,
      "b.csv",
    );
    assert.throws(() => buildWirebondRun([a, b], { mapping }), (e) => {
      assert.ok(e instanceof InputError);
      assert.deepEqual(e.problems.map((p) => p.path), ["a.csv:2", "b.csv:3"]);
      assert.match(e.message, /--break-modes/);
      return true;
    });
  });

  await t.step("no valid TEST line anywhere: ParseError", () => {
    const empty = parseDage('"LOADUNIT","g"\n"TEST",1,"1",abc,0.02,"0","r1"\n', "e.csv");
    assert.throws(() => buildWirebondRun([empty]), (e) => {
      assert.ok(e instanceof ParseError);
      assert.match(e.message, /^e\.csv:2: no valid TEST line found/);
      return true;
    });
    assert.throws(() => buildWirebondRun([]), /no DAGE file given/);
  });
});
