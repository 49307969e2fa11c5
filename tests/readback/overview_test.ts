/** The production overview (pure): weeks, strengths and cuts, worst modules, break modes. */
import assert from "node:assert/strict";
import {
  breakModeShares,
  moduleHistory,
  type RunRecord,
  runStrengths,
  weeklyPassRates,
  weekOf,
  worstModules,
} from "../../lib/readback/mod.ts";

function run(id: string, serial: string, date: string, over: Partial<RunRecord> = {}): RunRecord {
  return {
    id,
    testType: "WIREBOND_PULL_TEST",
    serial,
    component: `c-${serial}`,
    institution: "A",
    date,
    runNumber: `n-${id}`,
    passed: true,
    problems: false,
    state: "ready",
    stage: "MODULE/WIREBONDING",
    properties: {},
    results: {
      PULL_STRENGTH: 8.5,
      PULL_STRENGTH_MIN: 5,
      PULL_STRENGTH_MAX: 11,
      LIFT_OFFS_LESS_THAN_7G: 0,
      DATA_UNAVAILABLE: false,
      PULL_STRENGTH_DATA: [[8, 0, 1], [9, 0, 1], [7, 1, 2], [5, 3, 2]],
    },
    attachments: [],
    ...over,
  };
}

const RUNS = [
  run("1", "M1", "2024-02-05T08:00:00Z"),
  run("2", "M2", "2024-02-11T23:59:00Z", {
    passed: false,
    results: { ...run("", "", "").results, PULL_STRENGTH: 6.5, PULL_STRENGTH_MIN: 3.1 },
  }),
  run("3", "M2", "2024-02-20T10:00:00Z"),
  run("4", "M3", "2024-02-12T00:00:00Z", {
    institution: "B",
    passed: false,
    results: { ...run("", "", "").results, PULL_STRENGTH_MIN: 3.9, LIFT_OFFS_LESS_THAN_7G: 12 },
  }),
  run("5", "M4", "2024-02-13T00:00:00Z", { institution: "B", results: {} }),
];

Deno.test("weekOf: the Monday of the UTC week", () => {
  assert.equal(weekOf("2024-02-05T00:00:00Z"), "2024-02-05");
  assert.equal(weekOf("2024-02-11T23:59:59Z"), "2024-02-05");
  assert.equal(weekOf("2024-02-12T00:00:00Z"), "2024-02-12");
  assert.equal(weekOf("2024-03-03T12:00:00Z"), "2024-02-26");
  assert.equal(weekOf("nope"), undefined);
});

Deno.test("weeklyPassRates: runs and passes per week and institution", () => {
  assert.deepEqual(weeklyPassRates(RUNS), [
    { week: "2024-02-05", institution: "A", runs: 2, passed: 1, passRate: 50 },
    { week: "2024-02-12", institution: "B", runs: 2, passed: 1, passRate: 50 },
    { week: "2024-02-19", institution: "A", runs: 1, passed: 1, passRate: 100 },
  ]);
});

Deno.test("runStrengths, worstModules and moduleHistory", () => {
  const points = runStrengths(RUNS);
  assert.deepEqual(points.map((p) => p.runId), ["1", "2", "4", "3"]); // by date; 5 has no numbers
  const two = points.find((p) => p.runId === "2")!;
  assert.deepEqual(two.failedCuts, [
    "mean pull strength 6.500 g is below 7 g",
    "minimum pull strength 3.100 g is below 4 g",
  ]);
  const four = points.find((p) => p.runId === "4")!;
  assert.equal(four.failedCuts.length, 2);
  assert.match(four.failedCuts[1], /12\.0 % of pulls are bond peels below 7 g/);
  assert.deepEqual(worstModules(points, 5).map((p) => [p.serial, p.runId]), [
    ["M2", "2"],
    ["M3", "4"],
  ]);
  assert.deepEqual(worstModules(points, 1).map((p) => p.serial), ["M2"]);
  assert.deepEqual(moduleHistory(points, "M2").map((p) => [p.runId, p.passed]), [
    ["2", false],
    ["3", true],
  ]);
});

Deno.test("breakModeShares: shares of each site's pulls", () => {
  const shares = breakModeShares(RUNS);
  const a = shares.filter((s) => s.institution === "A");
  assert.deepEqual(a.map((s) => [s.mode, s.pulls, s.share]), [[0, 6, 50], [1, 3, 25], [3, 3, 25]]);
  assert.equal(a[0].name, "midspan break");
  assert.deepEqual(
    shares.filter((s) => s.institution === "B").map((s) => s.pulls),
    [2, 1, 1],
  );
});
