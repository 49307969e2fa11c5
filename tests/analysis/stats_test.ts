/** Tests of lib/analysis/stats.ts: summary statistics (sample standard deviation) and groups. */
import assert from "node:assert/strict";
import { breakdown, summarize } from "../../lib/analysis/stats.ts";
import { dageFile } from "../_helpers/dage.ts";

Deno.test("summarize and breakdown", async (t) => {
  await t.step("sample standard deviation", () => {
    assert.deepEqual(summarize([2, 4, 4, 4, 5, 5, 7, 9]), {
      count: 8,
      mean: 5,
      std: Math.sqrt(32 / 7),
      min: 2,
      max: 9,
    });
  });
  await t.step("n < 2", () => {
    assert.deepEqual(summarize([3]), { count: 1, mean: 3, std: NaN, min: 3, max: 3 });
    assert.deepEqual(summarize([]), { count: 0, mean: NaN, std: NaN, min: NaN, max: NaN });
  });
  await t.step("breakdown by label and grade code, first-seen order", () => {
    const p = dageFile([["1", 10, "a"], ["2", 6, "b"], ["1", 8, "a"]]);
    assert.deepEqual(breakdown(p.tests, "label").map((g) => [g.key, g.count, g.mean]), [
      ["a", 2, 9],
      ["b", 1, 6],
    ]);
    assert.deepEqual(breakdown(p.tests, "gradeCode").map((g) => [g.key, g.count]), [
      ["1", 2],
      ["2", 1],
    ]);
  });
});

Deno.test("summarize: the standard deviation divides by n − 1", async (t) => {
  // [values, sample std (n−1); the population std (n) differs in every case]
  const cases: [number[], number][] = [
    [[6, 8], Math.SQRT2], // population: 1
    [[1, 2, 3], 1], // population: 0.816…
    [[10, 10, 10, 4], 3], // population: 2.598…
    [[0.5, 1.5, 2.5, 3.5, 4.5], Math.sqrt(2.5)], // population: √2
  ];
  for (const [values, std] of cases) {
    await t.step(`[${values.join(", ")}] → ${std}`, () => {
      const s = summarize(values);
      assert.ok(Math.abs(s.std - std) < 1e-12, `${s.std} vs ${std}`);
    });
  }
});
