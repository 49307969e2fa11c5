/**
 * `deno task bench`: performance figures measured side by side in one run. Ends with one
 * `name=value` line per figure: batch_vs_per_file_ratio, uploads_per_s, client_cpu_ms_per_item,
 * sandbox_cpu_ms_per_item, parse_mb_per_s, python_csv_mb_per_s, parse_vs_python,
 * plot_render_ms_10k, peak_rss_mb_10k, readback_runs_per_s, readback_reopen_ms, and the start-up
 * figures bare_deno_ms, startup_help_ms, one_file_ms, one_file_peak_mib (with their ratios).
 *
 * @module
 */
import { fileURLToPath } from "node:url";
import { defineCommand, runCommand } from "../lib/cli/command.ts";
import {
  benchBatch,
  benchParse,
  benchPlots,
  benchReadback,
  benchStartup,
  fixed,
} from "../lib/bench/mod.ts";
import { SUBCOMMANDS } from "../lib/install/tasks.ts";

/** The command: its flags and help. */
export const COMMAND = defineCommand({
  name: "bench",
  usage: ["[--quick] [--skip-memory]"],
  description: `Measures, in one run, on this machine:
  1. batch upload of 1,000 modules against the sandbox with 20 ms injected latency, versus the
     per-file way (upload-wirebond-results --upload, one process per file, sequentially;
     measured on 20 files and scaled to 1,000): targets ≥ 30× faster, ≥ 250 uploads/s for the
     whole command, and ≤ 2 ms of the batch process's own CPU time per upload;
  2. parsing + analysing DAGE data: MB/s on the reference file repeated 1,000 times
     (fixtures/reference; a generated file when it is absent), from reading the file to the
     statistics, against Python's csv module (+ pandas if installed) on the same file timed the
     same way: target ≥ 5× Python; and files/s on 1,000 files;
  3. peak resident memory of a batch of 10,000 files: target < 300 MB;
  4. reading back 10,000 WIREBOND_PULL_TEST runs from the sandbox at 20 ms latency into an
     empty cache (paged listing + getTestRunBulk): target < 30 s; then reopening the cache and
     building the one-row-per-run table: target < 1 s;
  6. start-up, each figure the median of 7 processes, next to a bare \`deno run\` of an empty
     script: --help of every step (the slowest one: target ≤ 80 ms; sandbox, make-fixtures and
     demo shown beside) and a local one-file wire-pull run (upload-wirebond-results --input
     F.csv … --out x.json: targets ≤ 150 ms and ≤ 60 MiB peak), each run as the installed itkpd
     command runs it (deno run with the task's flags; deno task adds its own start, shown too).`,
  flags: {
    quick: { type: "boolean", help: "small sizes (a smoke run, figures not meaningful)" },
    "skip-memory": { type: "boolean", help: "skip 3." },
  },
  epilog: "Ends with name=value lines.",
});

const ROOT = fileURLToPath(new URL("../", import.meta.url));
/** Commands of itkpd that are not steps of the workflow: timed, not part of startup_help_ms. */
const OTHER_COMMANDS: readonly string[] = ["sandbox", "make-fixtures", "demo"];

