/**
 * upload_wirebond_results: reads the DAGE wire-pull CSV file(s) of one module, prints a
 * summary, writes the test-run JSON (WIREBOND_PULL_TEST, or the original's WIREBOND), and with
 * `--upload` uploads it unless the database already has that run.
 *
 *   deno task upload-wirebond-results --input FILE.csv [--input …] --component SERIAL
 *     --institution I [--operator NAME] [--run-number N] [--date YYYY-MM-DD] [--out FILE]
 *     [--force] [--upload] [--test-type WIREBOND_PULL_TEST|WIREBOND] [--break-modes MAPPING.json]
 *     [--min-load 15.0] [--allow-missing-serial] [--plot out.svg]
 *     [--plot-groups out.svg [--group-by label|grade]] [--verbose]
 *
 * @module
 */
import { defaultSessionFile } from "../lib/cli/session.ts";
import {
  dateFlag,
  numberFlag,
  parseFlags,
  requireString,
  runMain,
  stringFlag,
  TIMEOUT_FLAG,
  timeoutMsOf,
  userCwd,
  userPath,
} from "../lib/cli/mod.ts";
import { type ApiWarning, ItkpdClient } from "../lib/client/mod.ts";
import { UsageError } from "../lib/errors.ts";
import { plotFormat } from "../lib/plots/plot.ts";
import { DEFAULT_BREAK_MODE_MAPPING, parseBreakModeMapping } from "../lib/analysis/mod.ts";
import {
  buildWirebondRun,
  finishStep,
  LEGACY_MIN_LOAD,
  MAX_JSON_BYTES,
  readDageInputs,
  readInputText,
  renderWirebondSummary,
  requireNetFor,
  requirePermission,
  type StepPlot,
  WIREBOND_TEST_TYPES,
  wirebondGroupPlot,
  wirebondPlot,
  type WirebondTestType,
} from "../lib/upload/mod.ts";
import { join } from "node:path";

const USAGE = `Usage: deno task upload-wirebond-results --input FILE.csv --component SERIAL \\
         --institution I [options]

Reads DAGE wire-pull CSV file(s) of one module (several --input files are one run: the pulls of
all of them), prints a summary (statistics overall, per label and per grade code, the grade
code → break mode mapping, the failed cuts), and writes the test-run JSON. Bad lines are
reported with file:line and left out.

Options:
  --input FILE.csv     a DAGE export (repeat for several files of the same module; the same
                       file twice, or files of two modules, are refused)
  --component SERIAL   the module's serial number: a file whose Serial Number differs is refused
  --allow-missing-serial
                       accept files whose Serial Number is empty as --component's (without it
                       they are refused: they cannot be checked)
  --institution I      institution code
  --operator NAME      operator (default: the file's OPERATOR)
  --run-number N       run number (default: derived from the data, the same on every re-run)
  --date D             the test date, YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS], instead of the
                       file's DATE/TIME (needed when those are not a real date)
  --out FILE           output JSON (default <SERIAL>_<TEST TYPE>_<run number>.json in the
                       current folder; the original's name: --out prototype_WIREBOND_DAGE.json)
  --force              replace an existing output file with other content (default: refused)
  --upload             also upload it, unless the database already has this run
  --test-type T        WIREBOND_PULL_TEST (default; cuts: mean >= 7 g, min >= 4 g, bond peels
                       below 7 g <= 9 %) or WIREBOND (the original's; passed = MIN_LOAD > --min-load)
  --break-modes FILE   grade code → break mode mapping, e.g. {"gradeCodes": {"1": 0, "2": 1}}
                       (default: grade n → break mode n-1)
  --min-load G         WIREBOND pass cut in g (default 15.0, as the original)
  --plot FILE          also write the load histogram with the cuts (mean and minimum);
                       FILE.svg, FILE.png (for slides) or FILE.pdf (for print)
  --log-counts         --plot with a logarithmic count axis (the few weak pulls show)
  --plot-groups FILE   also write the loads per bond group (in file order), or per grade code
                       (with its break mode) with --group-by grade; .svg, .png or .pdf
  --group-by G         label or grade: the grouping of --plot-groups
  --verbose            log the requests
  --timeout SECONDS    time limit of one request (default 60)
  --help               show this help

Connection (for --upload): ITKDB_API_URL, ITKDB_AUTH_URL, ITKDB_ACCESS_CODE1/2 or ITK_DB_AUTH.`;

