/**
 * Tests of scripts/bench.ts: `deno task bench --quick` end to end (over lib/bench). The figures
 * depend on the machine, so no speed is asserted; what is checked is that each figure is computed
 * from the runs the benchmark measured: the batch created every run it was given, its CPU time
 * is the batch process's own, the parse throughput is over the reference file's pulls and the
 * ratio to Python is of the two times measured on the same file, and each `name=value` figure
 * agrees with the measurements printed above it (to their printed precision).
 */
import assert from "node:assert/strict";
import { runTask } from "../_helpers/task.ts";
import { reference } from "../_helpers/assertions.ts";
import { SUBCOMMANDS } from "../../lib/install/tasks.ts";

/** The numbers captured by `pattern` in `text`, which must match. */
function numbers(text: string, pattern: RegExp): number[] {
  const m = pattern.exec(text);
  assert.ok(m, `no ${pattern} in:\n${text}`);
  return m.slice(1).map(Number);
}

/**
 * `shown` is `f(inputs)` for some inputs within half a unit of their printed last digit;
 * `half` is half a unit of `shown`'s own last digit (0.05 for one decimal, 0.5 for none).
 */
function agrees(shown: number, low: number, high: number, name: string, half = 0.05): void {
  assert.ok(
    shown >= low - half && shown <= high + half,
    `${name}=${shown}, not in [${low}, ${high}]`,
  );
}

