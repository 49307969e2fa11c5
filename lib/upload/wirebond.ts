/**
 * The `upload_wirebond_results` step's run: from the DAGE file(s) of one module (see
 * dage_inputs.ts), the `WIREBOND_PULL_TEST` (current) or `WIREBOND` (the original's, obsolete)
 * test run, with what was found on the way (statistics per bond group and grade code, failed
 * cuts, lines left out, the date). Its summary text is wirebond_summary.ts, its plots
 * wirebond_plots.ts.
 *
 * @module
 */
import { InputError, type Problem } from "../errors.ts";
import {
  BREAK_MODE_NAMES,
  type BreakModeMapping,
  breakModesOf,
  DEFAULT_BREAK_MODE_MAPPING,
  describeMapping,
} from "../analysis/break_modes.ts";
import {
  legacyFailedCuts,
  legacyWirebond,
  type LegacyWirebondRun,
} from "../analysis/legacy_wirebond.ts";
import {
  type GivenDate,
  LEGACY_MIN_LOAD,
  type RunDate,
  runDateOf,
  runNumber as dataRunNumber,
} from "../analysis/run_number.ts";
import { breakdown, type GroupSummary, summarize, type Summary } from "../analysis/stats.ts";
import {
  type FailedCut,
  WIREBOND_PULL_CUTS,
  WIREBOND_PULL_TEST,
  wirebondPullTest,
  type WirebondPullTestRun,
} from "../analysis/wirepull.ts";
import { requireTests } from "../parsers/dage.ts";
import type { DageParseResult } from "../parsers/dage_types.ts";
import { checkSerials, mergeDage } from "./dage_inputs.ts";
import { runFileName } from "./prototypes.ts";

/** The legacy test type of the original script. */
export const LEGACY_WIREBOND = "WIREBOND";

/** The test types the wire-bond step writes. */
export const WIREBOND_TEST_TYPES = [WIREBOND_PULL_TEST, LEGACY_WIREBOND] as const;
/** One of {@link WIREBOND_TEST_TYPES}. */
export type WirebondTestType = (typeof WIREBOND_TEST_TYPES)[number];

/** The original's pass cut of the `WIREBOND` test (one constant, in the analysis). */
export { LEGACY_MIN_LOAD };

/** Options of {@link buildWirebondRun}. */
export interface WirebondBuildOptions {
  /** `WIREBOND_PULL_TEST` (default) or the original's `WIREBOND`. */
  testType?: WirebondTestType;
  /** Grade code → break mode (default {@link DEFAULT_BREAK_MODE_MAPPING}). */
  mapping?: BreakModeMapping;
  /** Component serial number or code. */
  component?: string | null;
  /** Institution code. */
  institution?: string | null;
  /** Overrides the file's OPERATOR. */
  operator?: string;
  /** Overrides the run number derived from the data. */
  runNumber?: string;
  /** `WIREBOND` only: passed when MIN_LOAD > minLoad (default 15.0, as the original). */
  minLoad?: number;
  /** The date to use instead of the files' DATE/TIME (`--date`). */
  date?: GivenDate;
  /**
   * Accept files without a `Serial Number` for `component` (a mismatch is always refused).
   * Without `component`, serial numbers are only checked to agree.
   */
  allowMissingSerial?: boolean;
}

/** A grade code's pulls with the break mode it maps to. */
export interface GradeSummary extends GroupSummary {
  /** The break mode of the grade code. */
  mode: number;
  /** What the break mode means. */
  modeName: string;
}

/** Everything the wire-bond step found and built. */
export interface WirebondBuild {
  testType: WirebondTestType;
  /** The test run to write and upload. */
  testRun: WirebondPullTestRun | LegacyWirebondRun;
  /** The default output file name: `<component>_<TESTTYPE>_<runNumber>.json`. */
  fileName: string;
  /** The merged parse result (all valid tests). */
  parsed: DageParseResult;
  /** The files read, with their number of valid tests and rejected lines. */
  files: { file: string; tests: number; rejected: number }[];
  /** Count, mean, sample std, min, max of every valid pull's load (g). */
  summary: Summary;
  /** The same per bond group (label), in order of appearance. */
  byLabel: GroupSummary[];
  /** The same per grade code, with the break mode each maps to. */
  byGrade: GradeSummary[];
  /** The mapping used, as one line. */
  mapping: string;
  /** The pass cuts that failed (empty: passed). */
  failedCuts: FailedCut[];
  /** The per-pull cut drawn on the plot (g). */
  threshold: number;
  /** TEST lines left out, with file:line. */
  rejected: Problem[];
  /** Things to check that did not exclude a pull (index gaps, missing header fields, …). */
  warnings: Problem[];
  /** The date of the run and where it came from. */
  date: RunDate;
}

