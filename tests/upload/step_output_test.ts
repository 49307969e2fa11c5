/**
 * The end of a data-file step (lib/upload/step_output.ts): the guard before anything is
 * written, every output checked before any is written, storage faults through the seam.
 */
import assert from "node:assert/strict";
import { Plot } from "../../lib/plots/plot.ts";
import { join } from "node:path";
import { InputError, OutputError } from "../../lib/errors.ts";
import { denoOutputFs, type OutputFs } from "../../lib/io/write_output.ts";
import { finishStep, formatJson } from "../../lib/upload/mod.ts";

const run = (mean: number) => ({
  component: "20UPGM20000001",
  testType: "WIREBOND_PULL_TEST",
  institution: "SANDBOX_A",
  runNumber: "20181009-140532-be459026",
  passed: true,
  problems: false,
  properties: { OPERATOR: "Ann" },
  results: { PULL_STRENGTH: mean, PULL_STRENGTH_DATA: [[mean, 0, 1]] },
});

/** A disk with no room left: every new file gets 4096 bytes, then ENOSPC. */
const fullDisk: OutputFs = {
  ...denoOutputFs,
  async writeNew(path, data) {
    await Deno.writeFile(path, data.subarray(0, 4096), { createNew: true });
    throw new Error("No space left on device (os error 28)");
  },
};

Deno.test("finishStep", async (t) => {
  const dir = await Deno.makeTempDir({ prefix: "itkpd_step_" });
  const lines: string[] = [];
  const log = (l: string) => lines.push(l);
  try {
    await t.step("a run with Infinity: nothing written (no null in a file)", async () => {
      const out = join(dir, "bad.json");
      await assert.rejects(
        finishStep({ testRun: run(Infinity), out, log, note: log }),
        (e) => e instanceof InputError && /not written and not sent/.test(e.message),
      );
      await assert.rejects(Deno.stat(out), Deno.errors.NotFound);
    });
    await t.step("JSON and plots: written, then left as they are on a re-run", async () => {
      const out = join(dir, "run.json");
      const plots = [{
        path: join(dir, "loads.svg"),
        make: () => Promise.resolve(new Plot("<svg/>", "loads")),
      }];
      await finishStep({ testRun: run(8.7), out, plots, log, note: log });
      assert.equal(await Deno.readTextFile(out), formatJson(run(8.7)));
      await finishStep({ testRun: run(8.7), out, plots, log, note: log });
      assert.deepEqual(lines.slice(-2), [
        `${out} already holds exactly this; left as it is`,
        `${join(dir, "loads.svg")} already holds exactly this; left as it is`,
      ]);
    });
    await t.step("another run over an existing file: refused unless force", async () => {
      const out = join(dir, "run.json");
      await assert.rejects(
        finishStep({ testRun: run(9.1), out, log, note: log }),
        (e) => e instanceof OutputError && e.path === out,
      );
      assert.equal(await Deno.readTextFile(out), formatJson(run(8.7)));
      await finishStep({ testRun: run(9.1), out, force: true, log, note: log });
      assert.match(lines.at(-1)!, /wrote .*run\.json \(replaced the previous file: --force\)/);
    });
    await t.step(
      "a full disk: one OutputError naming the file; the previous file intact",
      async () => {
        const out = join(dir, "run.json");
        const before = await Deno.readTextFile(out);
        const big = {
          ...run(8.8),
          results: { PULL_STRENGTH: 8.8, PULL_STRENGTH_DATA: Array(2000).fill([8.8, 0, 1]) },
        };
        await assert.rejects(
          finishStep({ testRun: big, out, force: true, fs: fullDisk, log, note: log }),
          (e) => {
            assert.ok(e instanceof OutputError);
            assert.equal(
              e.message.split("\n")[0],
              `${out}: cannot be written: the disk is full (no space left); the previous file is ` +
                "unchanged",
            );
            return true;
          },
        );
        assert.equal(await Deno.readTextFile(out), before);
        const names: string[] = [];
        for await (const e of Deno.readDir(dir)) names.push(e.name);
        assert.deepEqual(names.sort(), ["loads.svg", "run.json"]);
      },
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
