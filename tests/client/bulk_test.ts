/** Tests of lib/client/bulk.ts: chunks of at most 100 ids, input order. */
import assert from "node:assert/strict";
import { chunk, orderByInput } from "../../lib/client/mod.ts";
import { demoSerial } from "../../lib/fixtures/serials.ts";
import { clientFor, withSandbox } from "./_helpers.ts";

Deno.test("bulk: more than 100 ids go in chunks, results in input order", async (t) => {
  await withSandbox({ demoModules: 230 }, async (sb) => {
    const { client } = clientFor(sb);
    try {
      await t.step("getComponentBulk with 230 serials (reversed, one unknown)", async () => {
        const serials = Array.from({ length: 230 }, (_, i) => demoSerial(230 - i));
        serials.splice(150, 0, "20UPGM29999999");
        const components = await client.getComponentBulk(serials);
        assert.equal(components.length, 230);
        assert.deepEqual(
          components.map((c) => c.serialNumber),
          serials.filter((s) => s !== "20UPGM29999999"),
        );
        assert.equal(sb.stats().byCommand.getComponentBulk, 3);
      });
      await t.step("an empty list sends nothing", async () => {
        assert.deepEqual(await client.getComponentBulk([]), []);
        assert.equal(sb.stats().byCommand.getComponentBulk, 3);
      });
    } finally {
      client.close();
    }
  });
});

Deno.test("bulk helpers", async (t) => {
  await t.step("chunk", () => {
    assert.deepEqual(chunk([1, 2, 3, 4, 5], 2), [[1, 2], [3, 4], [5]]);
    assert.throws(() => chunk([1], 0), RangeError);
  });
  await t.step("orderByInput", () => {
    const items = [{ id: "a" }, { id: "b" }, { id: "z" }];
    assert.deepEqual(orderByInput(["b", "x", "a"], items, (i) => [i.id]), [
      { id: "b" },
      { id: "a" },
      { id: "z" },
    ]);
  });
});
