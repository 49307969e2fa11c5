/**
 * The V8 settings of the `batch-upload` task (deno.json), checked in the pinned Deno itself: the
 * heap bounds hold, and V8 runs in efficiency mode (optimising compiles made on the main thread
 * when needed, not ahead of it on others: less CPU in all for a batch, see README "Performance").
 */
import assert from "node:assert/strict";
import { taskWords } from "../../lib/bench/tasks.ts";

/** The `--v8-flags=…` word of a task's command. */
function v8Flags(task: string): string {
  const words = taskWords(task, new URL("../../deno.json", import.meta.url).pathname);
  const flags = words.find((w) => w.startsWith("--v8-flags="));
  assert.ok(flags, `task ${task} sets no V8 flags`);
  return flags;
}

/** What a script run with `flags` (and V8's native syntax) prints. */
async function withFlags(flags: string, script: string): Promise<string> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["eval", "--ext=js", `${flags},--allow-natives-syntax`, script],
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const err = new TextDecoder().decode(out.stderr);
  assert.equal(out.code, 0, err);
  return new TextDecoder().decode(out.stdout).trim();
}

Deno.test("batch-upload: V8 runs in efficiency mode, with the task's heap bounds", async () => {
  const flags = v8Flags("batch-upload");
  assert.equal(await withFlags(flags, "console.log(%IsEfficiencyModeEnabled())"), "true");
  // Without the task's flags the same Deno does not: the test sees the setting, not a default.
  assert.equal(
    await withFlags(
      "--v8-flags=--max-old-space-size=256",
      "console.log(%IsEfficiencyModeEnabled())",
    ),
    "false",
  );
  // The heap is bounded (old generation 256 MB plus the young one), where V8's own limit on this
  // machine is several GB.
  const limitMb = Number(
    await withFlags(
      flags,
      'import v8 from "node:v8"; console.log(v8.getHeapStatistics().heap_size_limit / 2 ** 20)',
    ),
  );
  assert.ok(limitMb >= 256 && limitMb <= 320, `heap limit ${limitMb} MB`);
});
