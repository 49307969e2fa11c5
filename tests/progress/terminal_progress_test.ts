import assert from "node:assert/strict";
import { progress } from "../../lib/progress/progress.ts";
import { TerminalProgress } from "../../lib/progress/terminal_progress.ts";
import { harness } from "./_harness.ts";

Deno.test("terminal progress", async (t) => {
  await t.step("text mode (not a terminal): a line per 10 %, then the summary", async () => {
    const h = harness();
    const p = progress({ total: 20, label: "upload", writer: h.writer, now: h.now });
    for (let i = 0; i < 20; i++) {
      h.advance(250);
      p.tick(i === 4 ? "failed" : i === 7 ? "skipped" : "ok");
    }
    await p.done();
    const lines = h.text().trimEnd().split("\n");
    assert.equal(lines.length, 10); // 10 %, 20 %, … 90 %, then the final line
    assert.equal(lines[0], "upload 2/20 (10%) · ok 2 · skipped 0 · failed 0 · 4.0/s · ETA 5s");
    assert.equal(lines[9], "upload 20/20 done in 5s · ok 18 · skipped 1 · failed 1 · 4.0/s");
    assert.ok(!h.text().includes("\r"));
  });

  await t.step("text mode also prints after everySeconds even without a new step", () => {
    const h = harness();
    const r = new TerminalProgress({ writer: h.writer, now: h.now, everySeconds: 10 });
    r.start(1000);
    h.advance(11_000);
    r.update({ done: 3, created: 3, skipped: 0, failed: 0 });
    h.advance(1_000);
    r.update({ done: 4, created: 4, skipped: 0, failed: 0 });
    assert.equal(h.text().trimEnd().split("\n").length, 1);
    assert.ok(h.text().startsWith("3/1000 (0%) · ok 3"));
  });

  await t.step("terminal mode rewrites one line with \\r and ends it once", () => {
    const h = harness();
    const r = new TerminalProgress({ writer: h.writer, now: h.now, interactive: true, label: "x" });
    r.start(3);
    h.advance(200);
    r.update({ done: 1, created: 1, skipped: 0, failed: 0 });
    h.advance(10); // too soon: not drawn
    r.update({ done: 2, created: 2, skipped: 0, failed: 0 });
    r.finish({ done: 3, created: 2, skipped: 0, failed: 1 });
    r.finish(); // a second finish does nothing
    const text = h.text();
    assert.equal(text.split("\r").length - 1, 3); // start, first update, finish
    assert.ok(!text.includes("x 2/3"));
    assert.ok(text.endsWith("x 3/3 done in 0s · ok 2 · skipped 0 · failed 1 · 14/s\x1b[K\n"));
    assert.equal(text.split("\n").length - 1, 1);
  });
});
