/** Tests of lib/_pool.ts: the one bounded-concurrency helper. */
import assert from "node:assert/strict";
import { mapLimit, runPool, turns } from "../lib/_pool.ts";

/** A task that waits until the test lets it go, so that the test sees what runs at once. */
function gates() {
  const open = new Map<number, () => void>();
  const started: number[] = [];
  let announce = () => {};
  return {
    started,
    task: (i: number) =>
      new Promise<void>((resolve) => {
        started.push(i);
        open.set(i, resolve);
        announce();
      }),
    /** Resolves once `n` tasks have started. */
    startedCount: (n: number) =>
      new Promise<void>((resolve) => {
        announce = () => started.length >= n && resolve();
        announce();
      }),
    release: (i: number) => open.get(i)!(),
  };
}

Deno.test("pool", async (t) => {
  await t.step("mapLimit keeps the input order and runs at most `limit` at a time", async () => {
    const g = gates();
    const mapping = mapLimit([5, 1, 3, 2], 2, async (n, i) => {
      await g.task(i);
      return n * 10;
    });
    await g.startedCount(2);
    assert.deepEqual(g.started, [0, 1], "two at a time");
    g.release(1);
    await g.startedCount(3);
    assert.deepEqual(g.started, [0, 1, 2], "the third starts when one ends");
    g.release(0);
    await g.startedCount(4);
    g.release(2);
    g.release(3);
    assert.deepEqual(await mapping, [50, 10, 30, 20]);
  });

  await t.step("runPool: `stop` starts no more tasks; it says how many started", async () => {
    const seen: number[] = [];
    const started = await runPool(10, 3, (i) => Promise.resolve(void seen.push(i)), {
      stop: () => seen.length >= 4,
    });
    assert.equal(started, 4);
    assert.deepEqual(seen, [0, 1, 2, 3]);
    assert.equal(await runPool(3, 8, async () => {}), 3);
    assert.equal(await runPool(0, 8, async () => {}), 0);
  });

  await t.step("the first failure is thrown after the running tasks settled", async () => {
    const g = gates();
    const settled: number[] = [];
    const run = runPool(6, 2, async (i) => {
      if (i === 0) throw new Error("first");
      await g.task(i);
      settled.push(i);
    });
    await g.startedCount(1);
    assert.deepEqual(g.started, [1], "no task starts after the failure");
    let done = false;
    const result = run.then(() => "resolved", (e: Error) => e.message).finally(() => done = true);
    await Promise.resolve();
    assert.equal(done, false, "waits for the running task");
    g.release(1);
    assert.equal(await result, "first");
    assert.deepEqual(settled, [1]);
  });

  await t.step("a limit below 1 or not a number runs one at a time", async () => {
    for (const limit of [0, -3, NaN]) {
      assert.deepEqual(await mapLimit([1, 2], limit, (n) => Promise.resolve(n + 1)), [2, 3]);
    }
  });
});

Deno.test("turns: at most `limit` hold a turn at once, the others wait in order", async () => {
  const takeTurn = turns(2);
  const order: number[] = [];
  const holders = [0, 1, 2, 3].map((i) =>
    takeTurn().then((giveBack) => {
      order.push(i);
      return giveBack;
    })
  );
  const [first, second] = await Promise.all(holders.slice(0, 2));
  await Promise.resolve();
  assert.deepEqual(order, [0, 1], "two turns, no more");
  second();
  second(); // given back twice: one turn only
  const third = await holders[2];
  assert.deepEqual(order, [0, 1, 2], "the freed turn goes to the first one waiting");
  first();
  (await holders[3])();
  third();
  assert.deepEqual(order, [0, 1, 2, 3]);
  // Every turn is back: two can be taken at once again, not three.
  const again = [takeTurn(), takeTurn(), takeTurn()];
  const [a, b] = await Promise.all(again.slice(0, 2));
  let late = false;
  again[2].then(() => (late = true));
  await Promise.resolve();
  assert.equal(late, false);
  a();
  (await again[2])();
  b();
});
