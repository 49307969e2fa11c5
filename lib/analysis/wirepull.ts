/**
 * The current pixel module wire-pull test, `WIREBOND_PULL_TEST` at stage `MODULE/WIREBONDING`
 * (SPEC §4, after module-qc-analysis-tools 2.7): results, pass cuts, and the field codes the
 * sandbox catalogue declares.
 *
 * Conventions (as in module-qc-analysis-tools): `WIRE_PULLS` counts every pull, break mode 5
 * included; the strength statistics and `WIRE_BREAKS_5G` use the pulls of modes 0..4 only;
 * the percentages are of `WIRE_PULLS`. `PULL_STRENGTH_ERROR` is the sample standard deviation
 * (n−1), 0 for a single valid pull. The location of a pull is its bond group: the 1-based
 * position of its label among the labels in order of first appearance, listed in the
 * `BOND_GROUPS` property.
 *
 * @module
 */
import type { DageParseResult } from "../parsers/dage_types.ts";
import {
  BREAK_MODE,
  type BreakMode,
  type BreakModeMapping,
  breakModesOf,
  describeMapping,
} from "./break_modes.ts";
import { type GivenDate, runDateOf, runNumber as makeRunNumber } from "./run_number.ts";
import { isoDate } from "../parsers/date.ts";
import { summarize } from "./stats.ts";
import { requireTests } from "../parsers/dage.ts";

/** Code of the test type. */
export const WIREBOND_PULL_TEST = "WIREBOND_PULL_TEST";
/** Stage at which the test is recorded. */
export const WIREBOND_PULL_TEST_STAGE = "MODULE/WIREBONDING";

/** A field of the test type, in the shape of ITkPD field definitions. */
export interface WirepullFieldDefinition {
  code: string;
  name: string;
  dataType: "float" | "integer" | "boolean" | "string";
  valueType: "single" | "array";
  required: boolean;
  /** For a list of rows, the length of each row: 3 for `PULL_STRENGTH_DATA` (triples). */
  arrayDimensions?: number;
  description?: string;
}

/** Property definitions of `WIREBOND_PULL_TEST` (what {@link wirebondPullTest} fills). */
export const WIREBOND_PULL_TEST_PROPERTIES: readonly WirepullFieldDefinition[] = [
  { code: "OPERATOR", name: "Operator", dataType: "string", valueType: "single", required: false },
  {
    code: "MACHINE",
    name: "Pull tester",
    dataType: "string",
    valueType: "single",
    required: false,
    description: 'e.g. "DAGE 4000Plus 20001013" (from the TESTER header)',
  },
  {
    code: "BREAK_MODE_MAPPING",
    name: "Grade code to break mode mapping",
    dataType: "string",
    valueType: "single",
    required: false,
  },
  {
    code: "BOND_GROUPS",
    name: "Bond groups (locations)",
    dataType: "string",
    valueType: "single",
    required: false,
    description: 'location number → DAGE label, e.g. "1=r1 20g; 2=r2 20g"',
  },
];

/** Result (parameter) definitions of `WIREBOND_PULL_TEST`. */
export const WIREBOND_PULL_TEST_RESULTS: readonly WirepullFieldDefinition[] = [
  ["WIRE_PULLS", "Number of wire pulls", "integer"],
  ["PULL_STRENGTH", "Mean pull strength [g]", "float"],
  ["PULL_STRENGTH_ERROR", "Pull strength standard deviation [g]", "float"],
  ["PULL_STRENGTH_MIN", "Minimum pull strength [g]", "float"],
  ["PULL_STRENGTH_MAX", "Maximum pull strength [g]", "float"],
  ["WIRE_BREAKS_5G", "Wire breaks below 5 g", "integer"],
  ["HEEL_BREAKS_ON_FE_CHIP", "Heel breaks on FE chip [%]", "float"],
  ["HEEL_BREAKS_ON_PCB", "Heel breaks on PCB [%]", "float"],
  ["BOND_PEEL", "Bond peels [%]", "float"],
  ["LIFT_OFFS_LESS_THAN_7G", "Bond peels below 7 g [%]", "float"],
  ["DATA_UNAVAILABLE", "Data unavailable", "boolean"],
].map(([code, name, dataType]): WirepullFieldDefinition => ({
  code,
  name,
  dataType: dataType as WirepullFieldDefinition["dataType"],
  valueType: "single",
  required: true,
})).concat([{
  code: "PULL_STRENGTH_DATA",
  name: "Pulls: [strength g, break mode, location]",
  dataType: "float",
  valueType: "array",
  required: false,
  arrayDimensions: 3,
}]);

