/**
 * `deno task batch-upload`: many modules' files (DAGE CSV, IV tables, filled test-run JSON)
 * → plan → upload exactly once, with a journal so that running the same command again resumes.
 *
 * @module
 */
import { defaultSessionFile } from "../lib/cli/session.ts";
import {
  numberFlag,
  parseFlags,
  runMain,
  TIMEOUT_FLAG,
  timeoutMsOf,
  userPath,
} from "../lib/cli/mod.ts";
import { UsageError } from "../lib/errors.ts";
import { ItkpdClient } from "../lib/client/mod.ts";
import { batchUpload } from "../lib/batch/mod.ts";
import { autoProgress } from "../lib/progress/progress.ts";
import { plotFormat } from "../lib/plots/plot.ts";

const USAGE = `Usage: deno task batch-upload --dir DIR [options]

Uploads the test results of many modules at once: every DAGE wire-pull CSV (.csv), IV table
(.txt/.dat) and filled test-run JSON (.json) under DIR (recursively) and/or given with --file.
First a plan: every file parsed and checked against its test type, every component looked up,
every run looked up on the server. Then the upload, exactly once: running the same command again
(after a crash, a kill, a site outage) resumes and never creates a second run.

Options:
  --dir DIR            folder of input files (walked recursively)
  --file FILE          an input file (repeatable)
  --manifest FILE      CSV (file,component[,institution][,operator][,date]) or JSON mapping
                       files to components (and test dates); otherwise the serial number in the
                       file or its name is used
  --institution CODE   institution of the runs (unless the manifest or file says otherwise)
  --operator NAME      operator written into DAGE results (default: the file's OPERATOR)
  --test-type CODE     test type for DAGE files: WIREBOND_PULL_TEST (default) or WIREBOND
  --break-modes FILE   grade code → break mode mapping (JSON); default: the documented one
  --concurrency N      uploads at the same time (default 8)
  --dry-run            show the plan and stop; nothing is sent
  --all-or-nothing     send nothing when any file is invalid
  --allow-default-values
                       take test-run JSON files whose every value is still a prototype default
                       (0, 0.0, false); by default they are invalid (unedited prototypes)
  --journal FILE       journal (default DIR/.itkpd-journal.sqlite)
  --report FILE        JSON report of every item (default DIR/.itkpd-report.json)
  --plot FILE          also write the mean and minimum load of every module, with the cuts
                       and the worst modules named: FILE.svg, FILE.png or FILE.pdf
  --timeout SECONDS    time limit of one request (default 60); a site that does not answer
                       stops the batch within about two of them, journal kept
  --settle SECONDS     time the server is given to store a write whose answer was lost,
                       before the runs of this batch are reconciled (default 5)
  --quiet              no progress display
  --verbose            log every request (method, URL, status, time; never a token)
  -h, --help           this text

After the uploads, every run identity this batch sent is reconciled on the server: when two
batches (two people, two machines) sent the same run at the same moment, or the server stored a
write after its answer was lost, the extra runs this batch made are deleted and the earliest run
is kept; extra runs made by others are left alone and reported (README: "exactly once").

Exit status: 0 when every item was created or already present; 1 when any is invalid or
failed, or the batch stopped; 2 on bad usage; 3 on a missing permission.
Environment: ITKDB_API_URL, ITKDB_AUTH_URL, ITKDB_ACCESS_CODE1/2, ITK_DB_AUTH, … (README).`;

if (import.meta.main) {
  runMain("batch-upload", async (args) => {
    const { values, help } = parseFlags(args, {
      dir: { type: "string" },
      file: { type: "string", multiple: true },
      manifest: { type: "string" },
      institution: { type: "string" },
      operator: { type: "string" },
      "test-type": { type: "string" },
      "break-modes": { type: "string" },
      concurrency: { type: "string" },
      "dry-run": { type: "boolean" },
      "all-or-nothing": { type: "boolean" },
      "allow-default-values": { type: "boolean" },
      journal: { type: "string" },
      report: { type: "string" },
      plot: { type: "string" },
      quiet: { type: "boolean" },
      verbose: { type: "boolean" },
      settle: { type: "string" },
      ...TIMEOUT_FLAG,
    });
    if (help) {
      console.log(USAGE);
      return 0;
    }
    const dir = values.dir as string | undefined;
    const files = (values.file as string[] | undefined) ?? [];
    if (!dir && files.length === 0) throw new UsageError("give --dir DIR or --file FILE");
    const testType = values["test-type"] as string | undefined;
    if (testType && testType !== "WIREBOND_PULL_TEST" && testType !== "WIREBOND") {
      throw new UsageError(`--test-type must be WIREBOND_PULL_TEST or WIREBOND, got ${testType}`);
    }
    const concurrency = numberFlag(values, "concurrency", { integer: true, min: 1, max: 64 });
    if (values.plot) plotFormat(values.plot as string);
    const settle = numberFlag(values, "settle", { min: 0, max: 3600 });
    if (values.journal === "") {
      throw new UsageError("--journal needs a file path (leave it out for the default)");
    }
    const client = new ItkpdClient({
      timeoutMs: timeoutMsOf(values),
      verbose: Boolean(values.verbose),
      sessionFile: defaultSessionFile(),
    });
    const controller = new AbortController();
    const onSignal = () => {
      console.error("\ninterrupted: finishing the uploads in flight; run again to resume");
      controller.abort();
    };
    Deno.addSignalListener("SIGINT", onSignal);
    try {
      const { plan, report } = await batchUpload(client, {
        dir: dir ? userPath(dir) : undefined,
        files: files.map(userPath),
        manifest: values.manifest ? userPath(values.manifest as string) : undefined,
        institution: values.institution as string | undefined,
        operator: values.operator as string | undefined,
        dageTestType: testType as "WIREBOND_PULL_TEST" | "WIREBOND" | undefined,
        breakModes: values["break-modes"] ? userPath(values["break-modes"] as string) : undefined,
        concurrency,
        dryRun: Boolean(values["dry-run"]),
        allOrNothing: Boolean(values["all-or-nothing"]),
        allowDefaultValues: Boolean(values["allow-default-values"]),
        journal: values.journal === ":memory:" || !values.journal
          ? values.journal as string | undefined
          : userPath(values.journal as string),
        report: values.report ? userPath(values.report as string) : undefined,
        plot: values.plot ? userPath(values.plot as string) : undefined,
        progress: autoProgress({ label: "upload", silent: Boolean(values.quiet) }),
        log: (text) => console.log(text),
        signal: controller.signal,
        settleMs: settle === undefined ? undefined : settle * 1000,
      });
      if (!report) return plan.invalid.length ? 1 : 0;
      const c = report.counts;
      return c.failed || c.invalid || report.stopped || report.refused ? 1 : 0;
    } finally {
      Deno.removeSignalListener("SIGINT", onSignal);
      client.close();
    }
  });
}
