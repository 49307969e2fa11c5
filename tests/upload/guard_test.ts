/** The last guard of every run written or sent (lib/upload/guard.ts). */
import assert from "node:assert/strict";
import { InputError } from "../../lib/errors.ts";
import { assertSafeRun, runValueProblems } from "../../lib/upload/mod.ts";
import { type Problem } from "../../lib/errors.ts";
import { findUnsafeChar } from "../../lib/escape.ts";
import { MAX_JSON_DEPTH } from "../../lib/parsers/json.ts";
import { jsonPathStep } from "../../lib/schemas/json_path.ts";
import { ANY_NUMBER_RANGE, FIELD_RANGES, rangeProblem } from "../../lib/schemas/ranges.ts";
import { FREE_TEXT_KEYS } from "../../lib/upload/files.ts";
import { randomNumber, randomRows, randomValue, seededRandom } from "../_helpers/random_values.ts";

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

/**
 * The guard as it was written first (a stack of nodes, every path made as it goes): the
 * reference the guard's walk, made faster since, must agree with on every run.
 */
function referenceProblems(run: unknown, completeResults = false): Problem[] {
  const problems: Problem[] = [];
  let more = 0;
  const add = (path: string, message: string) => {
    if (problems.length < 100) problems.push({ path, message });
    else more++;
  };
  const testType = run && typeof run === "object" && !Array.isArray(run)
    ? (run as Record<string, unknown>).testType
    : undefined;
  const ranges = typeof testType === "string" ? FIELD_RANGES[testType] ?? {} : {};
  type Node = {
    value: unknown;
    path: string;
    depth: number;
    field?: string;
    fieldDepth?: number;
    column?: number;
    freeText: boolean;
  };
  const stack: Node[] = [{ value: run, path: "$", depth: 0, freeText: false }];
  while (stack.length > 0) {
    const node = stack.pop()!;
    const { value, path } = node;
    if (typeof value === "number") {
      let range = ANY_NUMBER_RANGE;
      if (node.field) {
        range = (node.column !== undefined ? ranges[`${node.field}[${node.column}]`] : undefined) ??
          ranges[node.field] ?? ANY_NUMBER_RANGE;
      }
      const bad = rangeProblem(value, range);
      if (bad) add(path, bad);
      continue;
    }
    if (typeof value === "string") {
      const unsafe = findUnsafeChar(value, { allowLineBreaks: node.freeText });
      if (unsafe) add(path, `text holding ${unsafe.name}: control characters are not stored`);
      continue;
    }
    if (value === null || typeof value !== "object") {
      if (typeof value === "bigint" || typeof value === "function" || typeof value === "symbol") {
        add(path, `a ${typeof value} is not a JSON value`);
      }
      continue;
    }
    if (node.depth >= MAX_JSON_DEPTH) {
      add(path, `nested deeper than ${MAX_JSON_DEPTH} levels`);
      continue;
    }
    const isArray = Array.isArray(value);
    const entries: [string | number, unknown][] = isArray
      ? (value as unknown[]).map((v, i) => [i, v])
      : Object.entries(value as Record<string, unknown>);
    for (let k = entries.length - 1; k >= 0; k--) {
      const [key, child] = entries[k];
      const childPath = path + jsonPathStep(key);
      if (child === undefined) continue;
      if (child === null) {
        const section = node.depth === 1 ? node.path : "";
        if (isArray) add(childPath, "null where a value is required (in a list)");
        else if (completeResults && section === "$.results") {
          add(childPath, "null where a result is required");
        }
        continue;
      }
      let field = node.field;
      let fieldDepth = node.fieldDepth;
      let column = node.column;
      if (node.depth === 1 && !isArray && (path === "$.results" || path === "$.properties")) {
        field = `${path.slice(2)}.${key}`;
        fieldDepth = node.depth + 1;
      } else if (field && fieldDepth !== undefined && node.depth === fieldDepth + 1 && isArray) {
        column = key as number;
      }
      const freeText = node.freeText ||
        (node.depth === 0 && typeof key === "string" && FREE_TEXT_KEYS.includes(key));
      stack.push({
        value: child,
        path: childPath,
        depth: node.depth + 1,
        field,
        fieldDepth,
        column,
        freeText,
      });
    }
  }
  if (more > 0) {
    problems.push({
      path: "$",
      message: `… and ${more.toLocaleString("en")} more values like these`,
    });
  }
  return problems;
}

Deno.test("runValueProblems: the same problems, in the same order, as the first guard", () => {
  const r = seededRandom(16);
  const testTypes = ["WIREBOND_PULL_TEST", "IV_MEASURE", "WIREBOND", "OTHER"];
  let problems = 0;
  for (let i = 0; i < 3000; i++) {
    const results: Record<string, unknown> = {
      PULL_STRENGTH_DATA: randomRows(r, r.int(0, 12)),
      PULL_STRENGTH: randomNumber(r),
      WIRE_PULLS: r.next() < 0.2 ? null : randomNumber(r),
      VOLTAGE: Array.from({ length: r.int(0, 6) }, () => randomNumber(r)),
      [["X", "MEAN_LOAD", "BOND_PEEL"][r.int(0, 2)]]: randomValue(r),
    };
    if (r.next() < 0.1) results.NULL_ONE = null;
    const run: Record<string, unknown> = {
      component: "20UPGM20000001",
      testType: testTypes[r.int(0, testTypes.length - 1)],
      runNumber: randomValue(r, 0),
      properties: r.next() < 0.1
        ? randomValue(r)
        : { OPERATOR: randomValue(r, 0), LOAD: randomNumber(r), TEMP: randomValue(r, 1) },
      results: r.next() < 0.05 ? randomRows(r, 3) : results,
      comments: [randomValue(r, 0), randomValue(r, 0)],
    };
    if (r.next() < 0.05) run.deep = JSON.parse("[".repeat(70) + "1" + "]".repeat(70));
    for (const completeResults of [false, true]) {
      const want = referenceProblems(run, completeResults);
      const got = runValueProblems(run, { completeResults });
      if (JSON.stringify(got) !== JSON.stringify(want)) {
        assert.deepEqual(got, want, Deno.inspect(run, { depth: 8 }));
      }
      problems += want.length;
    }
  }
  // Many of each kind: the comparison saw the bad values, not only good ones.
  assert.ok(problems > 10_000, `${problems} problems compared`);
  const many = {
    testType: "WIREBOND_PULL_TEST",
    results: { PULL_STRENGTH_DATA: randomRows(r, 500) },
  };
  assert.deepEqual(runValueProblems(many), referenceProblems(many));
});
