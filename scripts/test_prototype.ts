/**
 * test_prototype: writes `prototype_<CODE>.json` for each test type of a component type (or the
 * one asked for), to be edited and uploaded with `upload-test-results`, and beside it
 * `prototype_<CODE>.md` explaining every key; `--explain` prints that explanation instead of
 * writing anything. See `--help`.
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
run with placeholders (component null, runNumber "0-0", 0.0 / 0 / false / "some_string") in
the shape of each value (a list of rows as [[0.0, 0, 0]]) to edit and upload with
\`${
      programName("upload-test-results")
    } --test-file prototype_<CODE>.json\`. Beside each, prototype_<CODE>.md
explains every key: name, type, shape, required or optional, unit, range, allowed codes.`,
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
    explain: {
      type: "boolean",
      help: `print what every key means (type, shape, required or optional, unit,
allowed codes) instead of writing files`,
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
    const upload = await import("../lib/upload/mod.ts");
    const { describeWrite, requireNetFor, requirePermission, writePrototypes } = upload;
    if (!flags.explain) {
      requirePermission({ name: "write", path: flags.outDir }, `write access to "${flags.outDir}"`);
    }
    const client = await openClient({ timeoutSeconds: flags.timeout, verbose: flags.verbose });
    try {
      requireNetFor(client);
      const scope = {
        project: flags.project,
        componentType: flags.componentType,
        testType: flags.testType,
      };
      if (flags.explain) {
        console.log(await upload.explainPrototypes(client, scope));
        return;
      }
      const written = await writePrototypes(client, {
        ...scope,
        outDir: flags.outDir,
        verbose: flags.verbose,
        force: flags.force,
        uploadCommand: programName("upload-test-results", { quiet: true }),
      });
      for (const w of written) console.log(describeWrite(w.path, w.status));
      const n = written.filter((w) => w.path.endsWith(".json")).length;
      console.log(
        `${n} prototype${n === 1 ? "" : "s"} written, each with its explanation (.md) beside it`,
      );
    } finally {
      client.close();
    }
  });
}