/** The property codes, in order. */
export const WIREBOND_PULL_TEST_PROPERTY_CODES: readonly string[] = WIREBOND_PULL_TEST_PROPERTIES
  .map((f) => f.code);
/** The result codes, in order. */
export const WIREBOND_PULL_TEST_RESULT_CODES: readonly string[] = WIREBOND_PULL_TEST_RESULTS.map((
  f,
) => f.code);

/** Pass cuts: PULL_STRENGTH ≥ 7.0 g, PULL_STRENGTH_MIN ≥ 4.0 g, LIFT_OFFS_LESS_THAN_7G ≤ 9 %. */
export const WIREBOND_PULL_CUTS = {
  PULL_STRENGTH_MIN_MEAN: 7.0,
  PULL_STRENGTH_MIN_MIN: 4.0,
  LIFT_OFFS_LESS_THAN_7G_MAX: 9,
} as const;

/** One pull in PULL_STRENGTH_DATA: [strength g, break mode, location]. */
export type PullEntry = [strength: number, mode: BreakMode, location: number];

/** The results of `WIREBOND_PULL_TEST`. */
export interface WirebondPullResults {
  WIRE_PULLS: number;
  PULL_STRENGTH: number;
  PULL_STRENGTH_ERROR: number;
  PULL_STRENGTH_MIN: number;
  PULL_STRENGTH_MAX: number;
  WIRE_BREAKS_5G: number;
  HEEL_BREAKS_ON_FE_CHIP: number;
  HEEL_BREAKS_ON_PCB: number;
  BOND_PEEL: number;
  LIFT_OFFS_LESS_THAN_7G: number;
  DATA_UNAVAILABLE: boolean;
  PULL_STRENGTH_DATA: PullEntry[];
}

/** The properties of `WIREBOND_PULL_TEST`. */
export interface WirebondPullProperties {
  OPERATOR: string | null;
  MACHINE: string;
  BREAK_MODE_MAPPING: string;
  BOND_GROUPS: string;
}

/** A test run ready for `uploadTestRunResults`. */
export interface WirebondPullTestRun {
  component: string | null;
  testType: typeof WIREBOND_PULL_TEST;
  institution: string | null;
  runNumber: string;
  date?: string;
  passed: boolean;
  problems: boolean;
  properties: WirebondPullProperties;
  results: WirebondPullResults;
}

/** A pass cut that failed. */
export interface FailedCut {
  /** The result code, e.g. `PULL_STRENGTH`. */
  code: string;
  value: number | boolean;
  /** The requirement, e.g. `>= 7`. */
  requirement: string;
  /**
   * The cut's limit (7 for `PULL_STRENGTH >= 7`, `false` for DATA_UNAVAILABLE); absent when the
   * value is not a finite number (no limit applies: the run cannot pass).
   */
  limit?: number | boolean;
  /** In words, for display and `problems`. */
  message: string;
}

/** What {@link wirebondPullTest} gives: the test run and the failed cuts. */
export interface WirebondPullOutcome {
  testRun: WirebondPullTestRun;
  failedCuts: FailedCut[];
  /** The mapping used, as text (also in `properties.BREAK_MODE_MAPPING`). */
  mapping: string;
}

/** Options of {@link wirebondPullTest}; each overrides what the file says. */
export interface WirebondPullOptions {
  component?: string | null;
  institution?: string | null;
  runNumber?: string;
  /**
   * The date of the run when the file's DATE/TIME is not to be used (`--date`, a manifest
   * column); it also makes the run number. By default the first test's DATE/TIME.
   */
  date?: GivenDate;
  operator?: string;
  machine?: string;
  problems?: boolean;
  /** Accept a file without any valid test (DATA_UNAVAILABLE); by default it is a ParseError. */
  allowEmpty?: boolean;
}