if (import.meta.main) {
  runCommand(COMMAND, async ({ flags }) => {
    const quick = flags.quick;
    const log = (line: string) => console.log(`  ${line}`);
    console.log(
      `itkpd benchmark (${quick ? "quick" : "full"}), ${Deno.build.os}/${Deno.build.arch}, ` +
        `${navigator.hardwareConcurrency} cores, Deno ${Deno.version.deno}`,
    );

    console.log("1. batch upload vs one process per file");
    const batch = await benchBatch({
      root: ROOT,
      modules: quick ? 60 : 1000,
      perFileSample: quick ? 3 : 20,
      latencyMs: 20,
      concurrency: 16,
      log,
    });
    log(
      `batch: ${batch.modules} uploads in ${fixed(batch.batchSeconds, 2)} s ` +
        `(${fixed(batch.uploadsPerSecond)} uploads/s, whole command incl. start and plan)`,
    );
    log(
      `per file: ${fixed(batch.perFileSeconds, 3)} s per file (mean of ${batch.perFileSample}) → ` +
        `${fixed(batch.perFileSeconds * batch.modules, 1)} s for ${batch.modules}`,
    );
    log(`ratio: ${fixed(batch.ratio)}×`);
    log(
      `CPU: batch process ${fixed(batch.batchCpuSeconds, 2)} s = ` +
        `${fixed(batch.clientCpuMsPerItem, 2)} ms per upload; sandbox (this process) ` +
        `${fixed(batch.sandboxCpuMsPerItem, 2)} ms per upload`,
    );

    console.log("2. parsing and analysing DAGE files");
    const parse = await benchParse({
      reference: fileURLToPath(
        new URL("../fixtures/reference/sample_wirebond_data.csv", import.meta.url),
      ),
      repeat: quick ? 50 : 1000,
      files: quick ? 100 : 1000,
      pythonBaseline: new URL("./_bench_python_baseline.py", import.meta.url).pathname,
      log,
    });
    log(
      `${fixed(parse.mbPerSecond)} MB/s on ${parse.source} (${fixed(parse.megabytes)} MB); ` +
        `${fixed(parse.filesPerSecond, 0)} files/s (parse + WIREBOND_PULL_TEST analysis)`,
    );
    const parseRatio = parse.python ? parse.mbPerSecond / parse.python.mbPerSecond : undefined;
    if (parse.python) {
      log(
        `python ${parse.python.engine}: ${fixed(parse.python.mbPerSecond)} MB/s on the same file ` +
          `→ ${fixed(parseRatio!, 2)}× ahead`,
      );
    }

    console.log("3. plots with 10,000 points (ms, best of 3)");
    const plots = await benchPlots(quick ? 1000 : 10_000);
    log(Object.entries(plots).map(([k, v]) => `${k} ${fixed(v, 0)} ms`).join(", "));
    const slowestPlot = Math.max(...Object.values(plots));

    let peak: number | undefined;
    if (!flags.skipMemory) {
      const files = quick ? 500 : 10_000;
      console.log(`4. peak memory of a batch of ${files} files`);
      const mem = await benchBatch({
        root: ROOT,
        modules: files,
        perFileSample: 0,
        latencyMs: 0,
        concurrency: 16,
        sampleRss: true,
        log,
      });
      peak = mem.peakRssMb;
      log(
        `peak RSS ${fixed(peak ?? NaN)} MB for ${files} files (${fixed(mem.batchSeconds, 1)} s, ` +
          `${fixed(mem.uploadsPerSecond)} uploads/s without latency)`,
      );
    }

    const readbackRuns = quick ? 300 : 10_000;
    console.log(`5. read back ${readbackRuns} runs at 20 ms latency`);
    const readback = await benchReadback({ runs: readbackRuns, latencyMs: 20, log });
    log(
      `fetched ${readback.runs} runs in ${fixed(readback.fetchSeconds, 2)} s ` +
        `(${fixed(readback.runsPerSecond, 0)} runs/s, ${readback.bulkCalls} getTestRunBulk ` +
        `calls); cache reopened and table built in ${
          fixed(readback.reopenSeconds * 1000, 0)
        } ms; ` +
        `${readback.pullRows} pull rows in ${fixed(readback.pullTableSeconds * 1000, 0)} ms`,
    );

    console.log("6. start-up of the steps (ms, medians)");
    const startup = await benchStartup({
      root: ROOT,
      steps: SUBCOMMANDS.filter((s) => !OTHER_COMMANDS.includes(s)),
      others: OTHER_COMMANDS,
      runs: quick ? 3 : 7,
      log,
    });

    console.log(`batch_vs_per_file_ratio=${fixed(batch.ratio)}`);
    console.log(`uploads_per_s=${fixed(batch.uploadsPerSecond)}`);
    console.log(`client_cpu_ms_per_item=${fixed(batch.clientCpuMsPerItem, 2)}`);
    console.log(`sandbox_cpu_ms_per_item=${fixed(batch.sandboxCpuMsPerItem, 2)}`);
    console.log(`parse_mb_per_s=${fixed(parse.mbPerSecond)}`);
    if (parse.python) console.log(`python_csv_mb_per_s=${fixed(parse.python.mbPerSecond)}`);
    console.log(`parse_vs_python=${parseRatio === undefined ? "skipped" : fixed(parseRatio, 2)}`);
    console.log(`plot_render_ms_10k=${fixed(slowestPlot, 0)}`);
    console.log(`peak_rss_mb_10k=${peak === undefined ? "skipped" : fixed(peak)}`);
    console.log(`readback_runs_per_s=${fixed(readback.runsPerSecond, 0)}`);
    console.log(`readback_reopen_ms=${fixed(readback.reopenSeconds * 1000, 0)}`);
    console.log(`bare_deno_ms=${fixed(startup.bareDenoMs)}`);
    console.log(`startup_help_ms=${fixed(startup.startupHelpMs)}`);
    console.log(`startup_help_ratio=${fixed(startup.startupHelpMs / startup.bareDenoMs)}`);
    console.log(`deno_task_help_ms=${fixed(startup.denoTaskHelpMs)}`);
    console.log(`one_file_ms=${fixed(startup.oneFileMs)}`);
    console.log(`one_file_ratio=${fixed(startup.oneFileMs / startup.bareDenoMs)}`);
    console.log(
      `one_file_peak_mib=${
        startup.oneFilePeakMib === undefined ? "not measured" : fixed(startup.oneFilePeakMib)
      }`,
    );
    return 0;
  });
}
