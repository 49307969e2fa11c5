import assert from "node:assert/strict";
import { z } from "zod";
import { describeValue, fieldValueSchema, problemFromIssue } from "../../lib/schemas/mod.ts";

Deno.test("describeValue: what a value is, in words, never all of it", () => {
  assert.equal(describeValue(7.6), "the number 7.6");
  assert.equal(describeValue("x"), 'the text "x"');
  assert.equal(describeValue(""), "an empty text");
  assert.equal(describeValue(true), "the value true");
  assert.equal(describeValue(null), "null");
  assert.equal(describeValue([]), "an empty list");
  assert.equal(describeValue([1, 2]), "a list of 2 values");
  assert.equal(describeValue({ A: 1, B: 2, C: 3, D: 4 }), "an object {A, B, C, …}");
  assert.ok(describeValue("y".repeat(10_000)).length < 60);
  assert.equal(describeValue(Array(30_000).fill(0)), "a list of 30,000 values");
});

Deno.test("problemFromIssue: zod's own messages become ours", async (t) => {
  const problem = (schema: z.ZodType, value: unknown, base = "$") => {
    const r = schema.safeParse(value);
    assert.equal(r.success, false);
    return r.error!.issues.map((i) => problemFromIssue(i, value, base));
  };
  await t.step("the pull-data row of the issue", () => {
    const schema = fieldValueSchema({
      code: "PULL_STRENGTH_DATA",
      name: "[strength, break mode, location]",
      dataType: "float",
      valueType: "array",
      arrayDimensions: 3,
      required: true,
    });
    assert.deepEqual(problem(schema, [7.6], "$.results.PULL_STRENGTH_DATA"), [{
      path: "$.results.PULL_STRENGTH_DATA[0]",
      message: "expected a list [strength, break mode, location], got the number 7.6",
    }]);
  });
  await t.step("plain zod schemas: words, no zod text, no nested parentheses", () => {
    const schema = z.strictObject({
      n: z.number(),
      s: z.string().min(1),
      k: z.enum(["A", "B"]),
      list: z.array(z.number()).max(1),
    });
    const out = problem(schema, { n: "1", s: "", k: "C", list: [1, 2], extra: 1 });
    assert.deepEqual(out, [
      { path: "$.n", message: 'expected a number, got the text "1"' },
      { path: "$.s", message: "expected a text that is not empty, got an empty text" },
      { path: "$.k", message: 'expected one of "A", "B", got the text "C"' },
      { path: "$.list", message: "expected at most 1 value, got a list of 2 values" },
      { path: "$", message: 'not a key of this object: "extra"' },
    ]);
    for (const p of out) assert.doesNotMatch(p.message, /Invalid|received|\([^)]*\(/);
  });
  await t.step("a required key that is absent: missing, with what it takes", () => {
    assert.deepEqual(problem(z.object({ n: z.number() }), {}), [
      { path: "$.n", message: "missing: expected a number" },
    ]);
  });
});
