/**
 * Tests of lib/analysis/iv.ts: IV results in V and µA from every unit the header may use, in
 * their physical ranges, and the IV test run.
 */
import assert from "node:assert/strict";
import { InputError } from "../../lib/errors.ts";
import { ivResults, ivRunNumber, ivTestRun } from "../../lib/analysis/iv.ts";
import { parseIv } from "../../lib/parsers/iv.ts";
import { reference } from "../_helpers/assertions.ts";

const close = (a: number, b: number) =>
  assert.ok(Math.abs(a - b) <= 1e-12 * Math.max(1, Math.abs(b)), `${a} vs ${b}`);

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

Deno.test("IV units: every voltage unit, to volts", async (t) => {
  // [unit, what 1.5 of it is in V]
  const cases: [string, number][] = [["V", 1.5], ["mV", 0.0015], ["kV", 1500]];
  for (const [unit, volts] of cases) {
    await t.step(`1.5 ${unit} = ${volts} V`, () => {
      const r = ivResults(parseIv(`U[${unit}] I[uA]\n1.5 1\n`, "iv.txt"));
      close(r.VOLTAGE[0], volts);
      assert.equal(r.CURRENT[0], 1);
    });
  }
});

Deno.test("IV units: every current unit, to microamperes", async (t) => {
  // [unit, what 0.25 of it is in µA] (0.25 A is within the physical range of ±1 A)
  const cases: [string, number][] = [
    ["A", 2.5e5],
    ["mA", 250],
    ["uA", 0.25],
    ["\u00b5A", 0.25], // µ, the micro sign
    ["\u03bcA", 0.25], // μ, the Greek letter mu
    ["nA", 0.00025],
    ["pA", 0.00000025],
  ];
  for (const [unit, microamps] of cases) {
    await t.step(`0.25 ${unit} = ${microamps} µA (CURRENT and SIGMA_CURRENT)`, () => {
      const parsed = parseIv(`U[V] Imean[${unit}] Isem[${unit}]\n-1 0.25 0.25\n`, "iv.txt");
      close(ivResults(parsed).CURRENT[0], microamps);
      const run = ivTestRun(parsed);
      close(run.results.CURRENT[0], microamps);
      close(run.results.SIGMA_CURRENT![0], microamps);
    });
  }
  await t.step("Isem in its own unit", () => {
    const run = ivTestRun(parseIv("U[V] Imean[uA] Isem[nA]\n-1 2 30\n", "iv.txt"));
    assert.deepEqual(run.results.CURRENT, [2]);
    close(run.results.SIGMA_CURRENT![0], 0.03);
  });
});

Deno.test("IV units: anything else is refused, never guessed", async (t) => {
  // Prefixes are case-sensitive: MA would be megaamperes and mv is no unit.
  const cases: [string, string, string][] = [
    ["MV", "uA", 'voltage unit "MV" unknown (V, mV, kV)'],
    ["mv", "uA", 'voltage unit "mv" unknown (V, mV, kV)'],
    ["V", "MA", 'current unit "MA" unknown (A, mA, uA, nA, pA)'],
    ["V", "ua", 'current unit "ua" unknown (A, mA, uA, nA, pA)'],
    ["V", "fA", 'current unit "fA" unknown (A, mA, uA, nA, pA)'],
  ];
  for (const [v, i, message] of cases) {
    await t.step(`U[${v}] I[${i}]`, () => {
      assert.throws(() => ivResults(parseIv(`U[${v}] I[${i}]\n1 2\n`, "iv.txt")), (e) => {
        assert.ok(e instanceof InputError);
        assert.deepEqual(e.problems, [{ path: "iv.txt:1", message }]);
        return true;
      });
    });
  }
  await t.step("an unknown Isem unit", () => {
    assert.throws(
      () => ivTestRun(parseIv("U[V] Imean[uA] Isem[xA]\n-1 2 3\n", "iv.txt")),
      (e) =>
        e instanceof InputError &&
        e.problems[0].message === 'Isem unit "xA" unknown (A, mA, uA, nA, pA)',
    );
  });
});

Deno.test("IV values outside their physical range: the table is refused with file:line", async (t) => {
  await t.step("a voltage of 20 kV, a current of 2 A (after unit conversion)", () => {
    const parsed = parseIv("U[kV] I[mA]\n0 0\n-20 -0.1\n-0.5 2000\n", "iv.txt");
    assert.throws(() => ivResults(parsed), (e: unknown) => {
      assert.ok(e instanceof InputError);
      assert.deepEqual(e.problems, [
        { path: "iv.txt:3", message: "U: -20000 is outside -10000 … 10000 V" },
        { path: "iv.txt:4", message: "I: 2000000 is outside -1000000 … 1000000 uA" },
      ]);
      return true;
    });
  });
  await t.step("a negative standard error", () => {
    const parsed = parseIv("U[V] I[uA] Isem[uA]\n0 -0.1 -0.01\n", "iv.txt");
    assert.throws(() => ivTestRun(parsed), /iv\.txt:2: Isem: -0\.01 is outside 0 … 1000000 uA/);
  });
  await t.step("values in range pass", () => {
    const run = ivTestRun(parseIv("U[V] I[nA] Isem[nA]\n-1000 -150 3\n", "iv.txt"));
    assert.deepEqual(run.results, { VOLTAGE: [-1000], CURRENT: [-0.15], SIGMA_CURRENT: [0.003] });
  });
});

Deno.test("ivRunNumber: the same table, the same run number as before", async () => {
  // Pinned: the run numbers of tables already uploaded must never change.
  const text = await Deno.readTextFile(reference("sample_IV_curve.txt"));
  assert.equal(ivRunNumber(parseIv(text, "iv.txt")), "iv-71b033dc");
  assert.equal(ivRunNumber(parseIv(text.replace("-0.", "-1."), "iv.txt")).length, 11);
  assert.notEqual(ivRunNumber(parseIv(text.replace("-0.", "-1."), "iv.txt")), "iv-71b033dc");
});

Deno.test("IV run numbers are dated as the wire-pull ones", () => {
  const parsed = parseIv("U[V] Imean[uA]\n-2 -0.1\n-4 -0.2\n", "iv.txt");
  const date = { year: 2024, month: 5, day: 17, hour: 10, minute: 0, second: 5 };
  const undated = ivRunNumber(parsed);
  assert.match(undated, /^iv-[0-9a-f]{8}$/);
  const dated = ivTestRun(parsed, { date });
  assert.equal(dated.runNumber, `20240517-100005-${undated.slice(3)}`);
  assert.equal(dated.date, "2024-05-17T10:00:05.000Z");
  // The same table and date, the same run number; another table, another one.
  assert.equal(ivTestRun(parsed, { date }).runNumber, dated.runNumber);
  const other = parseIv("U[V] Imean[uA]\n-2 -0.1\n-4 -0.3\n", "iv.txt");
  assert.notEqual(ivTestRun(other, { date }).runNumber, dated.runNumber);
});

Deno.test("IV runs carry the conditions of the header, or the options", () => {
  const parsed = parseIv(
    "# Operator: Jane\n# Temperature [C]: -20\nU[V] Imean[uA]\n-2 -0.1\n",
    "iv.txt",
  );
  assert.deepEqual(ivTestRun(parsed).properties, { TEMP: -20, OPERATOR: "Jane" });
  assert.deepEqual(ivTestRun(parsed, { humidity: 30, operator: "Ann" }).properties, {
    TEMP: -20,
    HUMIDITY: 30,
    OPERATOR: "Ann",
  });
});
