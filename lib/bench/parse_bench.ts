/**
 * Benchmark of parsing and analysing DAGE files: MB/s over one large file (the reference file
 * repeated, or a generated one), files/s over many generated files, and the same file through
 * Python's csv module (+ pandas when installed) for comparison. Both sides are timed the same
 * way, from reading the file to the statistics (read, decode, parse, mean/std/min/max), best of
 * {@link ROUNDS}, in this one run; ours after one pass that is not timed (V8 compiles the parser
 * while it runs it first; Python's csv module is compiled C, and each of its rounds is a process
 * of its own, its imports made before its clock starts).
 *
 * @module
 */
import { join } from "node:path";
import { decodeText, readInputBytes } from "../io/read_input.ts";
import { parseDage } from "../parsers/dage.ts";
import { summarize } from "../analysis/stats.ts";
import { wirebondPullTest } from "../analysis/wirepull.ts";
import { DEFAULT_BREAK_MODE_MAPPING } from "../analysis/break_modes.ts";
import { generateDageFile } from "../fixtures/mod.ts";
import { timed } from "./measure.ts";

/** Figures of {@link benchParse}. */
export interface ParseBenchResult {
  source: string;
  megabytes: number;
  /** Pulls in the large file. */
  pulls: number;
  /** Best time from reading the large file to its statistics, in s. */
  seconds: number;
  mbPerSecond: number;
  files: number;
  filesPerSecond: number;
  /** Python on the same file, timed the same way (absent when python3 cannot run it). */
  python?: { engine: string; seconds: number; mbPerSecond: number };
}

/** Options of {@link benchParse}. */
export interface ParseBenchOptions {
  /** A real DAGE file to repeat (the reference file), if available. */
  reference?: string;
  /** Times the file is repeated. */
  repeat: number;
  /** Generated files for the files/s figure. */
  files: number;
  /** Python baseline script (skipped when absent or python3 is missing). */
  pythonBaseline?: string;
  log?: (line: string) => void;
}

/** Rounds of the large file, each side (the best is kept). */
export const ROUNDS = 5;

/** Measures parse + analysis throughput (best of {@link ROUNDS} for the large file, Python's too). */
export async function benchParse(opts: ParseBenchOptions): Promise<ParseBenchResult> {
  const log = opts.log ?? (() => {});
  let unit: string;
  let source: string;
  try {
    unit = opts.reference ? await Deno.readTextFile(opts.reference) : "";
    source = opts.reference ? `reference file × ${opts.repeat}` : "";
  } catch {
    unit = "";
    source = "";
  }
  if (!unit) {
    unit = generateDageFile({ index: 1, seed: 1 });
    source = `generated file × ${opts.repeat}`;
  }
  const big = unit.repeat(opts.repeat);
  const bytes = new TextEncoder().encode(big).length;
  const tmp = await Deno.makeTempDir({ prefix: "itkpd-parse-" });
  const path = join(tmp, "big.csv");
  let best = Infinity;
  let pulls = 0;
  let python: ParseBenchResult["python"];
  try {
    await Deno.writeTextFile(path, big);
    for (let round = 0; round <= ROUNDS; round++) {
      // From reading the file to the statistics, as the Python baseline is timed; round 0 is
      // the warm-up.
      const t0 = performance.now();
      const text = decodeText(await readInputBytes(path, { maxBytes: bytes }), "bench.csv").text;
      const parsed = parseDage(text, "bench.csv");
      const stats = summarize(parsed.tests.map((t) => t.load));
      if (round > 0) best = Math.min(best, (performance.now() - t0) / 1000);
      pulls = stats.count;
    }
    log(
      `parse: ${source}, ${(bytes / 1e6).toFixed(1)} MB, ${pulls} pulls, best ${best.toFixed(3)} s`,
    );
    if (opts.pythonBaseline) python = await pythonBaseline(opts.pythonBaseline, path, bytes, log);
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }

  const texts = Array.from(
    { length: opts.files },
    (_, i) => generateDageFile({ index: i + 1, seed: 5 }),
  );
  const t1 = performance.now();
  for (let i = 0; i < texts.length; i++) {
    const parsed = parseDage(texts[i], `f${i}.csv`);
    wirebondPullTest(parsed, DEFAULT_BREAK_MODE_MAPPING, { allowEmpty: true });
  }
  const filesSeconds = (performance.now() - t1) / 1000;

  return {
    source,
    megabytes: bytes / 1e6,
    pulls,
    seconds: best,
    mbPerSecond: bytes / 1e6 / best,
    files: opts.files,
    filesPerSecond: opts.files / filesSeconds,
    ...(python ? { python } : {}),
  };
}

/** Python on the file at `path`, best of {@link ROUNDS}; undefined when it cannot run. */
async function pythonBaseline(
  script: string,
  path: string,
  bytes: number,
  log: (line: string) => void,
): Promise<ParseBenchResult["python"]> {
  let best = Infinity;
  let engine = "";
  try {
    for (let round = 0; round < ROUNDS; round++) {
      const run = await timed("/usr/bin/python3", [script, path]);
      const line = JSON.parse(run.stdout.trim().split("\n").pop()!);
      best = Math.min(best, line.seconds);
      engine = line.engine;
    }
  } catch (e) {
    log(`python baseline skipped: ${(e as Error).message.split("\n")[0]}`);
    return undefined;
  }
  log(`python ${engine}: best ${best.toFixed(3)} s`);
  return { engine, seconds: best, mbPerSecond: bytes / 1e6 / best };
}
