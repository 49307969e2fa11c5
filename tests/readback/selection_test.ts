/** Selections: the server part, the local filters, and the usage mistakes. */
import assert from "node:assert/strict";
import { UsageError } from "../../lib/errors.ts";
import {
  checkSelection,
  matchesLocally,
  type RunSelection,
  serverQuery,
} from "../../lib/readback/mod.ts";

const BASE: RunSelection = { project: "P", componentType: "MODULE", testTypes: ["B", "A", "A"] };

Deno.test("serverQuery: the listTestRunsByTestType input, stable for the same selection", () => {
  assert.deepEqual(serverQuery(BASE), {
    project: "P",
    componentType: "MODULE",
    testType: ["A", "B"],
    state: ["ready"],
  });
  assert.deepEqual(serverQuery({ ...BASE, stages: ["S2", "S1"], states: ["deleted", "ready"] }), {
    project: "P",
    componentType: "MODULE",
    testType: ["A", "B"],
    stage: ["S1", "S2"],
    state: ["deleted", "ready"],
  });
  // Local filters do not change the server query (one cached listing serves them all).
  assert.deepEqual(
    serverQuery({ ...BASE, institutions: ["X"], from: "2024-01-01" }),
    serverQuery(BASE),
  );
});

Deno.test("matchesLocally: institution, component serial or code, inclusive UTC days", () => {
  const run = {
    date: "2024-03-31T23:30:00.000Z",
    institution: { code: "SANDBOX_B" },
    components: [{ code: "c1", serialNumber: "20UPGM21000001" }],
  };
  assert.equal(matchesLocally(run, BASE), true);
  assert.equal(matchesLocally(run, { ...BASE, institutions: ["SANDBOX_A"] }), false);
  assert.equal(matchesLocally(run, { ...BASE, institutions: ["SANDBOX_A", "SANDBOX_B"] }), true);
  assert.equal(matchesLocally(run, { ...BASE, components: ["20UPGM21000001"] }), true);
  assert.equal(matchesLocally(run, { ...BASE, components: ["c1"] }), true);
  assert.equal(matchesLocally(run, { ...BASE, components: ["c2"] }), false);
  assert.equal(matchesLocally(run, { ...BASE, from: "2024-03-31", to: "2024-03-31" }), true);
  assert.equal(matchesLocally(run, { ...BASE, to: "2024-03-30" }), false);
  assert.equal(matchesLocally(run, { ...BASE, from: "2024-04-01" }), false);
  assert.equal(matchesLocally({ ...run, date: null }, { ...BASE, from: "2024-01-01" }), false);
});

Deno.test("checkSelection: one clear mistake at a time", () => {
  const bad: [Partial<RunSelection>, RegExp][] = [
    [{ project: "X" }, /project must be one of S, P, CM, CE, got 'X'/],
    [{ testTypes: [] }, /at least one test type/],
    [{ from: "2024-13-01" }, /--from must be a day YYYY-MM-DD, got '2024-13-01'/],
    [{ to: "31/03/2024" }, /--to must be a day/],
    [{ from: "2024-04-01", to: "2024-03-01" }, /--from 2024-04-01 is after --to 2024-03-01/],
  ];
  for (const [change, message] of bad) {
    assert.throws(() => checkSelection({ ...BASE, ...change }), (e: Error) => {
      assert.ok(e instanceof UsageError);
      assert.match(e.message, message);
      return true;
    });
  }
});
