/** The byte budget that keeps a batch's memory flat (lib/io/byte_budget.ts). */
import assert from "node:assert/strict";
import { ByteBudget } from "../../lib/io/byte_budget.ts";

Deno.test("ByteBudget", async (t) => {
  await t.step("tasks within the budget run together; a larger one waits its turn", async () => {
    const budget = new ByteBudget(100);
    const a = await budget.acquire(60);
    const b = await budget.acquire(40);
    assert.equal(budget.inUse, 100);
    let cStarted = false;
    const c = budget.acquire(30).then((release) => {
      cStarted = true;
      return release;
    });
    await Promise.resolve();
    assert.equal(cStarted, false);
    a();
    const releaseC = await c;
    assert.equal(cStarted, true);
    assert.equal(budget.inUse, 70);
    b();
    releaseC();
    releaseC(); // twice: no effect
    assert.equal(budget.inUse, 0);
  });
  await t.step("one task larger than the whole budget runs alone", async () => {
    const budget = new ByteBudget(100);
    const small = await budget.acquire(10);
    const huge = budget.acquire(10_000);
    small();
    const release = await huge;
    assert.equal(budget.inUse, 100);
    release();
    assert.equal(budget.inUse, 0);
  });
  await t.step(
    "first come, first served: a small task does not overtake a waiting one",
    async () => {
      const budget = new ByteBudget(100);
      const first = await budget.acquire(90);
      const order: string[] = [];
      const big = budget.acquire(50).then((r) => (order.push("big"), r));
      const small = budget.acquire(5).then((r) => (order.push("small"), r));
      first();
      (await big)();
      (await small)();
      assert.deepEqual(order, ["big", "small"]);
    },
  );
});