if (import.meta.main) {
  runMain("upload-wirebond-results", async (args) => {
    const { values, help } = parseFlags(args, {
      input: { type: "string", multiple: true },
      component: { type: "string" },
      institution: { type: "string" },
      operator: { type: "string" },
      "run-number": { type: "string" },
      date: { type: "string" },
      out: { type: "string" },
      force: { type: "boolean" },
      "allow-missing-serial": { type: "boolean" },
      upload: { type: "boolean" },
      "test-type": { type: "string" },
      "break-modes": { type: "string" },
      "min-load": { type: "string" },
      plot: { type: "string" },
      "plot-groups": { type: "string" },
      "group-by": { type: "string" },
      "log-counts": { type: "boolean" },
      verbose: { type: "boolean" },
      ...TIMEOUT_FLAG,
    });
    if (help) {
      console.log(USAGE);
      return 0;
    }
    const inputs = (values.input as string[] | undefined) ?? [];
    if (inputs.length === 0) throw new UsageError("--input is required (see --help)");
    const component = requireString(values, "component");
    const institution = requireString(values, "institution");
    const testType = (stringFlag(values, "test-type") ?? "WIREBOND_PULL_TEST") as WirebondTestType;
    if (!WIREBOND_TEST_TYPES.includes(testType)) {
      throw new UsageError(
        `--test-type must be ${WIREBOND_TEST_TYPES.join(" or ")}, got '${testType}'`,
      );
    }
    const minLoad = numberFlag(values, "min-load") ?? LEGACY_MIN_LOAD;
    if (values["min-load"] !== undefined && testType !== "WIREBOND") {
      console.error("note: --min-load applies to --test-type WIREBOND only");
    }
    const outName = stringFlag(values, "out");
    const date = dateFlag(values, "date");
    const plotName = stringFlag(values, "plot");
    const plot = plotName === undefined ? undefined : userPath(plotName);
    const groupsName = stringFlag(values, "plot-groups");
    const groupsPlot = groupsName === undefined ? undefined : userPath(groupsName);
    for (const name of [plotName, groupsName]) if (name !== undefined) plotFormat(name);
    const groupBy = stringFlag(values, "group-by") ?? "label";
    if (groupBy !== "label" && groupBy !== "grade") {
      throw new UsageError(`--group-by must be label or grade, got ${JSON.stringify(groupBy)}`);
    }
    const upload = values.upload === true;
    const verbose = values.verbose === true;

    // Permissions first: stop before any work when one is missing.
    for (const path of [outName === undefined ? userCwd() : userPath(outName), plot, groupsPlot]) {
      if (path) requirePermission({ name: "write", path }, `write access to "${path}"`);
    }
    const warn = (w: ApiWarning) => console.error(`warning: ${w.command}: ${w.code}: ${w.message}`);
    const client = upload
      ? new ItkpdClient({
        timeoutMs: timeoutMsOf(values),
        verbose,
        onWarning: warn,
        sessionFile: defaultSessionFile(),
      })
      : undefined;
    try {
      if (client) requireNetFor(client);
      const mappingFile = stringFlag(values, "break-modes");
      const mapping = mappingFile === undefined
        ? DEFAULT_BREAK_MODE_MAPPING
        : parseBreakModeMapping(
          await readInputText(
            userPath(mappingFile),
            "break-mode mapping",
            mappingFile,
            MAX_JSON_BYTES,
          ),
          mappingFile,
        );
      const parts = await readDageInputs(inputs.map((name) => ({ path: userPath(name), name })));
      const build = buildWirebondRun(parts, {
        testType,
        mapping,
        component,
        institution,
        operator: stringFlag(values, "operator"),
        runNumber: stringFlag(values, "run-number"),
        minLoad,
        date,
        allowMissingSerial: values["allow-missing-serial"] === true,
      });
      console.log(renderWirebondSummary(build));
      const plots: StepPlot[] = [];
      if (plot) {
        plots.push({
          path: plot,
          make: () => wirebondPlot(build, { logCount: values["log-counts"] === true }),
        });
      }
      if (groupsPlot) {
        plots.push({
          path: groupsPlot,
          make: () => wirebondGroupPlot(build, groupBy === "grade" ? "gradeCode" : "label"),
        });
      }
      await finishStep({
        testRun: build.testRun,
        out: outName === undefined ? join(userCwd(), build.fileName) : userPath(outName),
        plots,
        force: values.force === true,
        client,
        log: (line) => console.log(line),
        note: (line) => console.error(line),
      });
      return 0;
    } finally {
      client?.close();
    }
  });
}
