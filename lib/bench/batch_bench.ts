/**
 * Benchmark of the batch upload against the per-file way of the original workflow, side by
 * side in one run against one sandbox with injected latency: `deno task batch-upload` on N
 * modules, versus `deno task upload-wirebond-results --upload` run once per file, one after the
 * other (measured on a sample of files and scaled to N). The batch's own CPU time is measured
 * too (its process alone, from the kernel's accounting), and this process's (the sandbox's).
 * The batch is timed after a warm-up (a dry run of the same files, nothing sent), as the
 * per-file figure is a mean over many processes: neither includes the one-time compilation of
 * the code after it changed.
 *
 * @module
 */
import { join } from "node:path";
import process from "node:process";
import { startSandbox } from "../sandbox/mod.ts";
import { demoSerial, writeDageFixtures } from "../fixtures/mod.ts";
import { timed } from "./measure.ts";
import { taskWords } from "./tasks.ts";

/** Figures of {@link benchBatch}. */
export interface BatchBenchResult {
  modules: number;
  batchSeconds: number;
  uploadsPerSecond: number;
  perFileSample: number;
  perFileSeconds: number;
  /** Per-file time × modules / batch time. */
  ratio: number;
  peakRssMb?: number;
  /** CPU time of the batch-upload process (all its threads), in s. */
  batchCpuSeconds: number;
  /** That CPU time per module, in ms: the client's own cost of an upload. */
  clientCpuMsPerItem: number;
  /** CPU time of this process (the sandbox, mostly) during the batch, per module, in ms. */
  sandboxCpuMsPerItem: number;
}

/** Options of {@link benchBatch}. */
export interface BatchBenchOptions {
  /** Repository root (where deno.json is). */
  root: string;
  modules: number;
  /** Files uploaded one process each (scaled to `modules`). */
  perFileSample: number;
  latencyMs: number;
  concurrency: number;
  /** Follow the batch process's peak memory. */
  sampleRss?: boolean;
  log?: (line: string) => void;
}

/** Runs both ways against one sandbox; the files and the sandbox are removed afterwards. */
export async function benchBatch(opts: BatchBenchOptions): Promise<BatchBenchResult> {
  const log = opts.log ?? (() => {});
  const total = opts.modules + opts.perFileSample;
  const sandbox = await startSandbox({ port: 0, demoModules: total, latencyMs: opts.latencyMs });
  const work = await Deno.makeTempDir({ prefix: "itkpd-bench-" });
  try {
    const batchDir = join(work, "batch");
    const singleDir = join(work, "single");
    await writeDageFixtures(batchDir, { modules: opts.modules, seed: 99 });
    // The per-file sample: other modules (so nothing is "already present").
    await Deno.mkdir(singleDir, { recursive: true });
    const { generateDageFile } = await import("../fixtures/mod.ts");
    for (let i = opts.modules + 1; i <= total; i++) {
      await Deno.writeTextFile(
        join(singleDir, `${demoSerial(i)}.csv`),
        generateDageFile({ index: i, seed: 99 }),
      );
    }
    const env = { ...sandbox.env(), NO_COLOR: "1", PATH: Deno.env.get("PATH") ?? "" };
    const config = join(opts.root, "deno.json");

    log(
      `batch: ${opts.modules} modules, ${opts.latencyMs} ms latency, concurrency ${opts.concurrency}`,
    );
    const batchWords = [
      ...taskWords("batch-upload", config),
      "--dir",
      batchDir,
      "--institution",
      "SANDBOX_A",
      "--concurrency",
      String(opts.concurrency),
      "--quiet",
      // The figure is test runs uploaded (issue 16's), both sides without the source files'
      // attachments (one request more per run, on by default).
      "--no-attach",
    ];
    // A warm-up, as a site's second run of the day: a dry run of the same files (nothing sent),
    // so that Deno's cache holds the compiled code of every module the batch loads. Without it
    // the first run after a change of the code compiles everything (0.3–0.6 ms per item more).
    const warmUp = await timed(Deno.execPath(), [...batchWords, "--dry-run"], {
      env: { ...env, INIT_CWD: work },
      cwd: opts.root,
    });
    if (!new RegExp(`plan: ${opts.modules} to create`).test(warmUp.stdout)) {
      throw new Error(`the warm-up dry run did not plan every run:\n${warmUp.stdout}`);
    }
    const sandboxCpu = process.cpuUsage();
    const batch = await timed(Deno.execPath(), batchWords, {
      env: { ...env, INIT_CWD: work },
      cwd: opts.root,
      sampleRss: opts.sampleRss,
      cpu: true,
    });
    const served = process.cpuUsage(sandboxCpu);
    if (!new RegExp(`summary: ${opts.modules} created`).test(batch.stdout)) {
      throw new Error(`the batch did not create every run:\n${batch.stdout}`);
    }

    if (opts.perFileSample) {
      log(`per file: ${opts.perFileSample} processes of upload-wirebond-results --upload`);
    }
    let perFileTotal = 0;
    for (let i = opts.modules + 1; i <= total; i++) {
      const serial = demoSerial(i);
      const one = await timed(Deno.execPath(), [
        ...taskWords("upload-wirebond-results", config),
        "--input",
        join(singleDir, `${serial}.csv`),
        "--component",
        serial,
        "--institution",
        "SANDBOX_A",
        "--out",
        join(singleDir, `${serial}.json`),
        "--upload",
        "--no-attach",
      ], { env: { ...env, INIT_CWD: work }, cwd: opts.root });
      perFileTotal += one.seconds;
    }
    const perFileSeconds = opts.perFileSample ? perFileTotal / opts.perFileSample : NaN;
    return {
      modules: opts.modules,
      batchSeconds: batch.seconds,
      uploadsPerSecond: opts.modules / batch.seconds,
      perFileSample: opts.perFileSample,
      perFileSeconds,
      ratio: (perFileSeconds * opts.modules) / batch.seconds,
      peakRssMb: batch.peakRssMb,
      batchCpuSeconds: batch.cpuSeconds!,
      clientCpuMsPerItem: (batch.cpuSeconds! * 1000) / opts.modules,
      sandboxCpuMsPerItem: (served.user + served.system) / 1000 / opts.modules,
    };
  } finally {
    await sandbox.close();
    await Deno.remove(work, { recursive: true });
  }
}
