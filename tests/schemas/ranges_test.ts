/** Physical ranges (lib/schemas/ranges.ts): one rule, and the words for a value outside it. */
import assert from "node:assert/strict";
import { inRange, LOAD_RANGE, type PhysicalRange, rangeProblem } from "../../lib/schemas/ranges.ts";

Deno.test("ranges: a value is refused exactly when rangeProblem says why", () => {
  const counts: PhysicalRange = { min: 0, max: 10, integer: true };
  const values = [0, 8.7, 100000, 100000.5, -0, -1e-9, 5, 5.5, 10, 11, NaN, Infinity, -Infinity];
  for (const range of [LOAD_RANGE, counts]) {
    for (const v of values) {
      assert.equal(rangeProblem(v, range) === undefined, inRange(v, range), `${v}`);
    }
  }
  // The bounds are inside; beyond them, not finite or not whole is outside.
  assert.deepEqual(values.filter((v) => inRange(v, counts)), [0, -0, 5, 10]);
  assert.deepEqual(values.filter((v) => inRange(v, LOAD_RANGE)), [
    0,
    8.7,
    100000,
    -0,
    5,
    5.5,
    10,
    11,
  ]);
  assert.equal(rangeProblem(NaN, LOAD_RANGE), "NaN is not a finite number");
  assert.equal(rangeProblem(5.5, counts), "5.5 is not a whole number");
  assert.equal(rangeProblem(11, counts), "11 is outside 0 … 10");
  assert.match(rangeProblem(-1, LOAD_RANGE)!, /^-1 is outside 0 … 100000 g$/);
});
