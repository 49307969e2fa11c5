/**
 * The original script's `WIREBOND` test run (obsolete test type, kept for the original step 5),
 * with the same values as the original for the same file, and PERCENT_HEEL_BREAKS computed
 * from the break-mode mapping instead of the original's hard-coded 0.
 *
 * @module
 */
import type { DageParseResult } from "../parsers/dage_types.ts";
import { requireTests } from "../parsers/dage.ts";
import { forceToGrams } from "../parsers/units.ts";
import { BREAK_MODE, type BreakModeMapping, breakModesOf } from "./break_modes.ts";
import {
  type GivenDate,
  LEGACY_MIN_LOAD,
  runDateOf,
  runNumber as makeRunNumber,
} from "./run_number.ts";
import { InputError } from "../errors.ts";
import { summarize } from "./stats.ts";
import type { FailedCut } from "./wirepull.ts";

/** The original's output (`prototype_WIREBOND_DAGE.json`), same keys. */
export interface LegacyWirebondRun {
  component: string | null;
  testType: "WIREBOND";
  institution: string | null;
  runNumber: string;
  passed: boolean;
  problems: boolean;
  properties: { MACHINE: "DAGE"; LOAD: number; OPERATOR: string; SPEED: number; SHEAR: number };
  results: {
    PERCENT_HEEL_BREAKS: number;
    MEAN_LOAD: number;
    STD_DEV_LOAD: number;
    MAX_LOAD: number;
    MIN_LOAD: number;
  };
}

/** Options of {@link legacyWirebond}. */
export interface LegacyWirebondOptions {
  /** `passed` when MIN_LOAD > minLoad (default {@link LEGACY_MIN_LOAD}, the original's). */
  minLoad?: number;
  component?: string | null;
  institution?: string | null;
  runNumber?: string;
  /** Overrides the file's OPERATOR. */
  operator?: string;
  /** The date that makes the run number instead of the file's DATE/TIME (`--date`). */
  date?: GivenDate;
}

/**
 * The `WIREBOND` test run of a parsed DAGE file, as the original script wrote it: LOAD =
 * TESTLOAD (in g), SPEED = TESTSPEED, OPERATOR from the file, SHEAR 0; MEAN_LOAD, STD_DEV_LOAD
 * (n−1), MAX_LOAD, MIN_LOAD over every valid pull (like the original, break mode 5 included);
 * PERCENT_HEEL_BREAKS = pulls of break mode 1 or 2 / all pulls × 100; `passed` when
 * MIN_LOAD > `minLoad`. Header values are those of the first test's header block.
 *
 * @example
 * ```ts ignore
 * legacyWirebond(parsed, DEFAULT_BREAK_MODE_MAPPING).results.MEAN_LOAD; // 8.7026…
 * ```
 */
export function legacyWirebond(
  parsed: DageParseResult,
  mapping: BreakModeMapping,
  opts: LegacyWirebondOptions = {},
): LegacyWirebondRun {
  const { tests } = requireTests(parsed);
  const modes = breakModesOf(tests, mapping, parsed.file);
  const s = summarize(tests.map((t) => t.load));
  const heel =
    modes.filter((m) =>
      m === BREAK_MODE.HEEL_BREAK_ON_HYBRID || m === BREAK_MODE.HEEL_BREAK_ON_CHIP
    )
      .length;
  const header = tests[0].header;
  const load = header.testLoad;
  const minLoad = opts.minLoad ?? LEGACY_MIN_LOAD;
  // A TESTLOAD or TESTSPEED that is there but refused (not a number, out of range) is not
  // replaced by 0: the run would carry a made-up value.
  for (const [key, value] of [["TESTLOAD", load], ["TESTSPEED", header.testSpeed]] as const) {
    if (value === undefined && header.fields[key] !== undefined) {
      throw new InputError(
        `${parsed.file}:${header.fieldLines[key] ?? header.line}: the ${key} value ` +
          `${
            JSON.stringify(header.fields[key][0] ?? "")
          } is refused, and the WIREBOND run needs it`,
        [],
        { hint: "fix the header line" },
      );
    }
  }
  const finite = [s.mean, s.min, s.max].every(Number.isFinite);
  const date = runDateOf(parsed, opts.date).parts;
  return {
    component: opts.component ?? null,
    testType: "WIREBOND",
    institution: opts.institution ?? null,
    runNumber: opts.runNumber ?? makeRunNumber(parsed, { mapping, minLoad, date: date ?? null }),
    // Never passed when a statistic is not a finite number (an overflowed load).
    passed: finite && s.min > minLoad,
    problems: false,
    properties: {
      MACHINE: "DAGE",
      LOAD: load ? forceToGrams(load.value, load.unit) ?? load.value : 0,
      OPERATOR: opts.operator ?? header.operator ?? "",
      SPEED: header.testSpeed?.value ?? 0,
      SHEAR: 0,
    },
    results: {
      PERCENT_HEEL_BREAKS: (heel / tests.length) * 100,
      MEAN_LOAD: s.mean,
      STD_DEV_LOAD: Number.isNaN(s.std) ? 0 : s.std,
      MAX_LOAD: s.max,
      MIN_LOAD: s.min,
    },
  };
}

/**
 * The pass rule of a `WIREBOND` run that failed it, as a failed cut (empty when the run passed):
 * MIN_LOAD must be above `minLoad` (default {@link LEGACY_MIN_LOAD}).
 *
 * @example
 * ```ts
 * import { legacyFailedCuts } from "./legacy_wirebond.ts";
 * legacyFailedCuts({ passed: false, results: { MIN_LOAD: 12.5 } }, 15)[0].limit; // 15
 * ```
 */
export function legacyFailedCuts(
  run: { passed: boolean; results: { MIN_LOAD: number } },
  minLoad: number = LEGACY_MIN_LOAD,
): FailedCut[] {
  if (run.passed) return [];
  const min = run.results.MIN_LOAD;
  if (!Number.isFinite(min)) {
    return [{
      code: "MIN_LOAD",
      value: min,
      requirement: "a finite number",
      message: `MIN_LOAD is ${min}, not a finite number: the run cannot pass`,
    }];
  }
  return [{
    code: "MIN_LOAD",
    value: min,
    requirement: `> ${minLoad}`,
    limit: minLoad,
    message: `minimum load ${min} g is not above ${minLoad} g (--min-load)`,
  }];
}
