/**
 * Tests of lib/analysis/break_modes.ts and break_mode_file.ts: the grade code → break mode
 * mapping, and a site's mapping file.
 */
import assert from "node:assert/strict";
import { InputError, ParseError } from "../../lib/errors.ts";
import {
  BREAK_MODE,
  BREAK_MODE_NAMES,
  type BreakMode,
  type BreakModeMapping,
  breakModesOf,
  DEFAULT_BREAK_MODE_MAPPING,
  describeMapping,
} from "../../lib/analysis/break_modes.ts";
import { parseBreakModeMapping } from "../../lib/analysis/break_mode_file.ts";
import { dageFile } from "../_helpers/dage.ts";

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
  await t.step("codes in reading order, as a numeric collator orders them", () => {
    const collator = new Intl.Collator("en", { numeric: true });
    const sets = [
      ["10", "2", "1", "0", "33", "100000000000000"],
      ["10", "2", "A", "b10", "b2", "02", " 3"],
      ["9", "x"],
    ];
    for (const codes of sets) {
      const m = { gradeCodes: Object.fromEntries(codes.map((c) => [c, 0 as const])), source: "s" };
      const shown = describeMapping(m).replace(/^[^:]*: /, "").split("; ").map((e) =>
        e.slice(0, e.indexOf("→"))
      );
      assert.deepEqual(shown, [...Object.keys(m.gradeCodes)].sort(collator.compare));
    }
  });
  await t.step("bad files name the file and the JSON path", () => {
    assert.throws(
      () => parseBreakModeMapping('{"gradeCodes":{"1":7},"sight":"x"}', "bad.json"),
      (e: unknown) => {
        assert.ok(e instanceof InputError);
        assert.deepEqual(e.problems.map((p) => p.path).sort(), [
          "bad.json $",
          'bad.json $.gradeCodes["1"]',
        ]);
        assert.match(
          e.message,
          /gradeCodes\["1"\]: expected a break mode: 0, 1, 2, 3, 4 or 5, got the number 7/,
        );
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
});

Deno.test("break modes: the six modes and the default grade codes", async (t) => {
  // [grade code (default mapping), break mode, its name]
  const cases: [string, number, string][] = [
    ["1", 0, "midspan break"],
    ["2", 1, "heel break on hybrid"],
    ["3", 2, "heel break on chip"],
    ["4", 3, "bond peel on hybrid"],
    ["5", 4, "bond peel on chip"],
    ["6", 5, "pull failure / operator error (excluded)"],
  ];
  for (const [grade, mode, name] of cases) {
    await t.step(`grade ${grade} → mode ${mode} (${name})`, () => {
      const p = dageFile([["1", 10], [grade, 8]]);
      assert.deepEqual(breakModesOf(p.tests, DEFAULT_BREAK_MODE_MAPPING, p.file), [0, mode]);
      assert.equal(BREAK_MODE_NAMES[mode as keyof typeof BREAK_MODE_NAMES], name);
    });
  }
  await t.step("named modes", () => {
    assert.deepEqual(BREAK_MODE, {
      MIDSPAN: 0,
      HEEL_BREAK_ON_HYBRID: 1,
      HEEL_BREAK_ON_CHIP: 2,
      BOND_PEEL_ON_HYBRID: 3,
      BOND_PEEL_ON_CHIP: 4,
      PULL_FAILURE: 5,
    });
  });
  await t.step("a site mapping is followed, not the default", () => {
    const m = parseBreakModeMapping('{"gradeCodes":{"1":4,"A":0}}', "site.json");
    const p = dageFile([["A", 10], ["1", 8]]);
    assert.deepEqual(breakModesOf(p.tests, m, p.file), [0, 4]);
  });
});

Deno.test("break modes: a grade code outside the mapping is an error with file:line", async (t) => {
  // Just outside the default codes 1..6 on both sides, and codes that are not numbers.
  for (const code of ["0", "7", "10", "A", "1.0"]) {
    await t.step(`grade ${JSON.stringify(code)}`, () => {
      const p = dageFile([["1", 10], ["6", 8], [code, 9], [code, 7]], "g.csv");
      assert.throws(() => breakModesOf(p.tests, DEFAULT_BREAK_MODE_MAPPING, p.file), (e) => {
        assert.ok(e instanceof InputError);
        assert.deepEqual(e.problems, [{
          path: "g.csv:10",
          message: `grade code ${JSON.stringify(code)} is not in the break-mode mapping ` +
            "(default); used on 2 line(s): 10, 11",
        }]);
        return true;
      });
    });
  }
});

Deno.test("describeMapping: the text of the mapping as it is now, even when it was changed", () => {
  // The type says read-only; a program may still change the objects it handed over.
  const codes: Record<string, BreakMode> = { "2": 1, "10": 0 };
  const mapping: BreakModeMapping = { gradeCodes: codes, source: "/lab/modes.json" };
  const first = describeMapping(mapping);
  assert.equal(first, "grade→mode (modes.json): 2→1 heel break on hybrid; 10→0 midspan break");
  assert.equal(describeMapping(mapping), first);
  codes["3"] = 4;
  assert.match(describeMapping(mapping), /2→1 heel break on hybrid; 3→4 bond peel on chip; 10→0/);
  mapping.site = "LAB";
  assert.match(describeMapping(mapping), /^grade→mode \(modes\.json, site LAB\): /);
});