/**
 * Computes the `WIREBOND_PULL_TEST` test run of a parsed DAGE file. Throws ParseError when the
 * file holds no valid test (unless `allowEmpty`), InputError when a grade code is unmapped.
 *
 * @example
 * ```ts ignore
 * const { testRun, failedCuts } = wirebondPullTest(parsed, DEFAULT_BREAK_MODE_MAPPING, {
 *   component: "20UPGM20000001",
 *   institution: "LBNL",
 * });
 * ```
 */
export function wirebondPullTest(
  parsed: DageParseResult,
  mapping: BreakModeMapping,
  opts: WirebondPullOptions = {},
): WirebondPullOutcome {
  if (!opts.allowEmpty) requireTests(parsed);
  const tests = parsed.tests;
  const modes = breakModesOf(tests, mapping, parsed.file);
  const groups = new Map<string, number>();
  const data: PullEntry[] = [];
  const valid: number[] = [];
  let weak = 0, heelChip = 0, heelPcb = 0, peel = 0, liftOff7 = 0;
  for (let i = 0; i < tests.length; i++) {
    const t = tests[i];
    let location = groups.get(t.label);
    if (location === undefined) groups.set(t.label, location = groups.size + 1);
    const mode = modes[i];
    data.push([t.load, mode, location]);
    if (mode === BREAK_MODE.PULL_FAILURE) continue;
    valid.push(t.load);
    if (t.load < 5.0) weak++;
    if (mode === BREAK_MODE.HEEL_BREAK_ON_CHIP) heelChip++;
    else if (mode === BREAK_MODE.HEEL_BREAK_ON_HYBRID) heelPcb++;
    else if (mode === BREAK_MODE.BOND_PEEL_ON_CHIP || mode === BREAK_MODE.BOND_PEEL_ON_HYBRID) {
      peel++;
      if (t.load < 7.0) liftOff7++;
    }
  }
  const n = tests.length;
  const s = summarize(valid);
  const unavailable = valid.length === 0;
  const pct = (k: number) => (n === 0 ? 0 : (k / n) * 100);
  const results: WirebondPullResults = {
    WIRE_PULLS: n,
    PULL_STRENGTH: unavailable ? 0 : s.mean,
    PULL_STRENGTH_ERROR: valid.length < 2 ? 0 : s.std,
    PULL_STRENGTH_MIN: unavailable ? 0 : s.min,
    PULL_STRENGTH_MAX: unavailable ? 0 : s.max,
    WIRE_BREAKS_5G: weak,
    HEEL_BREAKS_ON_FE_CHIP: pct(heelChip),
    HEEL_BREAKS_ON_PCB: pct(heelPcb),
    BOND_PEEL: pct(peel),
    LIFT_OFFS_LESS_THAN_7G: pct(liftOff7),
    DATA_UNAVAILABLE: unavailable,
    PULL_STRENGTH_DATA: data,
  };
  const failedCuts = checkCuts(results);
  const header = tests[0]?.header;
  const mappingText = describeMapping(mapping);
  const date = runDateOf(parsed, opts.date).parts;
  const testRun: WirebondPullTestRun = {
    component: opts.component ?? null,
    testType: WIREBOND_PULL_TEST,
    institution: opts.institution ?? null,
    runNumber: opts.runNumber ?? makeRunNumber(parsed, { mapping, date: date ?? null }),
    date: date ? isoDate(date) : undefined,
    passed: failedCuts.length === 0,
    problems: opts.problems ?? false,
    properties: {
      OPERATOR: opts.operator ?? header?.operator ?? null,
      MACHINE: opts.machine ?? ["DAGE", ...(header?.tester ?? [])].join(" "),
      BREAK_MODE_MAPPING: mappingText,
      BOND_GROUPS: [...groups].map(([label, i]) => `${i}=${label}`).join("; "),
    },
    results,
  };
  if (testRun.date === undefined) delete testRun.date;
  return { testRun, failedCuts, mapping: mappingText };
}

/** The statistics the cuts read: a run where one of them is not a finite number never passes. */
const CUT_STATISTICS = [
  "PULL_STRENGTH",
  "PULL_STRENGTH_ERROR",
  "PULL_STRENGTH_MIN",
  "PULL_STRENGTH_MAX",
  "HEEL_BREAKS_ON_FE_CHIP",
  "HEEL_BREAKS_ON_PCB",
  "BOND_PEEL",
  "LIFT_OFFS_LESS_THAN_7G",
] as const;

