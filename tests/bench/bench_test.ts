/** The benchmark runs end to end (small sizes) and prints its name=value figures. */
import assert from "node:assert/strict";
import { runTask } from "../_helpers/task.ts";

Deno.test("deno task bench --quick prints every figure", async () => {
  const r = await runTask("bench", ["--quick"], { timeoutMs: 120_000 });
  assert.equal(r.code, 0, r.stderr);
  const figures = Object.fromEntries(
    r.stdout.split("\n").filter((l) => /^[a-z_0-9]+=/.test(l)).map((l) => l.split("=")),
  );
  for (
    const name of [
      "batch_vs_per_file_ratio",
      "uploads_per_s",
      "parse_mb_per_s",
      "readback_runs_per_s",
      "readback_reopen_ms",
    ]
  ) {
    assert.ok(Number(figures[name]) > 0, `${name}=${figures[name]}`);
  }
  assert.ok(Number(figures.peak_rss_mb_10k) > 10, `peak_rss_mb_10k=${figures.peak_rss_mb_10k}`);
  assert.match(r.stdout, /python csv\+\w+: [\d.]+ MB\/s|python baseline skipped/);
});
