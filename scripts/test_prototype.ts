/**
 * test_prototype: writes `prototype_<CODE>.json` for each test type of a component type (or the
 * one asked for), to be edited and uploaded with `upload-test-results`. See `--help`.
 *
 * @module
 */
import { openClient } from "../lib/cli/client.ts";
import { defineCommand, runCommand } from "../lib/cli/command.ts";
import { programName } from "../lib/cli/paths.ts";
import { TIMEOUT_FLAG } from "../lib/cli/timeout.ts";

/** The command: its flags and help. */
export const COMMAND = defineCommand({
  name: "test-prototype",
  description: () =>
    `Fetches the test types of a component type and writes prototype_<CODE>.json for each: a test
run with placeholders (component null, runNumber "0-0", 0.0 / 0 / false / "some_string") to
edit and upload with \`${programName("upload-test-results")} --test-file prototype_<CODE>.json\`.`,
  flags: {
    project: {
      type: "enum",
      choices: ["S", "P", "CM", "CE"],
      ignoreCase: true,
      required: true,
      value: "P",
      help: "project code: S, P, CM or CE",
    },
    "component-type": {
      type: "string",
      required: true,
      value: "CODE",
      help: "component type code, e.g. MODULE",
    },
    "test-type": {
      type: "string",
      value: "CODE",
      help: "only this test type (unknown: the available codes are listed)",
    },
    "out-dir": {
      type: "path",
      default: ".",
      value: "DIR",
      help: "folder to write to (default: the current folder; created if needed)",
    },
    force: {
      type: "boolean",
      help: `replace existing prototype files with other content (by default they
are refused, so that a file being filled in is never lost)`,
    },
    verbose: {
      type: "boolean",
      help: "also store each raw test type definition, and log the requests",
    },
    ...TIMEOUT_FLAG,
  },
  epilog:
    "Connection: ITKDB_API_URL, ITKDB_AUTH_URL, ITKDB_ACCESS_CODE1/2 or ITK_DB_AUTH (as itkdb).",
});

if (import.meta.main) {
  runCommand(COMMAND, async ({ flags }) => {
    const { describeWrite, requireNetFor, requirePermission, writePrototypes } = await import(
      "../lib/upload/mod.ts"
    );
    requirePermission({ name: "write", path: flags.outDir }, `write access to "${flags.outDir}"`);
    const client = await openClient({ timeoutSeconds: flags.timeout, verbose: flags.verbose });
    try {
      requireNetFor(client);
      const written = await writePrototypes(client, {
        project: flags.project,
        componentType: flags.componentType,
        testType: flags.testType,
        outDir: flags.outDir,
        verbose: flags.verbose,
        force: flags.force,
      });
      for (const w of written) console.log(describeWrite(w.path, w.status));
      console.log(`${written.length} prototype${written.length === 1 ? "" : "s"} written`);
    } finally {
      client.close();
    }
  });
}
