import assert from "node:assert/strict";
import { progress } from "../../lib/progress/progress.ts";
import { KernelProgress } from "../../lib/progress/kernel_progress.ts";
import { fakeKernel, harness } from "./_harness.ts";

Deno.test("kernel progress", async (t) => {
  await t.step("kernel mode: one display id, then updates in place", async () => {
    const k = fakeKernel();
    const h = harness();
    const r = new KernelProgress({ kernel: k, now: h.now, label: "upload", intervalMs: 100 });
    const p = progress({ total: 4, reporter: r, now: h.now, label: "upload" });
    for (let i = 0; i < 4; i++) {
      h.advance(60);
      p.tick(i === 1 ? "skipped" : "ok");
    }
    await p.done();
    assert.ok(k.sent.length >= 3 && k.sent.length <= 4, `${k.sent.length} displays`);
    assert.deepEqual(k.sent[0].options, { raw: true, display_id: r.displayId, update: false });
    for (const s of k.sent.slice(1)) {
      assert.deepEqual(s.options, { raw: true, display_id: r.displayId, update: true });
    }
    const last = k.sent[k.sent.length - 1].bundle;
    assert.match(String(last["text/html"]), /data-itkpd-progress="done"/);
    assert.match(
      String(last["text/plain"]),
      /^upload 4\/4 done in 0s · ok 3 · skipped 1 · failed 0/,
    );
    assert.match(String(k.sent[0].bundle["text/html"]), /data-itkpd-progress="running"/);
  });
});
