/**
 * upload_wirebond_results: reads the DAGE wire-pull CSV file(s) of one module, prints a
 * summary, writes the test-run JSON (WIREBOND_PULL_TEST, or the original's WIREBOND), and with
 * `--upload` uploads it unless the database already has that run. See `--help`.
 *
 * Only the flags are read before the work starts: the parser, the analysis and the plots are
 * loaded after them, and the client only for `--upload`.
 *
 * @module
 */
import { openClient } from "../lib/cli/client.ts";
import { defineCommand, runCommand } from "../lib/cli/command.ts";
import { TIMEOUT_FLAG } from "../lib/cli/timeout.ts";

/** The command: its flags and help. */
export const COMMAND = defineCommand({
  name: "upload-wirebond-results",
  description:
    `Reads DAGE wire-pull CSV file(s) of one module (several --input files are one run: the pulls of
all of them), prints a summary (statistics overall, per label and per grade code, the grade
code → break mode mapping, the failed cuts), and writes the test-run JSON. Bad lines are
reported with file:line and left out.`,
  flags: {
    input: {
      type: "list",
      of: "path",
      required: true,
      value: "FILE.csv",
      help: `a DAGE export (repeat for several files of the same module; the same
file twice, or files of two modules, are refused)`,
    },
    component: {
      type: "string",
      required: true,
      value: "SERIAL",
      help: "the module's serial number: a file whose Serial Number differs is refused",
    },
    "allow-missing-serial": {
      type: "boolean",
      help: `accept files whose Serial Number is empty as --component's (without it
they are refused: they cannot be checked)`,
    },
    institution: { type: "string", required: true, value: "I", help: "institution code" },
    operator: { type: "string", value: "NAME", help: "operator (default: the file's OPERATOR)" },
    "run-number": {
      type: "string",
      value: "N",
      help: "run number (default: derived from the data, the same on every re-run)",
    },
    date: {
      type: "date",
      value: "D",
      help: `the test date, YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS], instead of the
file's DATE/TIME (needed when those are not a real date)`,
    },
    out: {
      type: "path",
      value: "FILE",
      help: `output JSON (default <SERIAL>_<TEST TYPE>_<run number>.json in the
current folder; the original's name: --out prototype_WIREBOND_DAGE.json)`,
    },
    force: {
      type: "boolean",
      help: "replace an existing output file with other content (default: refused)",
    },
    upload: {
      type: "boolean",
      negatable: true,
      help: `also upload it, unless the database already has this run, and attach
the DAGE file(s) to the run (each once; a re-run attaches a missing one)`,
    },
    "no-attach": {
      type: "boolean",
      help: `with --upload: do not attach the DAGE file(s) to the run (a file above
the binary store's 64 MiB is refused before the run is created)`,
    },
    "test-type": {
      type: "enum",
      choices: ["WIREBOND_PULL_TEST", "WIREBOND"],
      default: "WIREBOND_PULL_TEST",
      value: "T",
      help: `WIREBOND_PULL_TEST (default; cuts: mean >= 7 g, min >= 4 g, bond peels
below 7 g <= 9 %) or WIREBOND (the original's; passed = MIN_LOAD > --min-load)`,
    },
    "break-modes": {
      type: "path",
      value: "FILE",
      help: `grade code → break mode mapping, e.g. {"gradeCodes": {"1": 0, "2": 1}}
(default: grade n → break mode n-1)`,
    },
    "min-load": {
      type: "number",
      min: 0,
      max: 100_000,
      value: "G",
      help: "WIREBOND pass cut in g (default 15.0, as the original)",
    },
    plot: {
      type: "path",
      value: "FILE",
      help: `also write the load histogram with the cuts (mean and minimum);
FILE.svg, FILE.png (for slides) or FILE.pdf (for print)`,
    },
    "log-counts": {
      type: "boolean",
      help: "--plot with a logarithmic count axis (the few weak pulls show)",
    },
    "plot-groups": {
      type: "path",
      value: "FILE",
      help: `also write the loads per bond group (in file order), or per grade code
(with its break mode) with --group-by grade; .svg, .png or .pdf`,
    },
    "group-by": {
      type: "enum",
      choices: ["label", "grade"],
      default: "label",
      value: "G",
      help: "label or grade: the grouping of --plot-groups",
    },
    verbose: { type: "boolean", help: "log the requests" },
    ...TIMEOUT_FLAG,
  },
  epilog:
    "Connection (for --upload): ITKDB_API_URL, ITKDB_AUTH_URL, ITKDB_ACCESS_CODE1/2 or ITK_DB_AUTH.",
});

