import assert from "node:assert/strict";
import { InputError, ParseError } from "../../lib/errors.ts";
import { generateDage } from "../../lib/fixtures/mod.ts";
import { parseDage } from "../../lib/parsers/mod.ts";
import { parseBreakModeMapping } from "../../lib/analysis/mod.ts";
import {
  buildWirebondRun,
  checkSerials,
  gradeCodeLabels,
  mergeDage,
  readDageInputs,
  renderWirebondSummary,
  wirebondGroupPlot,
  wirebondPlot,
} from "../../lib/upload/mod.ts";
import type { BreakModeMapping } from "../../lib/analysis/mod.ts";
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
    const text = renderWirebondSummary(b);
    for (const where of bad) assert.ok(text.includes(`  ${where}: `), text);
    assert.match(text, /^read m5\.csv: 58 pulls, 2 lines left out$/m);
    assert.match(text, /^by grade code:$/m);
    assert.match(text, /→ break mode 0 midspan break/);
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

  await t.step("the plot is an SVG with both cuts, each labelled once", async () => {
    const plot = await wirebondPlot(buildWirebondRun([parsed], { component: g.serial }));
    assert.match(plot.svg, /^<svg/);
    assert.equal(plot.svg.split(">min cut 4 g</text>").length, 2);
    assert.equal(plot.svg.split(">mean cut 7 g</text>").length, 2);
    const legacy = await wirebondPlot(buildWirebondRun([parsed], { testType: "WIREBOND" }));
    assert.equal(legacy.svg.split(">cut 15 g</text>").length, 2);
    assert.ok(!legacy.svg.includes("mean cut"));
  });

  await t.step("grade codes are named by the break modes of the mapping in use", async () => {
    const mapping: BreakModeMapping = {
      gradeCodes: { "1": 0, "2": 3, "3": 2, "4": 1, "5": 4, "6": 5 },
      source: "site.json",
    };
    assert.equal(gradeCodeLabels(mapping)["2"], "2\nbond peel on hybrid");
    const build = buildWirebondRun([parsed], { mapping });
    const plot = await wirebondGroupPlot(build, "gradeCode");
    for (const g of build.byGrade) {
      const names = { 1: "midspan break", 2: "bond peel on hybrid", 3: "heel break on chip" };
      const name = names[Number(g.key) as 1 | 2 | 3];
      if (name) assert.ok(plot.svg.includes(`>${name}</tspan>`), `${g.key}: ${name}`);
    }
  });
});

Deno.test("the right module: serial numbers and files given twice", async (t) => {
  const dage = (serial: string, index = 1) => generateDage({ index, pulls: 5, serial }).text;
  const dir = await Deno.makeTempDir({ prefix: "itkpd_wirebond_serial_" });
  try {
    await Deno.writeTextFile(`${dir}/a11.csv`, dage("20UPGM20000011"));
    await Deno.writeTextFile(`${dir}/b13.csv`, dage("20UPGM20000013", 2));
    await Deno.writeTextFile(`${dir}/copy.csv`, dage("20UPGM20000011"));
    await Deno.writeTextFile(`${dir}/noserial.csv`, dage("", 3));
    const read = (...names: string[]) =>
      readDageInputs(names.map((n) => ({ path: `${dir}/${n}`, name: n })));

    await t.step(
      "a file whose Serial Number is not --component: refused, with its line",
      async () => {
        assert.throws(
          () => checkSerials([parseDage(dage("20UPGM20000011"), "a.csv")], "20UPGM20000013"),
          (e) => {
            assert.ok(e instanceof InputError);
            assert.equal(e.problems[0].path, "a.csv:9");
            assert.match(
              e.problems[0].message,
              /Serial Number "20UPGM20000011" is not the module given \(20UPGM20000013\)/,
            );
            return true;
          },
        );
        const parts = await read("a11.csv");
        assert.throws(
          () => buildWirebondRun(parts, { component: "20UPGM20000013" }),
          /not all of module 20UPGM20000013/,
        );
      },
    );
    await t.step("two files of two modules: refused, with or without --component", async () => {
      const parts = await read("a11.csv", "b13.csv");
      assert.throws(() => buildWirebondRun(parts, { component: "20UPGM20000011" }), (e) => {
        assert.ok(e instanceof InputError);
        assert.deepEqual(e.problems.map((p) => p.path), ["b13.csv:9"]);
        return true;
      });
      assert.throws(() => buildWirebondRun(parts), /differs from "20UPGM20000011" \(a11\.csv:9\)/);
    });
    await t.step("the same file twice (same path, or the same content): refused", async () => {
      await assert.rejects(read("a11.csv", "a11.csv"), /a11\.csv: the same file is given twice/);
      await assert.rejects(
        read("a11.csv", "./a11.csv"),
        /the same file is given twice \(a11\.csv and \.\/a11\.csv\)/,
      );
      await assert.rejects(read("a11.csv", "copy.csv"), /copy\.csv: the same content as a11\.csv/);
    });
    await t.step("no serial in the file: refused for --component unless allowed", async () => {
      const parts = await read("noserial.csv");
      assert.throws(
        () => buildWirebondRun(parts, { component: "20UPGM20000011" }),
        /noserial\.csv: no Serial Number in the file.*--allow-missing-serial/s,
      );
      const b = buildWirebondRun(parts, { component: "20UPGM20000011", allowMissingSerial: true });
      assert.equal(b.testRun.component, "20UPGM20000011");
      // A mismatch is refused even when files without a serial are allowed.
      const other = await read("b13.csv");
      assert.throws(
        () => buildWirebondRun(other, { component: "20UPGM20000011", allowMissingSerial: true }),
        InputError,
      );
    });
    await t.step("the summary says which date was used and where it came from", async () => {
      const b = buildWirebondRun(await read("a11.csv"), { component: "20UPGM20000011" });
      assert.match(
        renderWirebondSummary(b),
        /^date \d{4}-\d\d-\d\d \d\d:\d\d:\d\d from a11\.csv:3 \(DATE\/TIME\)$/m,
      );
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
