/**
 * make_fixtures: writes realistic DAGE wire-pull files (one per demo module, named after its
 * serial number) and optionally IV tables. See `--help`.
 *
 * @module
 */
import { defineCommand, runCommand } from "../lib/cli/command.ts";
import { DAGE_VARIATIONS } from "../lib/fixtures/dage_generator.ts";

/** The command: its flags and help. */
export const COMMAND = defineCommand({
  name: "make-fixtures",
  description:
    "Writes one DAGE wire-pull CSV per demo module (20UPGM20000001.csv, 20UPGM20000002.csv, ...).",
  flags: {
    out: {
      type: "path",
      required: true,
      value: "DIR",
      help: "directory to write to (created if needed)",
    },
    modules: {
      type: "number",
      integer: true,
      min: 1,
      max: 9_999_999,
      required: true,
      value: "N",
      help: "number of modules (1..9999999)",
    },
    seed: {
      type: "number",
      integer: true,
      min: 0,
      max: 2 ** 32 - 1,
      default: 1,
      value: "S",
      help: "random seed, a whole number (default 1); same seed, same files",
    },
    variations: {
      type: "boolean",
      help: `give each module one irregularity of real files, in turn:
${DAGE_VARIATIONS.join(", ")}`,
    },
    iv: { type: "boolean", help: "also write <serial>_IV.txt (IV curve table)" },
  },
});

if (import.meta.main) {
  runCommand(COMMAND, async ({ flags, raw }) => {
    const { writeDageFixtures } = await import("../lib/fixtures/mod.ts");
    const t0 = performance.now();
    const { files, bytes } = await writeDageFixtures(flags.out, {
      modules: flags.modules,
      seed: flags.seed,
      variations: flags.variations,
      iv: flags.iv,
    });
    const secs = ((performance.now() - t0) / 1000).toFixed(2);
    console.log(
      `wrote ${files} files (${(bytes / 1e6).toFixed(1)} MB) to ${raw.out[0]} in ${secs} s`,
    );
  });
}
