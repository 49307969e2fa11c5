import assert from "node:assert/strict";
import { z } from "zod";
import { certainlyValid } from "../../lib/schemas/mod.ts";
import { CommandAnswers, CommandInputs } from "../../lib/client/commands.ts";
import { type Random, randomNumber, randomValue, seededRandom } from "../_helpers/random_values.ts";

/** The definition fields the generator reads (zod v4). */
interface Def {
  type: string;
  innerType?: z.ZodType;
  element?: z.ZodType;
  valueType?: z.ZodType;
  shape?: Record<string, z.ZodType>;
  options?: z.ZodType[];
  entries?: Record<string, unknown>;
  values?: unknown[];
}
const defOf = (s: z.ZodType) => (s as unknown as { _zod: { def: Def } })._zod.def;

/** A value shaped by `schema`, often valid, with bad values and odd objects mixed in. */
function sample(schema: z.ZodType, r: Random, depth = 0): unknown {
  if (r.next() < 0.06 || depth > 6) return randomValue(r, 2);
  const def = defOf(schema);
  switch (def.type) {
    case "string":
      return ["", "a", "20UPGM20000001", "x".repeat(r.int(0, 3)), "\u00e9"][r.int(0, 4)];
    case "number":
      return r.next() < 0.5 ? r.int(-2, 5) : randomNumber(r);
    case "boolean":
      return r.next() < 0.5;
    case "enum": {
      const values = Object.values(def.entries ?? {});
      return r.next() < 0.8 ? values[r.int(0, values.length - 1)] : "Q";
    }
    case "optional":
      return r.next() < 0.3 ? undefined : sample(def.innerType!, r, depth + 1);
    case "nullable":
      return r.next() < 0.3 ? null : sample(def.innerType!, r, depth + 1);
    case "default":
      return r.next() < 0.3 ? undefined : sample(def.innerType!, r, depth + 1);
    case "array":
      return Array.from({ length: r.int(0, 3) }, () => sample(def.element!, r, depth + 1));
    case "union":
      return sample(def.options![r.int(0, def.options!.length - 1)], r, depth + 1);
    case "record": {
      const out: Record<string, unknown> = {};
      for (let i = r.int(0, 3); i > 0; i--) out[`K${i}`] = sample(def.valueType!, r, depth + 1);
      return odd(out, r);
    }
    case "object": {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(def.shape ?? {})) {
        if (r.next() < 0.93) out[k] = sample(v, r, depth + 1);
      }
      if (r.next() < 0.3) out.extra = randomValue(r, 2);
      return odd(out, r);
    }
    default:
      return randomValue(r, 2);
  }
}

/** Now and then, the same keys in an object zod treats otherwise. */
function odd(o: Record<string, unknown>, r: Random): unknown {
  switch (r.int(0, 30)) {
    case 0:
      return Object.assign(Object.create(null), o);
    case 1:
      return Object.assign(new (class Thing {})(), o);
    case 2:
      return { ...o, [Symbol("s")]: 1 };
    case 3:
      return Object.assign(JSON.parse('{"__proto__":1}'), o);
    case 4:
      return { ...o, constructor: class Other {} };
    case 5:
      return new Date(0);
    default:
      return o;
  }
}

/** Checked with every schema below: a certain yes is zod's yes, with zod's very output. */
function compare(name: string, schema: z.ZodType, r: Random, n: number): [number, number] {
  let certain = 0;
  let valid = 0;
  for (let i = 0; i < n; i++) {
    const value = sample(schema, r);
    const result = schema.safeParse(value);
    if (result.success) valid++;
    if (!certainlyValid(schema, value)) continue;
    certain++;
    const where = `${name}: ${Deno.inspect(value, { depth: 8 })}`;
    assert.ok(result.success, `certain, but zod refuses: ${where}`);
    assert.deepStrictEqual(value, result.data, `certain, but zod gives another value: ${where}`);
  }
  return [certain, valid];
}

