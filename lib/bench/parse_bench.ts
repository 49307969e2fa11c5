/**
 * Benchmark of parsing and analysing DAGE files: MB/s over one large file (the reference file
 * repeated, or a generated one), files/s over many generated files, and the same data through
 * Python's csv module (+ pandas when installed) for comparison.
 *
 * @module
 */
import { join } from "node:path";
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
  mbPerSecond: number;
  files: number;
  filesPerSecond: number;
  python?: { engine: string; mbPerSecond: number };
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

/** Measures parse + analysis throughput (best of 3 for the large file). */
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
  let best = Infinity;
  let pulls = 0;
  for (let round = 0; round < 3; round++) {
    const t0 = performance.now();
    const parsed = parseDage(big, "bench.csv");
    const stats = summarize(parsed.tests.map((t) => t.load));
    best = Math.min(best, (performance.now() - t0) / 1000);
    pulls = stats.count;
  }
  log(
    `parse: ${source}, ${(bytes / 1e6).toFixed(1)} MB, ${pulls} pulls, best ${best.toFixed(3)} s`,
  );

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

  const result: ParseBenchResult = {
    source,
    megabytes: bytes / 1e6,
    mbPerSecond: bytes / 1e6 / best,
    files: opts.files,
    filesPerSecond: opts.files / filesSeconds,
  };
  if (opts.pythonBaseline) {
    const tmp = await Deno.makeTempDir({ prefix: "itkpd-parse-" });
    try {
      const path = join(tmp, "big.csv");
      await Deno.writeTextFile(path, big);
      let bestPy = Infinity;
      let engine = "";
      for (let round = 0; round < 2; round++) {
        const run = await timed("/usr/bin/python3", [opts.pythonBaseline, path]);
        const line = JSON.parse(run.stdout.trim().split("\n").pop()!);
        bestPy = Math.min(bestPy, line.seconds);
        engine = line.engine;
      }
      result.python = { engine, mbPerSecond: bytes / 1e6 / bestPy };
    } catch (e) {
      log(`python baseline skipped: ${(e as Error).message.split("\n")[0]}`);
    } finally {
      await Deno.remove(tmp, { recursive: true });
    }
  }
  return result;
}
