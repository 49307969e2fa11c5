/**
 * Tests of lib/bench/measure.ts: the CPU time `timed` reports is the command's own (the kernel's
 * count for that process), not the time it took nor anything else running.
 */
import assert from "node:assert/strict";
import { timed } from "../../lib/bench/measure.ts";

Deno.test({
  name: "timed: the command's own CPU time, and its exit status",
  ignore: Deno.build.os !== "linux",
  fn: async (t) => {
    await t.step(
      "a command that burns 0.4 s of CPU (by its own count) reports at least that",
      async () => {
        const burn = await timed(Deno.execPath(), [
          "eval",
          "import process from 'node:process';" +
          "while ((process.cpuUsage().user + process.cpuUsage().system) < 400_000) {}" +
          "console.log('done')",
        ], { cpu: true });
        assert.equal(burn.stdout.trim(), "done");
        // The kernel counts in clock ticks (10 ms): a tick or two less than the process saw.
        assert.ok(burn.cpuSeconds! >= 0.37, `${burn.cpuSeconds} s`);
        assert.doesNotMatch(
          burn.stderr,
          /itkpd-bench/,
          "the wrapper's lines are not the command's",
        );
      },
    );
    await t.step("a command that sleeps 0.5 s reports almost none", async () => {
      const sleep = await timed("/bin/sleep", ["0.5"], { cpu: true, sampleRss: true });
      assert.ok(sleep.seconds >= 0.5, `${sleep.seconds} s`);
      assert.ok(sleep.cpuSeconds! < 0.2, `${sleep.cpuSeconds} s`);
      assert.ok(
        sleep.peakRssMb! > 0 && sleep.peakRssMb! < 50,
        `sleep's own memory: ${sleep.peakRssMb}`,
      );
    });
    await t.step("a failing command still fails", async () => {
      await assert.rejects(
        timed("/bin/sh", ["-c", "echo no >&2; exit 3"], { cpu: true }),
        /exited with 3:\nno/,
      );
    });
  },
});