Deno.test("certainlyValid: on random values, a yes is zod's yes with the same value", () => {
  const r = seededRandom(20261130);
  const schemas: [string, z.ZodType][] = [
    ...Object.entries(CommandInputs),
    ...Object.entries(CommandAnswers),
    // Shapes zod changes or checks in ways a direct check leaves to zod.
    ["strip", z.object({ a: z.string(), b: z.number().optional() })],
    ["strict", z.strictObject({ a: z.string() })],
    ["default in optional", z.looseObject({ a: z.string().default("x").optional() })],
    ["transform in union", z.union([z.string().transform((s) => s + "!"), z.number()])],
    ["refine", z.looseObject({ a: z.number().refine((n) => n !== 3) })],
    ["bounds", z.array(z.number().int().gte(-1).lt(3))],
    ["string bounds", z.string().min(1).max(2)],
    ["literal", z.literal(["a", 1])],
  ];
  let certain = 0;
  for (const [name, schema] of schemas) {
    const [c, valid] = compare(name, schema as z.ZodType, r, 1500);
    certain += c;
    // The values zod accepts are there to compare with (the generator reaches them), except
    // for the attachments' inputs (bytes, which a custom check of zod's takes).
    if (!/Attachment$/.test(name)) assert.ok(valid > 0, `${name}: no valid sample`);
  }
  assert.ok(certain > 5000, `${certain} certain`);
});

Deno.test("certainlyValid: what the client sends and gets most is accepted without zod", () => {
  const summary = {
    id: "65f0",
    state: "ready",
    stateTs: "2026-01-01T00:00:00.000Z",
    cts: "2026-01-01T00:00:00.000Z",
    stage: { code: "MODULE/WIREBONDING", name: "Wirebonding", order: 3, initial: false },
    runNumber: "wp-1",
    passed: true,
    problems: false,
    date: "2026-01-01T00:00:00.000Z",
    institution: { id: "i1", code: "SANDBOX_A", name: "A" },
    testType: { id: "t1", code: "WIREBOND_PULL_TEST", name: "Pull" },
  };
  const list = {
    itemList: [summary],
    pageInfo: { pageIndex: 0, pageSize: 1000, total: 1 },
    uuAppErrorMap: {},
  };
  assert.equal(certainlyValid(CommandAnswers.listTestRunsByComponent, list), true);
  assert.equal(
    certainlyValid(CommandAnswers.uploadTestRunResults, { testRun: summary, uuAppErrorMap: {} }),
    true,
  );
  const listInput = {
    filterMap: { code: "abc", testType: ["WIREBOND_PULL_TEST"], state: ["ready"] },
    pageInfo: { pageIndex: 0, pageSize: 1000 },
  };
  assert.equal(certainlyValid(CommandInputs.listTestRunsByComponent, listInput), true);
  const upload = {
    component: "abc",
    testType: "WIREBOND_PULL_TEST",
    institution: "SANDBOX_A",
    runNumber: "wp-1",
    date: "2026-01-01T00:00:00.000Z",
    passed: true,
    problems: false,
    properties: { OPERATOR: "x" },
    results: { PULL_STRENGTH: 8.8, DATA: [[8.8, 0, 1]] },
  };
  assert.equal(certainlyValid(CommandInputs.uploadTestRunResults, upload), true);
  // and each one that is not valid is not certain
  assert.equal(
    certainlyValid(CommandInputs.uploadTestRunResults, { ...upload, runNumber: "" }),
    false,
  );
  assert.equal(
    certainlyValid(CommandAnswers.listTestRunsByComponent, { ...list, itemList: [{ id: 1 }] }),
    false,
  );
  // a default to fill in is zod's
  const { properties: _, ...noProperties } = upload;
  assert.equal(certainlyValid(CommandInputs.uploadTestRunResults, noProperties), false);
});