if (import.meta.main) {
  runCommand(COMMAND, async ({ flags, raw, given }) => {
    const [{ join }, { userCwd }, { plotFormat }, { requireNetFor, requirePermission }] =
      await Promise.all([
        import("node:path"),
        import("../lib/cli/paths.ts"),
        import("../lib/plots/plot.ts"),
        import("../lib/upload/permissions.ts"),
      ]);
    for (const name of [raw.plot?.[0], raw["plot-groups"]?.[0]]) {
      if (name !== undefined) plotFormat(name);
    }
    if (given.has("min-load") && flags.testType !== "WIREBOND") {
      console.error("note: --min-load applies to --test-type WIREBOND only");
    }
    // Permissions first: stop before any work when one is missing.
    for (const path of [flags.out ?? userCwd(), flags.plot, flags.plotGroups]) {
      if (path) requirePermission({ name: "write", path }, `write access to "${path}"`);
    }
    const client = flags.upload
      ? await openClient({ timeoutSeconds: flags.timeout, verbose: flags.verbose })
      : undefined;
    try {
      if (client) requireNetFor(client);
      const [
        wirebond,
        { readDageInputs },
        summary,
        { DEFAULT_BREAK_MODE_MAPPING },
        { finishStep },
      ] = await Promise.all([
        import("../lib/upload/wirebond.ts"),
        import("../lib/upload/dage_inputs.ts"),
        import("../lib/upload/wirebond_summary.ts"),
        import("../lib/analysis/break_modes.ts"),
        import("../lib/upload/step_output.ts"),
      ]);
      const mappingName = raw["break-modes"]?.[0];
      const mapping = flags.breakModes === undefined || mappingName === undefined
        ? DEFAULT_BREAK_MODE_MAPPING
        : await readMapping(flags.breakModes, mappingName);
      const parts = await readDageInputs(
        flags.input.map((path, i) => ({ path, name: raw.input[i] })),
      );
      const build = wirebond.buildWirebondRun(parts, {
        testType: flags.testType,
        mapping,
        component: flags.component,
        institution: flags.institution,
        operator: flags.operator,
        runNumber: flags.runNumber,
        minLoad: flags.minLoad ?? wirebond.LEGACY_MIN_LOAD,
        date: flags.date,
        allowMissingSerial: flags.allowMissingSerial,
      });
      console.log(summary.renderWirebondSummary(build));
      const plots = [];
      if (flags.plot) {
        plots.push({
          path: flags.plot,
          make: async () =>
            (await import("../lib/upload/wirebond_plots.ts")).wirebondPlot(build, {
              logCount: flags.logCounts,
            }),
        });
      }
      if (flags.plotGroups) {
        const by = flags.groupBy === "grade" ? "gradeCode" : "label";
        plots.push({
          path: flags.plotGroups,
          make: async () =>
            (await import("../lib/upload/wirebond_plots.ts")).wirebondGroupPlot(build, by),
        });
      }
      const done = await finishStep({
        testRun: build.testRun,
        out: flags.out ?? join(userCwd(), build.fileName),
        plots,
        force: flags.force,
        client,
        attach: flags.noAttach ? [] : flags.input.map((path, i) => ({ path, name: raw.input[i] })),
        log: (line) => console.log(line),
        note: (line) => console.error(line),
      });
      return done.attachFailures ? 1 : 0;
    } finally {
      client?.close();
    }
  });
}

/** A site's break-mode mapping file (zod is loaded only for it). */
async function readMapping(path: string, name: string) {
  const [{ MAX_JSON_BYTES, readInputText }, { parseBreakModeMapping }] = await Promise.all([
    import("../lib/upload/files.ts"),
    import("../lib/analysis/break_mode_file.ts"),
  ]);
  const text = await readInputText(path, "break-mode mapping", name, MAX_JSON_BYTES);
  return parseBreakModeMapping(text, name);
}
