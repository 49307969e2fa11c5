/**
 * Benchmark of the start-up of the steps, side by side with Deno's own in one run (medians of
 * `runs` processes each, after one warm-up):
 *
 * - `bare_deno_ms`: `deno run` of an empty script;
 * - `startup_help_ms`: `--help` of every step, the slowest one's median (the other commands,
 *   demo, sandbox, make-fixtures, are shown beside);
 * - `one_file_ms` / `one_file_peak_mib`: a local one-file wire-pull run,
 *   `upload-wirebond-results --input F.csv --component SN --institution I --out x.json`
 *   (no upload, no plot), and its peak resident memory.
 *
 * Each step is run as the installed `itkpd` command runs it: `deno run` with its task's flags
 * and `--config` the clone's `deno.json`, in a folder of its own. `deno task` adds its own start
 * (reading `deno.json`, a shell) on top: `deno_task_help_ms` shows how much. Peak memory is the
 * child's maximum resident set as GNU time reports it (`/usr/bin/time -f %M`, the kernel's
 * rusage); without GNU time it is not measured.
 *
 * @module
 */
import { join } from "node:path";
import { generateDageFile } from "../fixtures/mod.ts";
import { taskWords } from "./tasks.ts";

/** Options of {@link benchStartup}. */
export interface StartupBenchOptions {
  /** The clone's folder, where `deno.json` is. */
  root: string;
  /** The steps whose `--help` is timed: `startup_help_ms` is the slowest of them. */
  steps: readonly string[];
  /** Other commands whose `--help` is timed and shown (not part of `startup_help_ms`). */
  others?: readonly string[];
  /** Processes per figure (the median is taken). */
  runs: number;
  log?: (line: string) => void;
}

/** Figures of {@link benchStartup}, in milliseconds and MiB. */
export interface StartupBenchResult {
  bareDenoMs: number;
  /** Median `--help` time per step and other command. */
  helpMs: Record<string, number>;
  /** The slowest step's median `--help` time. */
  startupHelpMs: number;
  /** `deno task -q upload-wirebond-results --help`, for comparison. */
  denoTaskHelpMs: number;
  oneFileMs: number;
  /** Undefined without GNU time. */
  oneFilePeakMib?: number;
}

/**
 * The median of `values`.
 *
 * @example
 * ```ts
 * import { median } from "./startup_bench.ts";
 * median([5, 1, 3]); // 3
 * median([4, 1, 3, 2]); // 2.5
 * ```
 */
export function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/**
 * The environment changed for the measured processes: none of `deno task`'s INIT_CWD (the
 * installed command unsets it; empty means the same), so that a step takes its paths from the
 * folder it runs in. The rest is inherited (Deno's cache folder included).
 */
const AS_INSTALLED = { INIT_CWD: "" };

/** Runs a command to its end; its wall time in ms. Throws on a non-zero exit. */
async function wallMs(cmd: string, args: string[], cwd: string): Promise<number> {
  const started = performance.now();
  const out = await new Deno.Command(cmd, {
    args,
    cwd,
    env: AS_INSTALLED,
    stdout: "null",
    stderr: "piped",
  })
    .output();
  const ms = performance.now() - started;
  if (out.code !== 0) {
    throw new Error(
      `${cmd} ${args.join(" ")} exited with ${out.code}: ${new TextDecoder().decode(out.stderr)}`,
    );
  }
  return ms;
}

/** The median wall time of `runs` runs, after one run not counted. */
async function medianMs(cmd: string, args: string[], cwd: string, runs: number) {
  await wallMs(cmd, args, cwd);
  const times: number[] = [];
  for (let i = 0; i < runs; i++) times.push(await wallMs(cmd, args, cwd));
  return median(times);
}

/** The median peak RSS (MiB) of `runs` runs under GNU time; undefined without it. */
async function medianPeakMib(args: string[], cwd: string, runs: number, work: string) {
  const report = join(work, "time.txt");
  const peaks: number[] = [];
  for (let i = 0; i < runs; i++) {
    let out;
    try {
      out = await new Deno.Command("/usr/bin/time", {
        args: ["-f", "%M", "-o", report, Deno.execPath(), ...args],
        cwd,
        env: AS_INSTALLED,
        stdout: "null",
        stderr: "null",
      }).output();
    } catch {
      return undefined; // no /usr/bin/time
    }
    const kib = Number((await Deno.readTextFile(report).catch(() => "")).trim().split("\n").pop());
    if (out.code !== 0 || !Number.isFinite(kib) || kib <= 0) return undefined;
    peaks.push(kib / 1024);
  }
  return median(peaks);
}

/** The `deno run` words of a step as the installed command runs it (see the module doc). */
function stepWords(root: string, step: string): string[] {
  const [run, ...rest] = taskWords(step, join(root, "deno.json"), {
    HOME: Deno.env.get("HOME") ?? "",
  });
  const script = rest.pop()!;
  return [run, "--config", join(root, "deno.json"), ...rest, join(root, script)];
}

/** Measures the figures; the work folder is removed afterwards. */
export async function benchStartup(opts: StartupBenchOptions): Promise<StartupBenchResult> {
  const log = opts.log ?? (() => {});
  const deno = Deno.execPath();
  const work = await Deno.makeTempDir({ prefix: "itkpd-startup-" });
  try {
    await Deno.writeTextFile(join(work, "empty.ts"), "");
    const bareDenoMs = await medianMs(deno, ["run", "empty.ts"], work, opts.runs);
    log(`bare deno run of an empty script: ${bareDenoMs.toFixed(1)} ms`);

    const helpMs: Record<string, number> = {};
    for (const step of [...opts.steps, ...(opts.others ?? [])]) {
      helpMs[step] = await medianMs(
        deno,
        [...stepWords(opts.root, step), "--help"],
        work,
        opts.runs,
      );
    }
    log(
      `--help: ${Object.entries(helpMs).map(([s, ms]) => `${s} ${ms.toFixed(0)}`).join(", ")} ms`,
    );
    const denoTaskHelpMs = await medianMs(
      deno,
      ["task", "-q", "upload-wirebond-results", "--help"],
      opts.root,
      opts.runs,
    );
    log(`the same through deno task: ${denoTaskHelpMs.toFixed(0)} ms (upload-wirebond-results)`);

    await Deno.writeTextFile(join(work, "F.csv"), generateDageFile({ index: 1, seed: 1 }));
    const oneFile = [
      ...stepWords(opts.root, "upload-wirebond-results"),
      "--input",
      "F.csv",
      "--component",
      "20UPGM20000001",
      "--institution",
      "SANDBOX_A",
      "--out",
      "x.json",
      "--force",
    ];
    const oneFileMs = await medianMs(deno, oneFile, work, opts.runs);
    const oneFilePeakMib = await medianPeakMib(oneFile, work, opts.runs, work);
    log(
      `one-file wire-pull run (no upload): ${oneFileMs.toFixed(0)} ms, peak ` +
        (oneFilePeakMib === undefined
          ? "not measured (no GNU time)"
          : `${oneFilePeakMib.toFixed(1)} MiB`),
    );
    return {
      bareDenoMs,
      helpMs,
      startupHelpMs: Math.max(...opts.steps.map((s) => helpMs[s])),
      denoTaskHelpMs,
      oneFileMs,
      oneFilePeakMib,
    };
  } finally {
    await Deno.remove(work, { recursive: true });
  }
}
