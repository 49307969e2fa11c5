import assert from "node:assert/strict";
import {
  autoProgress,
  KernelProgress,
  progress,
  SilentProgress,
  TerminalProgress,
} from "../../lib/notebook/mod.ts";
import type { KernelDisplayOptions } from "../../lib/display/kernel.ts";
import { $display, type MimeBundle } from "../../lib/display/mime.ts";

/** A writer that keeps what it gets, and a clock the test moves. */
function harness() {
  let text = "";
  let clock = 0;
  return {
    writer: { write: (t: string) => void (text += t) },
    now: () => clock,
    advance: (ms: number) => void (clock += ms),
    text: () => text,
  };
}

/** A kernel that records the displays it gets. */
function fakeKernel() {
  const sent: { bundle: MimeBundle; options: KernelDisplayOptions }[] = [];
  return {
    sent,
    display(bundle: MimeBundle, options: KernelDisplayOptions) {
      sent.push({ bundle, options });
      return Promise.resolve();
    },
  };
}

Deno.test("progress", async (t) => {
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

  await t.step("silent mode writes nothing and keeps the counts", async () => {
    const p = progress({ total: 3, silent: true });
    assert.ok(p.reporter instanceof SilentProgress);
    p.tick();
    p.tick({ ok: 1, failed: 1 });
    await p.done();
    assert.deepEqual(p.counts, { done: 3, created: 2, skipped: 0, failed: 1 });
    assert.equal((p.reporter as SilentProgress).state.finished, true);
  });

  await t.step("autoProgress outside the kernel: terminal, or silent when asked", () => {
    assert.ok(autoProgress() instanceof TerminalProgress);
    assert.ok(autoProgress({ silent: true }) instanceof SilentProgress);
  });

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

  await t.step("a reporter that throws does not break the work", async () => {
    const bad = {
      start() {
        throw new Error("x");
      },
      update() {
        throw new Error("y");
      },
      finish() {
        throw new Error("z");
      },
    };
    const p = progress({ total: 1, reporter: bad });
    p.tick();
    await p.done();
    assert.equal(p.counts.done, 1);
  });

  await t.step("a Progress renders its state as a MIME bundle", () => {
    const p = progress({ total: 2, silent: true, label: "parse" });
    p.tick();
    const b = p[$display]();
    assert.match(String(b["text/plain"]), /^parse 1\/2 \(50%\)/);
    assert.match(String(b["text/html"]), /<progress value="1" max="2"/);
  });
});
