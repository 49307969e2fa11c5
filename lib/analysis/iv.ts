/**
 * IV curve → test-run results: `VOLTAGE` in volts and `CURRENT` in microamperes, converted
 * from the units of the table's header.
 *
 * @module
 */
import { InputError, type Problem } from "../errors.ts";
import type { IvParseResult } from "../parsers/iv.ts";
import { type DateTimeParts, isoDate } from "../parsers/date.ts";
import { ivConditions, type IvConditionsGiven } from "./iv_conditions.ts";
import { datedRunNumber } from "./run_number.ts";
import { IV_TEST_TYPE } from "./iv_test_type.ts";
import {
  KNOWN_CURRENT_UNITS,
  KNOWN_VOLTAGE_UNITS,
  microampsPer,
  voltsPer,
} from "../parsers/units.ts";
import { fnv1a, FNV_OFFSET, hashHex } from "./_fnv.ts";
import {
  CURRENT_RANGE,
  type PhysicalRange,
  rangeProblem,
  SEM_RANGE,
  VOLTAGE_RANGE,
} from "../schemas/ranges.ts";

/** The results of an IV test run: voltages in V and currents in µA, same order as the table. */
export interface IvResults {
  VOLTAGE: number[];
  CURRENT: number[];
}

/** The units of {@link IvResults}: always V and µA (written `uA`). */
export const IV_RESULT_UNITS = { VOLTAGE: "V", CURRENT: "uA" } as const;

/**
 * The `VOLTAGE` (V) and `CURRENT` (µA) arrays of an IV table, converted from the header's units
 * (V, mV, kV; A, mA, uA/µA, nA, pA). Throws {@link InputError} for any other unit.
 *
 * @example
 * ```ts
 * import { parseIv } from "../parsers/iv.ts";
 * import { ivResults } from "./iv.ts";
 * ivResults(parseIv("U[V] I[nA]\n-2 -150\n", "iv.txt")); // { VOLTAGE: [-2], CURRENT: [-0.15] }
 * ```
 */
export function ivResults(parsed: IvParseResult): IvResults {
  const v = voltsPer(parsed.units.voltage);
  const i = microampsPer(parsed.units.current);
  const problems = [];
  if (v === undefined) {
    problems.push({
      path: `${parsed.file}:${parsed.headerLine}`,
      message: `voltage unit ${JSON.stringify(parsed.units.voltage)} unknown (${
        KNOWN_VOLTAGE_UNITS.join(", ")
      })`,
    });
  }
  if (i === undefined) {
    problems.push({
      path: `${parsed.file}:${parsed.headerLine}`,
      message: `current unit ${JSON.stringify(parsed.units.current)} unknown (${
        KNOWN_CURRENT_UNITS.join(", ")
      })`,
    });
  }
  if (v === undefined || i === undefined) {
    throw new InputError(`${parsed.file}: IV units cannot be converted`, problems);
  }
  const out = {
    VOLTAGE: v === 1 ? [...parsed.voltage] : parsed.voltage.map((x) => x * v),
    CURRENT: i === 1 ? [...parsed.current] : parsed.current.map((x) => x * i),
  };
  requireInRange(parsed, [["U", out.VOLTAGE, VOLTAGE_RANGE], ["I", out.CURRENT, CURRENT_RANGE]]);
  return out;
}

/**
 * Throws {@link InputError} listing every row (file:line) whose converted value is outside
 * its physical range (`lib/schemas/ranges.ts`): such a file is refused, not uploaded.
 */
function requireInRange(
  parsed: IvParseResult,
  columns: [string, readonly number[], PhysicalRange][],
): void {
  const problems: Problem[] = [];
  for (const [name, values, range] of columns) {
    values.forEach((x, k) => {
      const bad = rangeProblem(x, range);
      if (bad && problems.length < 100) {
        problems.push({ path: `${parsed.file}:${parsed.lines[k]}`, message: `${name}: ${bad}` });
      }
    });
  }
  if (problems.length > 0) {
    throw new InputError(`${parsed.file}: IV values outside their physical range`, problems, {
      hint: "check the units in the header and the values of these rows",
    });
  }
}

export { IV_TEST_TYPE } from "./iv_test_type.ts";

/**
 * Options of {@link ivTestRun}; each overrides the default. `operator`, `temperature` (°C) and
 * `humidity` (%) override the file's header ({@link ivConditions}); `date` is the date of the
 * run (an IV table has none), which also dates its run number.
 */
