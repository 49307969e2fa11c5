/**
 * make_fixtures: writes realistic DAGE wire-pull files (one per demo module, named after its
 * serial number) and optionally IV tables.
 *
 *   deno run --allow-write=DIR scripts/make_fixtures.ts --out DIR --modules N [--seed S]
 *     [--variations] [--iv]
 *
 * @module
 */
import { userPath } from "../lib/cli/paths.ts";
import { parseArgs } from "node:util";
import { ItkpdError, UsageError } from "../lib/errors.ts";
import { DAGE_VARIATIONS, writeDageFixtures } from "../lib/fixtures/mod.ts";

const USAGE = `Usage: deno task make-fixtures --out DIR --modules N [options]

Writes one DAGE wire-pull CSV per demo module (20UPGM20000001.csv, 20UPGM20000002.csv, ...).

Options:
  --out DIR        directory to write to (created if needed)
  --modules N      number of modules (1..9999999)
  --seed S         random seed, a whole number (default 1); same seed, same files
  --variations     give each module one irregularity of real files, in turn:
                   ${DAGE_VARIATIONS.join(", ")}
  --iv             also write <serial>_IV.txt (IV curve table)
  --help           show this help`;

function wholeNumber(name: string, text: string, min: number, max: number): number {
  if (!/^\d+$/.test(text) || Number(text) < min || Number(text) > max) {
    throw new UsageError(`--${name} must be a whole number from ${min} to ${max}, got "${text}"`);
  }
  return Number(text);
}

/** Runs the command with `args`; returns the exit code. */
export async function main(args: string[]): Promise<number> {
  try {
    let values;
    try {
      ({ values } = parseArgs({
        args,
        options: {
          out: { type: "string" },
          modules: { type: "string" },
          seed: { type: "string" },
          variations: { type: "boolean" },
          iv: { type: "boolean" },
          help: { type: "boolean", short: "h" },
        },
        strict: true,
        allowPositionals: false,
      }));
    } catch (e) {
      throw new UsageError(`${(e as Error).message.split("\n")[0]} (see --help)`);
    }
    if (values.help) {
      console.log(USAGE);
      return 0;
    }
    if (!values.out) throw new UsageError("--out DIR is required (see --help)");
    if (!values.modules) throw new UsageError("--modules N is required (see --help)");
    const modules = wholeNumber("modules", values.modules, 1, 9_999_999);
    const seed = values.seed === undefined ? 1 : wholeNumber("seed", values.seed, 0, 2 ** 32 - 1);
    const t0 = performance.now();
    const { files, bytes } = await writeDageFixtures(userPath(values.out), {
      modules,
      seed,
      variations: values.variations ?? false,
      iv: values.iv ?? false,
    });
    const secs = ((performance.now() - t0) / 1000).toFixed(2);
    console.log(
      `wrote ${files} files (${(bytes / 1e6).toFixed(1)} MB) to ${values.out} in ${secs} s`,
    );
    return 0;
  } catch (e) {
    if (e instanceof ItkpdError) {
      console.error(`make_fixtures: ${e.message}`);
      return e.exitCode;
    }
    console.error(`make_fixtures: ${(e as Error).message ?? e}`);
    return 1;
  }
}

if (import.meta.main) Deno.exit(await main(Deno.args));
