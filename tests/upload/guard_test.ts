/** The last guard of every run written or sent (lib/upload/guard.ts). */
import assert from "node:assert/strict";
import { InputError } from "../../lib/errors.ts";
import { assertSafeRun, runValueProblems } from "../../lib/upload/mod.ts";

const run = (results: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  component: "20UPGM20000001",
  testType: "WIREBOND_PULL_TEST",
  institution: "SANDBOX_A",
  runNumber: "1",
  passed: true,
  problems: false,
  properties: { OPERATOR: "Ann" },
  results,
  ...extra,
});

Deno.test("runValueProblems", async (t) => {
  await t.step("NaN, ±Infinity anywhere: refused by path (JSON would write null)", () => {
    const problems = runValueProblems(run({
      PULL_STRENGTH: NaN,
      PULL_STRENGTH_DATA: [[8.5, 0, 1], [Infinity, 0, 1]],
      X: { deep: [-Infinity] },
    }));
    assert.deepEqual(problems.map((p) => [p.path, p.message]), [
      ["$.results.PULL_STRENGTH", "NaN is not a finite number"],
      ["$.results.PULL_STRENGTH_DATA[1][0]", "Infinity is not a finite number"],
      ["$.results.X.deep[0]", "-Infinity is not a finite number"],
    ]);
  });
  await t.step("null in a list, and a missing result of a computed run", () => {
    const r = run({ PULL_STRENGTH: null, CURRENT: [1, null] });
    assert.deepEqual(runValueProblems(r).map((p) => p.path), ["$.results.CURRENT[1]"]);
    assert.deepEqual(
      runValueProblems(r, { completeResults: true }).map((p) => p.path),
      ["$.results.PULL_STRENGTH", "$.results.CURRENT[1]"],
    );
  });
  await t.step("the physical ranges of the known test types", () => {
    const problems = runValueProblems(run({
      PULL_STRENGTH: 8.7,
      PULL_STRENGTH_MIN: -1,
      BOND_PEEL: 101,
      WIRE_PULLS: 2.5,
      PULL_STRENGTH_DATA: [[8.7, 6, 1], [8.7, 0, 0], [1e6, 1, 1]],
    }));
    assert.deepEqual(problems.map((p) => [p.path, p.message]), [
      ["$.results.PULL_STRENGTH_MIN", "-1 is outside 0 … 100000 g"],
      ["$.results.BOND_PEEL", "101 is outside 0 … 100 %"],
      ["$.results.WIRE_PULLS", "2.5 is not a whole number"],
      ["$.results.PULL_STRENGTH_DATA[0][1]", "6 is outside 0 … 5"],
      ["$.results.PULL_STRENGTH_DATA[1][2]", "0 is outside 1 … 1000000"],
      ["$.results.PULL_STRENGTH_DATA[2][0]", "1000000 is outside 0 … 100000 g"],
    ]);
    const iv = {
      ...run({ VOLTAGE: [-20000], CURRENT: [0], SIGMA_CURRENT: [-1] }),
      testType: "IV_MEASURE",
    };
    assert.deepEqual(runValueProblems(iv).map((p) => p.path), [
      "$.results.VOLTAGE[0]",
      "$.results.SIGMA_CURRENT[0]",
    ]);
  });
  await t.step("any other test type: absurd magnitudes only", () => {
    const other = { ...run({ A: 1e17, B: -2e18 }), testType: "OTHER" };
    assert.deepEqual(runValueProblems(other).map((p) => p.path), ["$.results.B"]);
  });
  await t.step("control characters in texts; line breaks only in comments", () => {
    const problems = runValueProblems(run({}, {
      runNumber: "1\x1b[2J",
      properties: { OPERATOR: "a\nb" },
      comments: ["first line\nsecond line"],
    }));
    assert.deepEqual(problems.map((p) => p.path), ["$.runNumber", "$.properties.OPERATOR"]);
  });
  await t.step("nesting too deep: refused, without recursion", () => {
    let deep: unknown = 1;
    for (let i = 0; i < 10_000; i++) deep = [deep];
    const problems = runValueProblems(run({ X: deep }));
    assert.equal(problems.length, 1);
    assert.match(problems[0].message, /nested deeper than 64 levels/);
  });
  await t.step("many bad values: 100 listed, the rest counted", () => {
    const problems = runValueProblems(run({ CURRENT: Array(5000).fill(NaN) }));
    assert.equal(problems.length, 101);
    assert.equal(problems[100].message, "… and 4,900 more values like these");
  });
});

Deno.test("assertSafeRun: one InputError naming the source; a clean run passes", () => {
  assertSafeRun(run({ PULL_STRENGTH: 8.7, PULL_STRENGTH_DATA: [[8.7, 0, 1]] }), "a.csv");
  assert.throws(() => assertSafeRun(run({ PULL_STRENGTH: Infinity }), "a.csv"), (e: unknown) => {
    assert.ok(e instanceof InputError);
    assert.match(e.message, /^a\.csv: not written and not sent: 1 value that cannot be stored/);
    return true;
  });
});
