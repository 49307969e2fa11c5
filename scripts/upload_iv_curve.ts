/**
 * upload_iv_curve: reads an IV table (`U[V] Imean[uA] Isem[uA]`), prints a summary, writes the
 * test-run JSON (IV_MEASURE: VOLTAGE, CURRENT, SIGMA_CURRENT), and with `--upload` uploads it
 * unless the database already has that run.
 *
 *   deno task upload-iv-curve --input FILE --component SERIAL --institution I [--out FILE]
 *     [--force] [--date YYYY-MM-DD] [--upload] [--test-type IV_MEASURE] [--plot out.svg]
 *     [--verbose]
 *
 * @module
 */
import { defaultSessionFile } from "../lib/cli/session.ts";
import {
  dateFlag,
  parseFlags,
  requireString,
  runMain,
  stringFlag,
  TIMEOUT_FLAG,
  timeoutMsOf,
  userCwd,
  userPath,
} from "../lib/cli/mod.ts";
import { join } from "node:path";
import { type ApiWarning, ItkpdClient } from "../lib/client/mod.ts";
import { IV_TEST_TYPE } from "../lib/analysis/mod.ts";
import { plotFormat } from "../lib/plots/plot.ts";
import {
  buildIvRun,
  finishStep,
  ivPlot,
  readIvInput,
  renderIvSummary,
  requireNetFor,
  requirePermission,
} from "../lib/upload/mod.ts";

const USAGE = `Usage: deno task upload-iv-curve --input FILE --component SERIAL --institution I \\
         [options]

Reads an IV table (whitespace-separated, header like \`U[V] Imean[uA] Isem[uA]\`), prints a
summary and writes the test-run JSON with VOLTAGE (V), CURRENT (uA) and SIGMA_CURRENT (uA).
Bad rows are reported with file:line and left out.

Options:
  --input FILE         the IV table
  --component SERIAL   the module's serial number (or component code)
  --institution I      institution code
  --out FILE           output JSON (default <SERIAL>_<TEST TYPE>_<run number>.json in the
                       current folder)
  --force              replace an existing output file with other content (default: refused)
  --date D             the test date, YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS] (an IV table has none;
                       without it the run has no date)
  --upload             also upload it, unless the database already has this run
  --test-type CODE     test type (default ${IV_TEST_TYPE})
  --plot FILE          also write the IV curve plot: FILE.svg, FILE.png (for slides) or
                       FILE.pdf (for print)
  --verbose            log the requests
  --timeout SECONDS    time limit of one request (default 60)
  --help               show this help

Connection (for --upload): ITKDB_API_URL, ITKDB_AUTH_URL, ITKDB_ACCESS_CODE1/2 or ITK_DB_AUTH.`;

if (import.meta.main) {
  runMain("upload-iv-curve", async (args) => {
    const { values, help } = parseFlags(args, {
      input: { type: "string" },
      component: { type: "string" },
      institution: { type: "string" },
      out: { type: "string" },
      force: { type: "boolean" },
      date: { type: "string" },
      upload: { type: "boolean" },
      "test-type": { type: "string" },
      plot: { type: "string" },
      verbose: { type: "boolean" },
      ...TIMEOUT_FLAG,
    });
    if (help) {
      console.log(USAGE);
      return 0;
    }
    const input = requireString(values, "input");
    const component = requireString(values, "component");
    const institution = requireString(values, "institution");
    const testType = stringFlag(values, "test-type") ?? IV_TEST_TYPE;
    const outName = stringFlag(values, "out");
    const date = dateFlag(values, "date");
    const plotName = stringFlag(values, "plot");
    const plot = plotName === undefined ? undefined : userPath(plotName);
    if (plotName !== undefined) plotFormat(plotName);
    const upload = values.upload === true;
    const verbose = values.verbose === true;

    for (const path of [outName === undefined ? userCwd() : userPath(outName), plot]) {
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
      const parsed = await readIvInput({ path: userPath(input), name: input });
      const build = buildIvRun(parsed, { component, institution, testType, date });
      console.log(renderIvSummary(build));
      await finishStep({
        testRun: build.testRun,
        out: outName === undefined ? join(userCwd(), build.fileName) : userPath(outName),
        plots: plot ? [{ path: plot, make: () => ivPlot(build) }] : [],
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
