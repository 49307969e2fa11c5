/** IV results in their physical ranges (lib/analysis/iv.ts). */
import assert from "node:assert/strict";
import { InputError } from "../../lib/errors.ts";
import { ivResults, ivTestRun } from "../../lib/analysis/iv.ts";
import { parseIv } from "../../lib/parsers/iv.ts";

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
