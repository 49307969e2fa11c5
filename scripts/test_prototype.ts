/**
 * test_prototype: writes `prototype_<CODE>.json` for each test type of a component type (or the
 * one asked for), to be edited and uploaded with `upload-test-results`.
 *
 *   deno task test-prototype --project P --component-type MODULE [--test-type CODE]
 *     [--out-dir DIR] [--verbose]
 *
 * @module
 */
import { defaultSessionFile } from "../lib/cli/session.ts";
import {
  parseFlags,
  requireString,
  runMain,
  stringFlag,
  TIMEOUT_FLAG,
  timeoutMsOf,
  userPath,
} from "../lib/cli/mod.ts";
import { ItkpdClient } from "../lib/client/mod.ts";
import { UsageError } from "../lib/errors.ts";
import { ProjectCodeSchema } from "../lib/schemas/common.ts";
import {
  describeWrite,
  requireNetFor,
  requirePermission,
  writePrototypes,
} from "../lib/upload/mod.ts";

const USAGE = `Usage: deno task test-prototype --project P --component-type MODULE [options]

Fetches the test types of a component type and writes prototype_<CODE>.json for each: a test
run with placeholders (component null, runNumber "0-0", 0.0 / 0 / false / "some_string") to
edit and upload with \`deno task upload-test-results --test-file prototype_<CODE>.json\`.

Options:
  --project P            project code: S, P, CM or CE
  --component-type CODE  component type code, e.g. MODULE
  --test-type CODE       only this test type (unknown: the available codes are listed)
  --out-dir DIR          folder to write to (default: the current folder; created if needed)
  --force                replace existing prototype files with other content (by default they
                         are refused, so that a file being filled in is never lost)
  --verbose              also store each raw test type definition, and log the requests
  --timeout SECONDS    time limit of one request (default 60)
  --help                 show this help

Connection: ITKDB_API_URL, ITKDB_AUTH_URL, ITKDB_ACCESS_CODE1/2 or ITK_DB_AUTH (as itkdb).`;

if (import.meta.main) {
  runMain("test-prototype", async (args) => {
    const { values, help } = parseFlags(args, {
      project: { type: "string" },
      "component-type": { type: "string" },
      "test-type": { type: "string" },
      "out-dir": { type: "string" },
      force: { type: "boolean" },
      verbose: { type: "boolean" },
      ...TIMEOUT_FLAG,
    });
    if (help) {
      console.log(USAGE);
      return 0;
    }
    const project = requireString(values, "project");
    if (!ProjectCodeSchema.safeParse(project).success) {
      throw new UsageError(`--project must be one of S, P, CM, CE, got '${project}'`);
    }
    const componentType = requireString(values, "component-type");
    const outDir = userPath(stringFlag(values, "out-dir") ?? ".");
    const verbose = values.verbose === true;
    requirePermission({ name: "write", path: outDir }, `write access to "${outDir}"`);
    const client = new ItkpdClient({
      timeoutMs: timeoutMsOf(values),
      verbose,
      sessionFile: defaultSessionFile(),
    });
    try {
      requireNetFor(client);
      const written = await writePrototypes(client, {
        project,
        componentType,
        testType: stringFlag(values, "test-type"),
        outDir,
        verbose,
        force: values.force === true,
      });
      for (const w of written) console.log(describeWrite(w.path, w.status));
      console.log(`${written.length} prototype${written.length === 1 ? "" : "s"} written`);
    } finally {
      client.close();
    }
  });
}
