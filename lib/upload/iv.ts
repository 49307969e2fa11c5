/**
 * The `upload_iv_curve` step as a library: read an IV table (`U[V] Imean[uA] Isem[uA]`), build
 * its test run (`IV_MEASURE`: VOLTAGE, CURRENT, SIGMA_CURRENT), describe and plot it.
 *
 * @module
 */
import { type Problem, problemLine } from "../errors.ts";
import { escapeControls } from "../escape.ts";
import { readableDate } from "../parsers/date.ts";
import type { GivenDate } from "../analysis/run_number.ts";
import { IV_TEST_TYPE, ivRunNumber, type IvTestRun, ivTestRun } from "../analysis/iv.ts";
import { ivConditions } from "../analysis/iv_conditions.ts";
import { type IvParseResult, parseIv } from "../parsers/iv.ts";
import { ivCurve } from "../plots/iv_curve.ts";
import type { Plot } from "../plots/plot.ts";
import { type NamedInputFile, readInputText } from "./files.ts";
import { runFileName } from "./prototypes.ts";

/**
 * Reads and parses an IV table. A missing read permission is rethrown as is; an unreadable
 * file is an InputError, a file that is not an IV table a ParseError.
 *
 * @example
 * ```ts ignore
 * const parsed = await readIvInput({ path: "/data/iv.txt", name: "iv.txt" });
 * ```
 */
export async function readIvInput(file: NamedInputFile): Promise<IvParseResult> {
  const text = await readInputText(file.path, "IV table", file.name);
  return parseIv(text, file.name ?? file.path);
}

/** Options of {@link buildIvRun}. */
export interface IvBuildOptions {
  component?: string | null;
  institution?: string | null;
  /** Test type code (default `IV_MEASURE`). */
  testType?: string;
  /** Overrides the run number derived from the data. */
  runNumber?: string;
  /** The date of the run (`--date`): an IV table carries none. It dates the run number. */
  date?: GivenDate;
  /** The operator (`--operator`): overrides the file header's. */
  operator?: string;
  /** The temperature in °C (`--temperature`): overrides the file header's. */
  temperature?: number;
  /** The relative humidity in % (`--humidity`): overrides the file header's. */
  humidity?: number;
}

/** What the IV step found and built. */
export interface IvBuild {
  testRun: IvTestRun;
  /** The date of the run and where it came from, in words (`description`). */
  date: { description: string };
  /** Operator, temperature and humidity: the value used and where from, one line each. */
  conditions: string[];
  /** Header values replaced by a flag. */
  notes: string[];
  /** Default output file name: `<component>_<TESTTYPE>_<runNumber>.json`. */
  fileName: string;
  parsed: IvParseResult;
  /** Rows left out, with file:line. */
  rejected: Problem[];
  /**
   * The run number this table had before IV run numbers were dated (`iv-<hash>`), when it has a
   * dated one now: a run under it in ITkPD is this run (see `RunIdentity.formerRunNumbers`).
   */
  formerRunNumbers: string[];
}

/**
 * The test run of an IV table.
 *
 * @example
 * ```ts
 * import { parseIv } from "../parsers/iv.ts";
 * import { buildIvRun } from "./iv.ts";
 * const b = buildIvRun(parseIv("U[V] Imean[uA]\n-2 -0.1\n", "iv.txt"), { component: "C" });
 * b.testRun.results.VOLTAGE; // [-2]
 * b.fileName; // "C_IV_MEASURE_iv-….json"
 * ```
 */
export function buildIvRun(parsed: IvParseResult, opts: IvBuildOptions = {}): IvBuild {
  const testType = opts.testType ?? IV_TEST_TYPE;
  const given = { operator: opts.operator, temperature: opts.temperature, humidity: opts.humidity };
  const conditions = ivConditions(parsed, given);
  const testRun = ivTestRun(parsed, {
    component: opts.component ?? null,
    institution: opts.institution ?? null,
    testType,
    runNumber: opts.runNumber,
    date: opts.date?.parts,
    ...given,
  });
  const date = {
    description: opts.date
      ? `date ${readableDate(opts.date.parts)} from ${opts.date.from}`
      : `no date: an IV table carries none and no --date was given; the run has no date ` +
        "(its run number starts with iv-)",
  };
  return {
    testRun,
    date,
    conditions: conditions.lines,
    notes: conditions.notes,
    fileName: runFileName(testRun),
    parsed,
    rejected: parsed.errors,
    formerRunNumbers: opts.runNumber === undefined && testRun.runNumber !== ivRunNumber(parsed)
      ? [ivRunNumber(parsed)]
      : [],
  };
}

/** min … max, to 4 significant digits (the file keeps every digit; this is for reading). */
function range(values: readonly number[]): string {
  if (values.length === 0) return "-";
  const show = (x: number) => Number(x.toPrecision(4)).toString();
  return `${show(Math.min(...values))} … ${show(Math.max(...values))}`;
}

/**
 * The summary printed by the step: points, voltage and current ranges, rows left out, the run
 * number, the date, and operator, temperature and humidity with where each came from.
 *
 * @example
 * ```ts ignore
 * console.log(renderIvSummary(buildIvRun(parsed)));
 * ```
 */
export function renderIvSummary(build: IvBuild): string {
  const { testRun, parsed } = build;
  const out = [
    escapeControls(
      `read ${parsed.file}: ${testRun.results.VOLTAGE.length} points (columns ` +
        `${parsed.columns.map((c, k) => `${c}[${Object.values(parsed.units)[k]}]`).join(" ")})`,
    ),
  ];
  if (build.rejected.length) {
    out.push(`left out (${build.rejected.length}):`);
    for (const p of build.rejected) out.push(problemLine(p));
  }
  out.push(`VOLTAGE [V]: ${range(testRun.results.VOLTAGE)}`);
  out.push(`CURRENT [uA]: ${range(testRun.results.CURRENT)}`);
  if (testRun.results.SIGMA_CURRENT) {
    out.push(`SIGMA_CURRENT [uA]: ${range(testRun.results.SIGMA_CURRENT)}`);
  }
  out.push(escapeControls(`test type ${testRun.testType}, run number ${testRun.runNumber}`));
  out.push(escapeControls(build.date.description));
  for (const line of [...build.conditions, ...build.notes]) out.push(escapeControls(line));
  return out.join("\n");
}

/**
 * The IV curve plot of a build (current in µA against |V|, with error bars).
 *
 * @example
 * ```ts ignore
 * await (await ivPlot(build)).save("iv.svg");
 * ```
 */
export async function ivPlot(build: IvBuild): Promise<Plot> {
  const r = build.testRun.results;
  const who = build.testRun.component ? `${build.testRun.component}: ` : "";
  return await ivCurve(
    r.VOLTAGE.map((voltage, k) => ({ voltage, current: r.CURRENT[k], sem: r.SIGMA_CURRENT?.[k] })),
    { title: `${who}IV curve (${build.testRun.testType})`, currentUnit: "µA" },
  );
}