/**
 * Builds the test run of one module from the parse results of its DAGE file(s). Throws
 * ParseError when no file holds a valid TEST line, {@link InputError} when a grade code has no
 * break mode in the mapping (every such code, with the file:line of its first use), when the
 * files' serial numbers are not all `component` (see {@link checkSerials}), and when the date
 * of the first test is not a real date and none is given.
 *
 * @example
 * ```ts
 * import { parseDage } from "../parsers/dage.ts";
 * import { buildWirebondRun } from "./wirebond.ts";
 * const b = buildWirebondRun([parseDage('"LOADUNIT","g"\n"TEST",1,"1",10.5,0.02,"0","r1"\n', "a.csv")],
 *   { component: "20UPGM20000001", institution: "SANDBOX_A", allowMissingSerial: true });
 * b.testRun.testType; // "WIREBOND_PULL_TEST"
 * b.fileName; // "20UPGM20000001_WIREBOND_PULL_TEST_undated-….json"
 * ```
 */
export function buildWirebondRun(
  parts: readonly DageParseResult[],
  opts: WirebondBuildOptions = {},
): WirebondBuild {
  if (parts.length === 0) throw new InputError("no DAGE file given");
  const testType = opts.testType ?? WIREBOND_PULL_TEST;
  const mapping = opts.mapping ?? DEFAULT_BREAK_MODE_MAPPING;
  const unmapped: Problem[] = [];
  const warnings: Problem[] = [];
  for (const p of parts) {
    try {
      breakModesOf(p.tests, mapping, p.file);
    } catch (e) {
      if (!(e instanceof InputError)) throw e;
      unmapped.push(...e.problems);
    }
    if (p.tests.length === 0 && parts.length > 1) {
      warnings.push({ path: p.file, message: "no valid TEST line in this file" });
    }
  }
  if (unmapped.length) {
    throw new InputError("grade codes without a break mode", unmapped, {
      hint: "give a mapping file with --break-modes (known grade codes: " +
        `${Object.keys(mapping.gradeCodes).join(", ")}), e.g. {"gradeCodes": {"1": 0, "2": 1}}`,
    });
  }
  const parsed = requireTests(mergeDage(parts));
  checkSerials(parts, opts.component, { allowMissingSerial: opts.allowMissingSerial });
  warnings.push(...parsed.warnings);
  const date = runDateOf(parsed, opts.date);
  const runNumber = opts.runNumber ??
    dataRunNumber(parsed, {
      mapping,
      minLoad: testType === LEGACY_WIREBOND ? opts.minLoad ?? LEGACY_MIN_LOAD : undefined,
      date: date.parts ?? null,
    });
  const mappingText = describeMapping(mapping);
  let testRun: WirebondPullTestRun | LegacyWirebondRun;
  let failedCuts: FailedCut[];
  let threshold: number;
  if (testType === LEGACY_WIREBOND) {
    const minLoad = opts.minLoad ?? LEGACY_MIN_LOAD;
    testRun = legacyWirebond(parsed, mapping, {
      minLoad,
      component: opts.component ?? null,
      institution: opts.institution ?? null,
      runNumber,
      operator: opts.operator,
      date: opts.date,
    });
    failedCuts = legacyFailedCuts(testRun, minLoad);
    threshold = minLoad;
  } else {
    const outcome = wirebondPullTest(parsed, mapping, {
      component: opts.component ?? null,
      institution: opts.institution ?? null,
      runNumber,
      operator: opts.operator,
      date: opts.date,
    });
    testRun = outcome.testRun;
    failedCuts = outcome.failedCuts;
    threshold = WIREBOND_PULL_CUTS.PULL_STRENGTH_MIN_MIN;
  }
  const modes = mapping.gradeCodes;
  return {
    testType,
    testRun,
    fileName: runFileName(testRun),
    parsed,
    files: parts.map((p) => ({ file: p.file, tests: p.tests.length, rejected: p.errors.length })),
    summary: summarize(parsed.tests.map((t) => t.load)),
    byLabel: breakdown(parsed.tests, "label"),
    byGrade: breakdown(parsed.tests, "gradeCode")
      .sort((a, b) => a.key.localeCompare(b.key, "en", { numeric: true }))
      .map((g) => ({ ...g, mode: modes[g.key], modeName: BREAK_MODE_NAMES[modes[g.key]] })),
    mapping: mappingText,
    failedCuts,
    threshold,
    rejected: parsed.errors,
    warnings,
    date,
  };
}
