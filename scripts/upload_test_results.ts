/**
 * upload_test_results: checks a test-run JSON file completely (the original's checks, then
 * every value against the test type definition) and uploads it; `--test` shows what would be
 * sent and sends nothing.
 *
 *   deno task upload-test-results --test-file F [--component-id C] [--institution I] [--test]
 *     [--verbose]
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
import { type ApiWarning, formatWarning, ItkpdClient } from "../lib/client/mod.ts";
import type { TestRunUpload } from "../lib/schemas/test_run.ts";
import {
  applyOverrides,
  prepareUpload,
  readTestRunFile,
  renderDryRun,
  requireNetFor,
  uploadRunOnce,
} from "../lib/upload/mod.ts";

const USAGE = `Usage: deno task upload-test-results --test-file F [options]

Uploads the test run in the JSON file F (e.g. an edited prototype_<CODE>.json). Before
anything is sent, the file is checked: component, testType, institution, runNumber, passed and
results present; no "some_string" placeholder left; every value valid for the test type
(fetched from the database). Every problem is listed with its JSON path.

Options:
  --test-file F        the test-run JSON file
  --component-id C     component serial number or code (replaces the file's "component")
  --institution I      institution code (replaces the file's "institution")
  --test               check and print the JSON that would be sent; send nothing
  --allow-duplicate    upload even when the database already has a run of this component,
                       test type and run number (by default it is not uploaded again)
  --allow-default-values
                       upload even when every property and result is still a prototype
                       default (0, 0.0, false): by default that is refused as unedited
  --verbose            print the JSON sent and log the requests
  --timeout SECONDS    time limit of one request (default 60)
  --help               show this help

Prints "method POST" and "testRun <id>" after an upload.
Connection: ITKDB_API_URL, ITKDB_AUTH_URL, ITKDB_ACCESS_CODE1/2 or ITK_DB_AUTH (as itkdb).`;

if (import.meta.main) {
  runMain("upload-test-results", async (args) => {
    const { values, help } = parseFlags(args, {
      "test-file": { type: "string" },
      "component-id": { type: "string" },
      institution: { type: "string" },
      test: { type: "boolean" },
      "allow-duplicate": { type: "boolean" },
      "allow-default-values": { type: "boolean" },
      verbose: { type: "boolean" },
      ...TIMEOUT_FLAG,
    });
    if (help) {
      console.log(USAGE);
      return 0;
    }
    const file = requireString(values, "test-file");
    const verbose = values.verbose === true;
    const warn = (w: ApiWarning) => console.error(`warning: ${formatWarning(w)}`);
    const client = new ItkpdClient({
      timeoutMs: timeoutMsOf(values),
      verbose,
      onWarning: warn,
      sessionFile: defaultSessionFile(),
    });
    try {
      requireNetFor(client);
      const doc = applyOverrides(await readTestRunFile(userPath(file), file), {
        component: stringFlag(values, "component-id"),
        institution: stringFlag(values, "institution"),
      });
      const prepared = await prepareUpload(client, doc, {
        source: file,
        allowDefaultValues: values["allow-default-values"] === true,
      });
      for (const n of prepared.notices) console.error(`note: ${n.path}: ${n.message}`);
      if (values.test) {
        console.log(renderDryRun(prepared.dtoIn).trimEnd());
        console.error(
          `--test: checked against test type ${prepared.resolved.testType.code}; nothing sent`,
        );
        return 0;
      }
      if (verbose) console.error(`sending:\n${renderDryRun(prepared.dtoIn).trimEnd()}`);
      // Exactly once (lib/upload/upload_once.ts): looked up right before the send, and again
      // before any resend after a lost answer.
      const outcome = await uploadRunOnce(client, {
        dtoIn: prepared.dtoIn as unknown as TestRunUpload,
        componentCode: prepared.resolved.component.code,
      }, { allowDuplicate: values["allow-duplicate"] === true });
      if (outcome.status === "present") {
        console.log(
          `already uploaded as ${outcome.id} (${prepared.dtoIn.component}, ` +
            `${prepared.dtoIn.testType}, run number ${prepared.dtoIn.runNumber}); ` +
            `not uploaded again (--allow-duplicate to upload anyway)`,
        );
        return 0;
      }
      console.log("method POST");
      console.log(`testRun ${outcome.id}`);
      return 0;
    } finally {
      client.close();
    }
  });
}
