import assert from "node:assert/strict";
import { autoProgress, progress } from "../../lib/progress/progress.ts";
import { SilentProgress } from "../../lib/progress/silent_progress.ts";
import { TerminalProgress } from "../../lib/progress/terminal_progress.ts";
import { $display } from "../../lib/display/mime.ts";

Deno.test("progress", async (t) => {
  await t.step("autoProgress outside the kernel: terminal, or silent when asked", () => {
    assert.ok(autoProgress() instanceof TerminalProgress);
    assert.ok(autoProgress({ silent: true }) instanceof SilentProgress);
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
