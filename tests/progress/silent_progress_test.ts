import assert from "node:assert/strict";
import { progress } from "../../lib/progress/progress.ts";
import { SilentProgress } from "../../lib/progress/silent_progress.ts";

Deno.test("silent progress", async (t) => {
  await t.step("silent mode writes nothing and keeps the counts", async () => {
    const p = progress({ total: 3, silent: true });
    assert.ok(p.reporter instanceof SilentProgress);
    p.tick();
    p.tick({ ok: 1, failed: 1 });
    await p.done();
    assert.deepEqual(p.counts, { done: 3, created: 2, skipped: 0, failed: 1 });
    assert.equal((p.reporter as SilentProgress).state.finished, true);
  });
});
