/**
 * `deno task batch-upload`: many modules' files (DAGE CSV, IV tables, filled test-run JSON)
 * → plan → upload exactly once, with a journal so that running the same command again resumes.
 * See `--help`.
 *
 * @module
 */
import { openClient } from "../lib/cli/client.ts";
import { defineCommand, runCommand } from "../lib/cli/command.ts";
import { TIMEOUT_FLAG } from "../lib/cli/timeout.ts";
import { UsageError } from "../lib/errors.ts";

/** The command: its flags and help. */
export const COMMAND = defineCommand({
  name: "batch-upload",
  usage: ["--dir DIR [options]"],
  description:
    `Uploads the test results of many modules at once: every DAGE wire-pull CSV (.csv), IV table
(.txt/.dat) and filled test-run JSON (.json) under DIR (recursively) and/or given with --file.
First a plan: every file parsed and checked against its test type, every component looked up,
every run looked up on the server. Then the upload, exactly once: running the same command again
(after a crash, a kill, a site outage) resumes and never creates a second run.`,
  flags: {
    dir: { type: "path", value: "DIR", help: "folder of input files (walked recursively)" },
    file: { type: "list", of: "path", value: "FILE", help: "an input file (repeatable)" },
    manifest: {
      type: "path",
      value: "FILE",
      help: `CSV (file,component[,institution][,operator][,date]) or JSON mapping
files to components (and test dates); otherwise the serial number in the
file or its name is used`,
    },
    institution: {
      type: "string",
      value: "CODE",
      help: "institution of the runs (unless the manifest or file says otherwise)",
    },
    operator: {
      type: "string",
      value: "NAME",
      help: "operator written into DAGE results (default: the file's OPERATOR)",
    },
    "test-type": {
      type: "enum",
      choices: ["WIREBOND_PULL_TEST", "WIREBOND"],
      value: "CODE",
      help: "test type for DAGE files: WIREBOND_PULL_TEST (default) or WIREBOND",
    },
    "break-modes": {
      type: "path",
      value: "FILE",
      help: "grade code → break mode mapping (JSON); default: the documented one",
    },
    concurrency: {
      type: "number",
      integer: true,
      min: 1,
      max: 64,
      value: "N",
      help: "runs sent at the same time, the next ones looked up meanwhile (default 8)",
    },
    "dry-run": { type: "boolean", help: "show the plan and stop; nothing is sent" },
    "no-attach": {
      type: "boolean",
      help: `do not attach each file to its run (by default every file is attached
to the run made from it, once: a file of the same name and content on
the run is not sent again, and a re-run attaches what is missing)`,
    },
    "all-or-nothing": { type: "boolean", help: "send nothing when any file is invalid" },
    "allow-default-values": {
      type: "boolean",
      help: `take test-run JSON files whose every value is still a prototype default
(0, 0.0, false); by default they are invalid (unedited prototypes)`,
    },
    journal: {
      type: "path",
      literal: [":memory:"],
      value: "FILE",
      help: "journal (default DIR/.itkpd-journal.sqlite)",
    },
    report: {
      type: "path",
      value: "FILE",
      help: `JSON report of every item (default: each run its own,
DIR/batch-report-<UTC time>.json; a dry run's too)`,
    },
    plot: {
      type: "path",
      value: "FILE",
      help: `also write the mean and minimum load of every module, with the cuts
and the worst modules named: FILE.svg, FILE.png or FILE.pdf`,
    },
    timeout: {
      ...TIMEOUT_FLAG.timeout,
      help: `time limit of one request (default 60); a site that does not answer
stops the batch within about two of them, journal kept`,
    },
    settle: {
      type: "number",
      min: 0,
      max: 3600,
      value: "SECONDS",
      help: `time the server is given to store a write whose answer was lost,
before the runs of this batch are reconciled (default 5)`,
    },
    quiet: { type: "boolean", help: "no progress display" },
    verbose: {
      type: "boolean",
      help: "log every request (method, URL, status, time; never a token)",
    },
  },
  epilog:
    `After the uploads, every run identity this batch sent is reconciled on the server: when two
batches (two people, two machines) sent the same run at the same moment, or the server stored a
write after its answer was lost, the extra runs this batch made are deleted and the earliest run
is kept; extra runs made by others are left alone and reported (README: "exactly once").

The summary ends with the modules that fail QC (their failed cuts, value and limit); the
report gives every item's "passed" and "failedCuts". Modules not in ITkPD are listed in
DIR/batch-unregistered-<UTC time>.json, ready for register-component --from once filled in.

Exit status: 0 when every item was created or already present; 1 when any is invalid or
failed, or a file could not be attached, or the batch stopped; 2 on bad usage (no --institution
for files that give none, an unknown --institution, a --dir that is a file); 3 on a missing
permission.
Environment: ITKDB_API_URL, ITKDB_AUTH_URL, ITKDB_ACCESS_CODE1/2, ITK_DB_AUTH, … (README).`,
});

if (import.meta.main) {
  runCommand(COMMAND, async ({ flags, raw }) => {
    if (!flags.dir && flags.file.length === 0) {
      throw new UsageError("give --dir DIR or --file FILE; see --help");
    }
    if (raw.plot) {
      const { plotFormat } = await import("../lib/plots/plot.ts");
      plotFormat(raw.plot[0]);
    }
    const [client, { listInstitutionCodes }] = await Promise.all([
      openClient({ timeoutSeconds: flags.timeout, verbose: flags.verbose }),
      import("../lib/batch/institutions.ts"),
    ]);
    // The token and the site's institutions are asked for while the batch's code loads: the
    // round trips of the start overlap the loading.
    const institutions = listInstitutionCodes(client);
    const work = Promise.all([
      import("../lib/batch/mod.ts"),
      import("../lib/progress/progress.ts"),
    ]);
    work.catch(() => {});
    const controller = new AbortController();
    const onSignal = () => {
      console.error("\ninterrupted: finishing the uploads in flight; run again to resume");
      controller.abort();
    };
    Deno.addSignalListener("SIGINT", onSignal);
    try {
      const [{ batchUpload }, { autoProgress }] = await work;
      const { plan, report } = await batchUpload(client, {
        dir: flags.dir,
        files: flags.file,
        manifest: flags.manifest,
        institution: flags.institution,
        operator: flags.operator,
        dageTestType: flags.testType,
        breakModes: flags.breakModes,
        concurrency: flags.concurrency,
        dryRun: flags.dryRun,
        allOrNothing: flags.allOrNothing,
        allowDefaultValues: flags.allowDefaultValues,
        journal: flags.journal,
        report: flags.report,
        plot: flags.plot,
        progress: autoProgress({ label: "upload", silent: flags.quiet }),
        log: (text) => console.log(text),
        signal: controller.signal,
        settleMs: flags.settle === undefined ? undefined : flags.settle * 1000,
        attach: !flags.noAttach,
        institutions,
      });
      if (!report) return plan.invalid.length ? 1 : 0;
      const c = report.counts;
      return c.failed || c.invalid || report.stopped || report.refused ||
          report.attachments?.failed
        ? 1
        : 0;
    } finally {
      Deno.removeSignalListener("SIGINT", onSignal);
      client.close();
    }
  });
}