/**
 * The pass cuts that `results` fail (empty: passed). A statistic that is not a finite number
 * (an overflowed load) is a failed cut of its own: such a run never passes.
 */
export function checkCuts(results: WirebondPullResults): FailedCut[] {
  const out = notFinite(results, CUT_STATISTICS);
  if (out.length > 0) return out;
  return cutsFailedBy(results);
}

/** A failed cut for each of `codes` whose value in `values` is not a finite number. */
function notFinite<K extends string>(
  values: Readonly<Record<K, number>>,
  codes: readonly K[],
): FailedCut[] {
  const out: FailedCut[] = [];
  for (const code of codes) {
    const value = values[code];
    if (typeof value !== "number" || !Number.isFinite(value)) {
      out.push({
        code,
        value,
        requirement: "a finite number",
        message: `${code} is ${value}, not a finite number: the run cannot pass`,
      });
    }
  }
  return out;
}

/** The values the pass cuts read (e.g. of a run read back from ITkPD). */
export type CutValues =
  & Pick<WirebondPullResults, "PULL_STRENGTH" | "PULL_STRENGTH_MIN" | "LIFT_OFFS_LESS_THAN_7G">
  & { DATA_UNAVAILABLE?: boolean };

/**
 * The pass cuts that these values fail (empty: passed); a cut value that is not a finite number
 * fails its cut. {@link checkCuts} checks every statistic of a run first, then these.
 *
 * @example
 * ```ts
 * import { cutsFailedBy } from "./wirepull.ts";
 * cutsFailedBy({ PULL_STRENGTH: 8.7, PULL_STRENGTH_MIN: 3.9, LIFT_OFFS_LESS_THAN_7G: 0 })
 *   .map((c) => c.code); // ["PULL_STRENGTH_MIN"]
 * ```
 */
export function cutsFailedBy(results: CutValues): FailedCut[] {
  const out = notFinite(results, ["PULL_STRENGTH", "PULL_STRENGTH_MIN", "LIFT_OFFS_LESS_THAN_7G"]);
  if (out.length > 0) return out;
  if (results.DATA_UNAVAILABLE) {
    out.push({
      code: "DATA_UNAVAILABLE",
      value: true,
      requirement: "false",
      limit: false,
      message: "no valid pull (every pull is missing or of break mode 5)",
    });
    return out;
  }
  const c = WIREBOND_PULL_CUTS;
  if (!(results.PULL_STRENGTH >= c.PULL_STRENGTH_MIN_MEAN)) {
    out.push({
      code: "PULL_STRENGTH",
      value: results.PULL_STRENGTH,
      requirement: `>= ${c.PULL_STRENGTH_MIN_MEAN}`,
      limit: c.PULL_STRENGTH_MIN_MEAN,
      message: `mean pull strength ${results.PULL_STRENGTH.toFixed(3)} g is below ` +
        `${c.PULL_STRENGTH_MIN_MEAN} g`,
    });
  }
  if (!(results.PULL_STRENGTH_MIN >= c.PULL_STRENGTH_MIN_MIN)) {
    out.push({
      code: "PULL_STRENGTH_MIN",
      value: results.PULL_STRENGTH_MIN,
      requirement: `>= ${c.PULL_STRENGTH_MIN_MIN}`,
      limit: c.PULL_STRENGTH_MIN_MIN,
      message: `minimum pull strength ${results.PULL_STRENGTH_MIN.toFixed(3)} g is below ` +
        `${c.PULL_STRENGTH_MIN_MIN} g`,
    });
  }
  if (!(results.LIFT_OFFS_LESS_THAN_7G <= c.LIFT_OFFS_LESS_THAN_7G_MAX)) {
    out.push({
      code: "LIFT_OFFS_LESS_THAN_7G",
      value: results.LIFT_OFFS_LESS_THAN_7G,
      requirement: `<= ${c.LIFT_OFFS_LESS_THAN_7G_MAX}`,
      limit: c.LIFT_OFFS_LESS_THAN_7G_MAX,
      message: `${results.LIFT_OFFS_LESS_THAN_7G.toFixed(1)} % of pulls are bond peels below ` +
        `7 g (at most ${c.LIFT_OFFS_LESS_THAN_7G_MAX} %)`,
    });
  }
  return out;
}
