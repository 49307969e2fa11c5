/**
 * `deno task demo`: the main job end to end against an embedded sandbox, no credentials needed.
 *
 * @module
 */
import { numberFlag, parseFlags, runMain } from "../lib/cli/mod.ts";
import { runDemo } from "../lib/demo/run_demo.ts";

const USAGE = `Usage: deno task demo [--modules N] [--quiet]

Runs the main job of a module site end to end against an embedded ITkPD sandbox (nothing leaves
this machine, no credentials needed): registers a module, writes DAGE wire-pull files for N demo
modules (default 50) to out/demo/data, plans and uploads them as one batch with progress, reads
a run back, runs the same batch again (nothing new is created), and writes plots to
out/demo/modules.svg and out/demo/loads.svg.

Options:
  --modules N   demo modules (default 50, at most 2000)
  --quiet       no progress line
  -h, --help    this text`;

if (import.meta.main) {
  runMain("demo", async (args) => {
    const { values, help } = parseFlags(args, {
      modules: { type: "string" },
      quiet: { type: "boolean" },
    });
    if (help) {
      console.log(USAGE);
      return 0;
    }
    const modules = numberFlag(values, "modules", { integer: true, min: 1, max: 2000 }) ?? 50;
    const result = await runDemo({ modules, out: "out/demo", quiet: Boolean(values.quiet) });
    return result.failed || result.secondRunCreated ? 1 : 0;
  });
}