Deno.test("deno task bench --quick: figures computed from the measured runs", async (t) => {
  const r = await runTask("bench", ["--quick"], { timeoutMs: 300_000 });
  assert.equal(r.code, 0, r.stderr);
  const out = r.stdout;
  const figures = Object.fromEntries(
    out.split("\n").filter((l) => /^[a-z_0-9]+=/.test(l)).map((l) => l.split("=")),
  );

  await t.step("batch: 60 runs created; uploads_per_s and the ratio come from the timings", () => {
    // benchBatch itself fails unless the batch's summary says "60 created".
    const [modules, seconds, perSecond] = numbers(
      out,
      /batch: (\d+) uploads in ([\d.]+) s \(([\d.]+) uploads\/s/,
    );
    assert.equal(modules, 60);
    const [perFile, sample] = numbers(out, /per file: ([\d.]+) s per file \(mean of (\d+)\)/);
    assert.equal(sample, 3);
    const [ratio] = numbers(out, /ratio: ([\d.]+)×/);
    const [lo, hi] = [seconds - 0.005, seconds + 0.005]; // printed to 2 decimals
    agrees(perSecond, modules / hi, modules / lo, "uploads/s");
    assert.equal(Number(figures.uploads_per_s), perSecond);
    agrees(
      ratio,
      ((perFile - 0.0005) * modules) / hi,
      ((perFile + 0.0005) * modules) / lo,
      "ratio",
    );
    assert.equal(Number(figures.batch_vs_per_file_ratio), ratio);
  });

  await t.step("CPU per upload: the batch process's own CPU time over its 60 runs", () => {
    const [cpu, perItem, sandbox] = numbers(
      out,
      /CPU: batch process ([\d.]+) s = ([\d.]+) ms per upload; sandbox \(this process\) ([\d.]+) ms/,
    );
    // Printed to 2 decimals: per item = s × 1000 / 60, within the rounding of s.
    agrees(perItem, ((cpu - 0.005) * 1000) / 60, ((cpu + 0.005) * 1000) / 60, "ms per upload");
    assert.equal(Number(figures.client_cpu_ms_per_item), perItem);
    assert.equal(Number(figures.sandbox_cpu_ms_per_item), sandbox);
    // A Deno process that starts, plans and uploads 60 runs uses some CPU, and less than the
    // time it took on both cores.
    const [seconds] = numbers(out, /batch: \d+ uploads in ([\d.]+) s/);
    assert.ok(cpu > 0.05 && cpu < 2 * seconds + 0.01, `${cpu} s of CPU in ${seconds} s`);
    assert.ok(sandbox > 0, out);
  });

  await t.step("parse: the reference file × 50, every one of its 60 pulls counted", async () => {
    const [megabytes, pulls, best] = numbers(
      out,
      /parse: reference file × 50, ([\d.]+) MB, (\d+) pulls, best ([\d.]+) s/,
    );
    assert.equal(pulls, 60 * 50);
    const bytes = (await Deno.stat(reference("sample_wirebond_data.csv"))).size * 50;
    assert.equal(megabytes, Number((bytes / 1e6).toFixed(1)));
    const mbPerSecond = Number(figures.parse_mb_per_s);
    agrees(mbPerSecond, bytes / 1e6 / (best + 0.0005), bytes / 1e6 / (best - 0.0005), "MB/s");
    const python = /python (csv\+\w+): best ([\d.]+) s/.exec(out);
    if (python === null) {
      // Without python3 the ratio is not made up.
      assert.match(out, /python baseline skipped/);
      assert.equal(figures.parse_vs_python, "skipped");
      return;
    }
    // Python on the same file, timed the same way; the ratio is of the two measured times.
    const pySeconds = Number(python[2]);
    const pyMbPerSecond = Number(figures.python_csv_mb_per_s);
    agrees(
      pyMbPerSecond,
      bytes / 1e6 / (pySeconds + 0.0005),
      bytes / 1e6 / (pySeconds - 0.0005),
      "py",
    );
    const ratio = Number(figures.parse_vs_python);
    assert.ok(
      Math.abs(ratio - mbPerSecond / pyMbPerSecond) <= 0.01 + ratio * 0.002,
      `parse_vs_python=${ratio}, ${mbPerSecond} / ${pyMbPerSecond}`,
    );
  });

  await t.step("memory: the peak RSS of the 500-file batch", () => {
    const [peak, files] = numbers(out, /peak RSS ([\d.]+) MB for (\d+) files/);
    assert.equal(files, 500);
    assert.equal(Number(figures.peak_rss_mb_10k), peak);
    assert.ok(peak > 10, `a Deno process takes more than 10 MB: ${peak}`);
  });
  await t.step(
    "read back: every run fetched, 100 per getTestRunBulk, figures from the timings",
    () => {
      const [runs, seconds, perSecond, bulkCalls] = numbers(
        out,
        /fetched (\d+) runs in ([\d.]+) s \(([\d.]+) runs\/s, (\d+) getTestRunBulk/,
      );
      assert.equal(runs, 300);
      assert.equal(bulkCalls, Math.ceil(runs / 100));
      // runs/s is printed without decimals.
      agrees(
        perSecond,
        runs / (seconds + 0.005),
        runs / Math.max(seconds - 0.005, 1e-9),
        "runs/s",
        0.5,
      );
      assert.equal(Number(figures.readback_runs_per_s), Math.round(perSecond));
      assert.ok(Number(figures.readback_reopen_ms) >= 0, out);
    },
  );
  await t.step("start-up: each figure from the medians printed above it", () => {
    const [bare] = numbers(out, /bare deno run of an empty script: ([\d.]+) ms/);
    assert.ok(bare > 1, `a process takes more than 1 ms: ${bare}`);
    assert.equal(Number(figures.bare_deno_ms), bare);
    const help = /--help: (.+) ms\n/.exec(out)?.[1];
    assert.ok(help, out);
    const perStep = new Map(
      help.split(", ").map((part) => {
        const at = part.lastIndexOf(" ");
        return [part.slice(0, at), Number(part.slice(at + 1))] as const;
      }),
    );
    assert.deepEqual([...perStep.keys()].sort(), [...SUBCOMMANDS].sort());
    // The workflow's steps make startup_help_ms; sandbox, make-fixtures and demo are shown only.
    const slowest = Math.max(
      ...SUBCOMMANDS.filter((s) => !["sandbox", "make-fixtures", "demo"].includes(s))
        .map((s) => perStep.get(s)!),
    );
    const helpMs = Number(figures.startup_help_ms);
    agrees(helpMs, slowest - 0.5, slowest + 0.5, "startup_help_ms"); // printed to 0 decimals
    agrees(
      Number(figures.startup_help_ratio),
      helpMs / (bare + 0.05),
      helpMs / (bare - 0.05),
      "ratio",
    );
    const [oneFile] = numbers(out, /one-file wire-pull run \(no upload\): (\d+) ms/);
    agrees(Number(figures.one_file_ms), oneFile - 0.5, oneFile + 0.5, "one_file_ms");
    assert.ok(Number(figures.one_file_ms) > bare, "a step does more than start");
    const peak = /one-file wire-pull run .*, peak ([\d.]+) MiB/.exec(out);
    if (peak) {
      assert.equal(Number(figures.one_file_peak_mib), Number(peak[1]));
      assert.ok(Number(peak[1]) > 10, `a Deno process takes more than 10 MiB: ${peak[1]}`);
    } else {
      assert.equal(figures.one_file_peak_mib, "not measured");
    }
  });
});
