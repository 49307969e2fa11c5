/**
 * Run identity (lib/analysis/run_number.ts): the derived run number changes whenever the
 * uploaded results would, and stays what it was for the same inputs.
 */
import assert from "node:assert/strict";
import { InputError } from "../../lib/errors.ts";
import {
  DEFAULT_BREAK_MODE_MAPPING,
  legacyWirebond,
  parseBreakModeMapping,
  runDateOf,
  runNumber,
  wirebondPullTest,
} from "../../lib/analysis/mod.ts";
import { parseDage } from "../../lib/parsers/dage.ts";
import { parseUserDate } from "../../lib/parsers/date.ts";
import { testDate } from "../../lib/analysis/run_number.ts";
import { DAGE_HEADER, dageFile } from "../_helpers/dage.ts";

const REFERENCE = new URL("../../fixtures/reference/sample_wirebond_data.csv", import.meta.url);

const header = (date = "10/09/2018", time = "14:05:32") =>
  `"DATE","${date}"\n"TIME","${time}"\n"LOADUNIT","g"\n`;
function file(pulls: [string, number, string][], head = header(), name = "w.csv") {
  const body = pulls.map(([grade, load, label], i) =>
    `"TEST",${i + 1},"${grade}",${load},0.02,"0","${label}"`
  ).join("\n");
  return parseDage(head + body + "\n", name);
}
const PULLS: [string, number, string][] = [["1", 10, "r1"], ["4", 6, "r1"], ["2", 9, "r2"]];

Deno.test("run number: stable for the same inputs", async (t) => {
  await t.step("the reference export keeps the run number it always had", () => {
    const ref = parseDage(Deno.readTextFileSync(REFERENCE), "sample.csv");
    assert.equal(runNumber(ref), "20181009-140532-be459026");
    assert.equal(runNumber(ref, { mapping: DEFAULT_BREAK_MODE_MAPPING }), runNumber(ref));
    assert.equal(
      wirebondPullTest(ref, DEFAULT_BREAK_MODE_MAPPING).testRun.runNumber,
      "20181009-140532-be459026",
    );
    assert.equal(
      legacyWirebond(ref, DEFAULT_BREAK_MODE_MAPPING).runNumber,
      "20181009-140532-be459026",
    );
  });
  await t.step("a mapping that agrees with the default on the file's grade codes: the same", () => {
    const same = parseBreakModeMapping(
      '{"gradeCodes": {"1": 0, "2": 1, "4": 3, "9": 5}}',
      "lab.json",
    );
    assert.equal(runNumber(file(PULLS), { mapping: same }), runNumber(file(PULLS)));
  });
});

Deno.test("run number: changes whenever the results would", async (t) => {
  const base = runNumber(file(PULLS));
  await t.step("a bond label (the locations and BOND_GROUPS change)", () => {
    const relabelled = file([["1", 10, "r1"], ["4", 6, "r2"], ["2", 9, "r2"]]);
    assert.notEqual(runNumber(relabelled), base);
  });
  await t.step("the grade code → break mode mapping (the break-mode percentages change)", () => {
    const swapped = parseBreakModeMapping('{"gradeCodes": {"1": 0, "2": 1, "4": 0}}', "lab.json");
    const p = file(PULLS);
    assert.notEqual(runNumber(p, { mapping: swapped }), base);
    const a = wirebondPullTest(p, DEFAULT_BREAK_MODE_MAPPING).testRun;
    const b = wirebondPullTest(p, swapped).testRun;
    assert.notDeepEqual(a.results.BOND_PEEL, b.results.BOND_PEEL);
    assert.notEqual(a.runNumber, b.runNumber);
  });
  await t.step("the original WIREBOND pass cut (passed changes)", () => {
    const p = file(PULLS);
    const strict = legacyWirebond(p, DEFAULT_BREAK_MODE_MAPPING);
    const lax = legacyWirebond(p, DEFAULT_BREAK_MODE_MAPPING, { minLoad: 5 });
    assert.notEqual(strict.passed, lax.passed);
    assert.notEqual(strict.runNumber, lax.runNumber);
    assert.equal(runNumber(p, { minLoad: 15 }), base);
  });
  await t.step("a load, its unit, an index, a grade code", () => {
    assert.notEqual(runNumber(file([["1", 10.001, "r1"], ...PULLS.slice(1)])), base);
    assert.notEqual(runNumber(file([["2", 10, "r1"], ...PULLS.slice(1)])), base);
    const mN = parseDage(header().replace('"g"', '"mN"') + '"TEST",1,"1",10,0.02,"0","r1"\n');
    const g = parseDage(header() + '"TEST",1,"1",10,0.02,"0","r1"\n');
    assert.notEqual(runNumber(mN), runNumber(g));
  });
  await t.step("the date used: the file's, or the one given", () => {
    const d = parseUserDate("2020-01-02");
    assert.ok(d.ok);
    assert.equal(runNumber(file(PULLS), { date: d.value }).slice(0, 15), "20200102-000000");
    assert.match(runNumber(file(PULLS), { date: null }), /^undated-[0-9a-f]{8}$/);
  });
});

