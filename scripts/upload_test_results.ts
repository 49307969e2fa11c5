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
    attach: {
      type: "list",
      of: "path",
      value: "FILE",
      help: `attach FILE to the run (repeatable): each once, also to the run already
in the database on a re-run; a file above the binary store's 64 MiB is
refused before anything is sent`,
    },
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
  epilog: `Prints "method POST" and "testRun <id>" after an upload, then a line per --attach
file ("attached F (2.1 kB) to run <id>", or "already attached"); a file that could not be
attached is an error line and exit code 1, the run staying created: run the same command again.
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
      // The files to attach are checked and read before anything is sent.
      const attach = flags.attach.length ? await import("../lib/upload/attach_sources.ts") : null;
      const sources = attach
        ? await attach.readSources(
          flags.attach.map((path, i) => ({ path, name: raw.attach[i] })),
          client.maxAttachmentBytes,
          "leave it out of --attach",
        )
        : [];
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
      } else {
        console.log("method POST");
        console.log(`testRun ${outcome.id}`);
      }
      if (!attach) return 0;
      let failed = 0;
      for (const a of await attach.attachSources(client, outcome.id, sources)) {
        const line = attach.describeSource(a, { wasThere: outcome.status === "present" });
        if (a.status === "failed") {
          failed++;
          console.error(line);
        } else console.log(line);
      }
      return failed ? 1 : 0;
    } finally {
      client.close();
    }
  });
}
