/**
 * upload_test_results: checks a test-run JSON file completely (the original's checks, then
 * every value against the test type definition) and uploads it; `--test` shows what would be
 * sent and sends nothing. See `--help`.
 *
 * @module
 */
import { openClient } from "../lib/cli/client.ts";
import { defineCommand, runCommand } from "../lib/cli/command.ts";
import { TIMEOUT_FLAG } from "../lib/cli/timeout.ts";
import type { TestRunUpload } from "../lib/schemas/test_run.ts";

/** The command: its flags and help. */
export const COMMAND = defineCommand({
  name: "upload-test-results",
  description:
    `Uploads the test run in the JSON file F (e.g. an edited prototype_<CODE>.json). Before
anything is sent, the file is checked: component, testType, institution, runNumber, passed and
results present; no "some_string" placeholder left; every value valid for the test type
(fetched from the database). Every problem is listed with its JSON path.`,
  flags: {
    "test-file": { type: "path", required: true, value: "F", help: "the test-run JSON file" },
    "component-id": {
      type: "string",
      value: "C",
      help: `component serial number or code (replaces the file's "component")`,
    },
    institution: {
      type: "string",
      value: "I",
      help: `institution code (replaces the file's "institution")`,
    },
    test: { type: "boolean", help: "check and print the JSON that would be sent; send nothing" },
    "allow-duplicate": {
      type: "boolean",
      help: `upload even when the database already has a run of this component,
test type and run number (by default it is not uploaded again)`,
    },
    "allow-default-values": {
      type: "boolean",
      help: `upload even when every property and result is still a prototype
default (0, 0.0, false): by default that is refused as unedited`,
    },
    verbose: { type: "boolean", help: "print the JSON sent and log the requests" },
    ...TIMEOUT_FLAG,
  },
  epilog: `Prints "method POST" and "testRun <id>" after an upload.
Connection: ITKDB_API_URL, ITKDB_AUTH_URL, ITKDB_ACCESS_CODE1/2 or ITK_DB_AUTH (as itkdb).`,
});

if (import.meta.main) {
  runCommand(COMMAND, async ({ flags, raw }) => {
    const client = await openClient({ timeoutSeconds: flags.timeout, verbose: flags.verbose });
    try {
      const upload = await import("../lib/upload/mod.ts");
      upload.requireNetFor(client);
      const file = raw["test-file"][0];
      const doc = upload.applyOverrides(await upload.readTestRunFile(flags.testFile, file), {
        component: flags.componentId,
        institution: flags.institution,
      });
      const prepared = await upload.prepareUpload(client, doc, {
        source: file,
        allowDefaultValues: flags.allowDefaultValues,
      });
      for (const n of prepared.notices) console.error(`note: ${n.path}: ${n.message}`);
      if (flags.test) {
        console.log(upload.renderDryRun(prepared.dtoIn).trimEnd());
        console.error(
          `--test: checked against test type ${prepared.resolved.testType.code}; nothing sent`,
        );
        return 0;
      }
      if (flags.verbose) {
        console.error(`sending:\n${upload.renderDryRun(prepared.dtoIn).trimEnd()}`);
      }
      // Exactly once (lib/upload/upload_once.ts): looked up right before the send, and again
      // before any resend after a lost answer.
      const outcome = await upload.uploadRunOnce(client, {
        dtoIn: prepared.dtoIn as unknown as TestRunUpload,
        componentCode: prepared.resolved.component.code,
      }, { allowDuplicate: flags.allowDuplicate });
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