export interface IvTestRunOptions extends Omit<IvConditionsGiven, "from"> {
  component?: string | null;
  institution?: string | null;
  testType?: string;
  runNumber?: string;
  date?: DateTimeParts;
  problems?: boolean;
  /** Where the conditions were given, for messages (default: the flags). */
  conditionsFrom?: IvConditionsGiven["from"];
}

/** An IV test run, ready for `uploadTestRunResults` once component and institution are set. */
export interface IvTestRun {
  component: string | null;
  testType: string;
  institution: string | null;
  runNumber: string;
  date?: string;
  passed: boolean;
  problems: boolean;
  properties: Record<string, unknown>;
  results: { VOLTAGE: number[]; CURRENT: number[]; SIGMA_CURRENT?: number[] };
}

/**
 * The run number of an IV table, dated as the wire-pull runs are (`run_number.ts`):
 * `YYYYMMDD-HHMMSS-<hash>` with the date of the run, `iv-<hash>` without one; the hash
 * (FNV-1a) is of the table's values and units, so re-running on the same file with the same
 * date gives the same run number.
 *
 * @example
 * ```ts
 * import { parseIv } from "../parsers/iv.ts";
 * import { ivRunNumber } from "./iv.ts";
 * const parsed = parseIv("U[V] I[uA]\n-2 -0.1\n", "iv.txt");
 * ivRunNumber(parsed).startsWith("iv-"); // true
 * ivRunNumber(parsed, { year: 2024, month: 5, day: 17, hour: 10, minute: 0, second: 0 })
 *   .startsWith("20240517-100000-"); // true
 * ```
 */
export function ivRunNumber(parsed: IvParseResult, date?: DateTimeParts): string {
  const s = `${parsed.units.voltage},${parsed.units.current};` +
    parsed.voltage.map((v, k) => `${v},${parsed.current[k]},${parsed.sem[k] ?? ""}`).join(";");
  return datedRunNumber(date, hashHex(fnv1a(FNV_OFFSET, s)), "iv");
}

/**
 * The IV test run of a parsed table: `VOLTAGE` (V), `CURRENT` (µA) and, when the table has a
 * third column, `SIGMA_CURRENT` (µA); the properties `OPERATOR`, `TEMP` (°C) and `HUMIDITY` (%)
 * from the options or the file's header. `passed` is true: the IV table carries no pass
 * criterion.
 *
 * @example
 * ```ts
 * import { parseIv } from "../parsers/iv.ts";
 * import { ivTestRun } from "./iv.ts";
 * ivTestRun(parseIv("U[V] Imean[uA]\n-2 -0.1\n", "iv.txt")).results.VOLTAGE; // [-2]
 * ```
 */
export function ivTestRun(parsed: IvParseResult, opts: IvTestRunOptions = {}): IvTestRun {
  const { VOLTAGE, CURRENT } = ivResults(parsed);
  const results: IvTestRun["results"] = { VOLTAGE, CURRENT };
  if (parsed.sem.length === parsed.voltage.length && parsed.sem.length > 0) {
    const scale = microampsPer(parsed.units.sem ?? parsed.units.current);
    if (scale === undefined) {
      throw new InputError(`${parsed.file}: IV units cannot be converted`, [{
        path: `${parsed.file}:${parsed.headerLine}`,
        message: `Isem unit ${JSON.stringify(parsed.units.sem)} unknown (${
          KNOWN_CURRENT_UNITS.join(", ")
        })`,
      }]);
    }
    results.SIGMA_CURRENT = parsed.sem.map((x) => x * scale);
    requireInRange(parsed, [["Isem", results.SIGMA_CURRENT, SEM_RANGE]]);
  }
  const { conditions } = ivConditions(parsed, {
    operator: opts.operator,
    temperature: opts.temperature,
    humidity: opts.humidity,
    from: opts.conditionsFrom,
  });
  const properties: Record<string, unknown> = {};
  if (conditions.temperature) properties.TEMP = conditions.temperature.value;
  if (conditions.humidity) properties.HUMIDITY = conditions.humidity.value;
  if (conditions.operator) properties.OPERATOR = conditions.operator.value;
  const run: IvTestRun = {
    component: opts.component ?? null,
    testType: opts.testType ?? IV_TEST_TYPE,
    institution: opts.institution ?? null,
    runNumber: opts.runNumber ?? ivRunNumber(parsed, opts.date),
    passed: true,
    problems: opts.problems ?? false,
    properties,
    results,
  };
  if (opts.date) run.date = isoDate(opts.date);
  return run;
}