Deno.test("runDateOf: which date, and from where", async (t) => {
  await t.step("the file's DATE/TIME, with its line", () => {
    const d = runDateOf(file(PULLS));
    assert.equal(d.source, "file");
    assert.equal(d.description, "date 2018-10-09 14:05:32 from w.csv:1 (DATE/TIME)");
  });
  await t.step("a date that is not real: an error with file:line, never dropped", () => {
    for (
      const [date, time, line] of [["02/31/2018", "14:05:32", 1], ["yesterday", "1:00", 1], [
        "10/09/2018",
        "14:65",
        2,
      ]] as const
    ) {
      const p = file(PULLS, header(date, time));
      assert.throws(() => runDateOf(p), (e: unknown) => {
        assert.ok(e instanceof InputError);
        assert.match(e.message, new RegExp(`^w\\.csv:${line}: (DATE|TIME) `));
        assert.match(e.message, /--date YYYY-MM-DD/);
        return true;
      });
      assert.throws(() => runNumber(p), InputError);
      assert.throws(() => wirebondPullTest(p, DEFAULT_BREAK_MODE_MAPPING), InputError);
    }
  });
  await t.step("a date given replaces the file's, and says so", () => {
    const given = parseUserDate("2018-10-10T08:00");
    assert.ok(given.ok);
    const bad = runDateOf(file(PULLS, header("02/31/2018")), {
      parts: given.value,
      from: "--date",
    });
    assert.equal(bad.description, "date 2018-10-10 08:00:00 from --date");
    assert.match(bad.notes[0], /^w\.csv:1: DATE "02\/31\/2018" is not a real date.*not used/);
    const run = wirebondPullTest(file(PULLS, header("02/31/2018")), DEFAULT_BREAK_MODE_MAPPING, {
      date: { parts: given.value, from: "--date" },
    }).testRun;
    assert.equal(run.date, "2018-10-10T08:00:00.000Z");
    assert.match(run.runNumber, /^20181010-080000-/);
  });
  await t.step("no date at all: said, and the run has none", () => {
    const p = file(PULLS, '"LOADUNIT","g"\n');
    const d = runDateOf(p);
    assert.equal(d.source, "none");
    assert.match(d.description, /^no date: w\.csv has no DATE line and no --date was given/);
    const run = wirebondPullTest(p, DEFAULT_BREAK_MODE_MAPPING).testRun;
    assert.equal(run.date, undefined);
    assert.match(run.runNumber, /^undated-/);
  });
});

Deno.test("run number and date: content hash, line ends, no date", async (t) => {
  const a = dageFile([["1", 10], ["1", 9]]);
  await t.step("from DATE/TIME plus a content hash, stable", () => {
    const rn = runNumber(a);
    assert.match(rn, /^20181009-140532-[0-9a-f]{8}$/);
    assert.equal(runNumber(dageFile([["1", 10], ["1", 9]])), rn);
    assert.notEqual(runNumber(dageFile([["1", 10], ["1", 9.1]])), rn);
    assert.equal(testDate(a), "2018-10-09T14:05:32.000Z");
  });
  await t.step("CRLF does not change it", () => {
    const text = DAGE_HEADER +
      `"TEST",1,"1",10,0.02,"0","r1 20g"\n"TEST",2,"1",9,0.02,"0","r1 20g"\n`;
    assert.equal(runNumber(parseDage(text.replaceAll("\n", "\r\n"))), runNumber(a));
  });
  await t.step("no date: undated-<hash>", () => {
    const p = parseDage(`"LOADUNIT","g"\n"TEST",1,"1",10,0.02,"0","x"\n`);
    assert.match(runNumber(p), /^undated-[0-9a-f]{8}$/);
    assert.equal(testDate(p), undefined);
  });
});
