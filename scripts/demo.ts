/**
 * `deno task demo`: the main job end to end against an embedded sandbox, no credentials needed.
 * See `--help`.
 *
 * @module
 */
import { defineCommand, runCommand } from "../lib/cli/command.ts";

/** The command: its flags and help. */
export const COMMAND = defineCommand({
  name: "demo",
  description:
    `Runs the main job of a module site end to end against an embedded ITkPD sandbox (nothing leaves
this machine, no credentials needed): registers a module, writes DAGE wire-pull files for N demo
modules (default 50) to out/demo/data, plans and uploads them as one batch with progress, reads
a run back, runs the same batch again (nothing new is created), and writes plots to
out/demo/modules.svg and out/demo/loads.svg.`,
  flags: {
    modules: {
      type: "number",
      integer: true,
      min: 1,
      max: 2000,
      default: 50,
      value: "N",
      help: "demo modules (default 50, at most 2000)",
    },
    quiet: { type: "boolean", help: "no progress line" },
  },
});

if (import.meta.main) {
  runCommand(COMMAND, async ({ flags }) => {
    const { runDemo } = await import("../lib/demo/run_demo.ts");
    const result = await runDemo({ modules: flags.modules, out: "out/demo", quiet: flags.quiet });
    return result.failed || result.secondRunCreated ? 1 : 0;
  });
}
