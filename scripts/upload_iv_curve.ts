/**
 * upload_iv_curve: reads an IV table (`U[V] Imean[uA] Isem[uA]`), prints a summary, writes the
 * test-run JSON (IV_MEASURE: VOLTAGE, CURRENT, SIGMA_CURRENT), and with `--upload` uploads it
 * unless the database already has that run. See `--help`.
 *
 * Only the flags are read before the work starts: the parser and the plot are loaded after
 * them, and the client only for `--upload`.
 *
 * @module
 */
import { openClient } from "../lib/cli/client.ts";
import { defineCommand, runCommand } from "../lib/cli/command.ts";
import { TIMEOUT_FLAG } from "../lib/cli/timeout.ts";
import { IV_TEST_TYPE } from "../lib/analysis/iv_test_type.ts";

/** The command: its flags and help. */
export const COMMAND = defineCommand({
  name: "upload-iv-curve",
  description:
    `Reads an IV table (whitespace-separated, header like \`U[V] Imean[uA] Isem[uA]\`), prints a
summary and writes the test-run JSON with VOLTAGE (V), CURRENT (uA) and SIGMA_CURRENT (uA).
Bad rows are reported with file:line and left out. Lines before the columns starting with #
may give the conditions: \`# Operator: NAME\`, \`# Temperature [C]: -20\`, \`# Humidity: 35 %\`;
a flag replaces the header's value, and the summary says which was used and from where.`,
  flags: {
    input: { type: "path", required: true, value: "FILE", help: "the IV table" },
    component: {
      type: "string",
      required: true,
      value: "SERIAL",
      help: "the module's serial number (or component code)",
    },
    institution: { type: "string", required: true, value: "I", help: "institution code" },
    out: {
      type: "path",
      value: "FILE",
      help: `output JSON (default <SERIAL>_<TEST TYPE>_<run number>.json in the
current folder)`,
    },
    force: {
      type: "boolean",
      help: "replace an existing output file with other content (default: refused)",
    },
    date: {
      type: "date",
      value: "D",
      help: `the test date, YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS] (an IV table has none;
without it the run has no date); it dates the run number, YYYYMMDD-HHMMSS-<hash>`,
    },
    operator: {
      type: "string",
      value: "NAME",
      help: "who measured (OPERATOR); replaces the file header's `# Operator:`",
    },
    temperature: {
      type: "number",
      min: -100,
      max: 100,
      value: "C",
      help: "temperature in °C, -100 … 100 (TEMP); replaces the header's `# Temperature:`",
    },
    humidity: {
      type: "number",
      min: 0,
      max: 100,
      value: "%",
      help: "relative humidity in %, 0 … 100 (HUMIDITY); replaces the header's `# Humidity:`",
    },
    upload: {
      type: "boolean",
      negatable: true,
      help: `also upload it, unless the database already has this run, and attach
the IV table to the run (once; a re-run attaches it when missing)`,
    },
    "no-attach": {
      type: "boolean",
      help: `with --upload: do not attach the IV table to the run (a file above the
binary store's 64 MiB is refused before the run is created)`,
    },
    "test-type": {
      type: "string",
      default: IV_TEST_TYPE,
      value: "CODE",
      help: `test type (default ${IV_TEST_TYPE})`,
    },
    plot: {
      type: "path",
      value: "FILE",
      help: `also write the IV curve plot: FILE.svg, FILE.png (for slides) or
FILE.pdf (for print)`,
    },
    verbose: { type: "boolean", help: "log the requests" },
    ...TIMEOUT_FLAG,
  },
  epilog:
    "Connection (for --upload): ITKDB_API_URL, ITKDB_AUTH_URL, ITKDB_ACCESS_CODE1/2 or ITK_DB_AUTH.",
});

if (import.meta.main) {
  runCommand(COMMAND, async ({ flags, raw }) => {
    const [{ join }, { userCwd }, { plotFormat }, { requireNetFor, requirePermission }] =
      await Promise.all([
        import("node:path"),
        import("../lib/cli/paths.ts"),
        import("../lib/plots/plot.ts"),
        import("../lib/upload/permissions.ts"),
      ]);
    if (raw.plot) plotFormat(raw.plot[0]);
    for (const path of [flags.out ?? userCwd(), flags.plot]) {
      if (path) requirePermission({ name: "write", path }, `write access to "${path}"`);
    }
    const client = flags.upload
      ? await openClient({ timeoutSeconds: flags.timeout, verbose: flags.verbose })
      : undefined;
    try {
      if (client) requireNetFor(client);
      const [iv, { finishStep }] = await Promise.all([
        import("../lib/upload/iv.ts"),
        import("../lib/upload/step_output.ts"),
      ]);
      const parsed = await iv.readIvInput({ path: flags.input, name: raw.input[0] });
      const build = iv.buildIvRun(parsed, {
        component: flags.component,
        institution: flags.institution,
        testType: flags.testType,
        date: flags.date,
        operator: flags.operator,
        temperature: flags.temperature,
        humidity: flags.humidity,
      });
      console.log(iv.renderIvSummary(build));
      const plot = flags.plot;
      const done = await finishStep({
        testRun: build.testRun,
        formerRunNumbers: build.formerRunNumbers,
        out: flags.out ?? join(userCwd(), build.fileName),
        plots: plot ? [{ path: plot, make: () => iv.ivPlot(build) }] : [],
        force: flags.force,
        client,
        attach: flags.noAttach ? [] : [{ path: flags.input, name: raw.input[0] }],
        log: (line) => console.log(line),
        note: (line) => console.error(line),
      });
      return done.attachFailures ? 1 : 0;
    } finally {
      client?.close();
    }
  });
}
