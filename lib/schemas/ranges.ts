/**
 * Physical ranges of the numbers this toolkit reads and writes: a value outside its range is a
 * corrupted or mistyped value (a unit slip, an overflow), refused with its place, never
 * uploaded. The ranges are wide on purpose: they catch the absurd, not the unusual.
 *
 * | quantity | range | why |
 * | --- | --- | --- |
 * | wire-pull load (after unit conversion) | 0 … 100,000 g | no pull-tester cartridge measures more than 100 kg |
 * | DAGE second value (beside the load) | −10⁶ … 10⁶ | its meaning is not documented; beyond this it is an overflow |
 * | TESTSPEED | 0 … 10⁶ um/s | 1 m/s; DAGE pulls at a few hundred um/s |
 * | TESTLOAD, MAXTESTLOAD | 0 … 100,000 g | as loads |
 * | FALLBACK | 0 … 100 % | a percentage |
 * | IV voltage | −10,000 … 10,000 V | sensors are biased at a few hundred volts |
 * | IV current | −10⁶ … 10⁶ µA | ±1 A; sensor currents are µA or less |
 * | IV standard error of the mean | 0 … 10⁶ µA | |
 * | IV temperature | −100 … 100 °C | sensors are tested from about −45 °C to room temperature; a value in K is a slip |
 * | IV relative humidity | 0 … 100 % | a percentage |
 * | percentages of a run (heel breaks, bond peels, …) | 0 … 100 | |
 * | counts of a run (pulls, breaks) | whole numbers 0 … 1,000,000 | |
 * | any other number of a test run | −10¹⁸ … 10¹⁸ | beyond any measured quantity in ITk units |
 *
 * @module
 */

/** A range of values: `[min, max]`, optionally whole numbers only. */
export interface PhysicalRange {
  min: number;
  max: number;
  integer?: boolean;
  /** Unit shown in messages. */
  unit?: string;
}

/** Loads in grams: 0 … 100 kg. */
export const LOAD_RANGE: PhysicalRange = { min: 0, max: 100_000, unit: "g" };
/** The second number of a DAGE TEST line. */
export const SECOND_VALUE_RANGE: PhysicalRange = { min: -1e6, max: 1e6 };
/** DAGE TESTSPEED in um/s. */
export const SPEED_RANGE: PhysicalRange = { min: 0, max: 1e6, unit: "um/s" };
/** Percentages. */
export const PERCENT_RANGE: PhysicalRange = { min: 0, max: 100, unit: "%" };
/** IV voltages in V. */
export const VOLTAGE_RANGE: PhysicalRange = { min: -10_000, max: 10_000, unit: "V" };
/** IV currents in µA. */
export const CURRENT_RANGE: PhysicalRange = { min: -1e6, max: 1e6, unit: "uA" };
/** IV standard errors in µA. */
export const SEM_RANGE: PhysicalRange = { min: 0, max: 1e6, unit: "uA" };
/** Temperatures of a measurement in °C (IV_MEASURE TEMP). */
export const TEMPERATURE_RANGE: PhysicalRange = { min: -100, max: 100, unit: "C" };
/** Relative humidity in % (IV_MEASURE HUMIDITY). */
export const HUMIDITY_RANGE: PhysicalRange = { min: 0, max: 100, unit: "%" };
/** Counts in a run. */
export const COUNT_RANGE: PhysicalRange = { min: 0, max: 1_000_000, integer: true };
/** Any number of a test run whose field has no range of its own. */
export const ANY_NUMBER_RANGE: PhysicalRange = { min: -1e18, max: 1e18 };

/**
 * Ranges of the fields of the test types this toolkit writes, by test type and
 * `properties.CODE` / `results.CODE`; a `[k]` suffix is the range of element k of each row of a
 * list of rows (`PULL_STRENGTH_DATA` rows are [strength, break mode, location]).
 */
export const FIELD_RANGES: Readonly<Record<string, Readonly<Record<string, PhysicalRange>>>> = {
  WIREBOND_PULL_TEST: {
    "results.WIRE_PULLS": COUNT_RANGE,
    "results.PULL_STRENGTH": LOAD_RANGE,
    "results.PULL_STRENGTH_ERROR": LOAD_RANGE,
    "results.PULL_STRENGTH_MIN": LOAD_RANGE,
    "results.PULL_STRENGTH_MAX": LOAD_RANGE,
    "results.WIRE_BREAKS_5G": COUNT_RANGE,
    "results.HEEL_BREAKS_ON_FE_CHIP": PERCENT_RANGE,
    "results.HEEL_BREAKS_ON_PCB": PERCENT_RANGE,
    "results.BOND_PEEL": PERCENT_RANGE,
    "results.LIFT_OFFS_LESS_THAN_7G": PERCENT_RANGE,
    "results.PULL_STRENGTH_DATA[0]": LOAD_RANGE,
    "results.PULL_STRENGTH_DATA[1]": { min: 0, max: 5, integer: true },
    "results.PULL_STRENGTH_DATA[2]": { min: 1, max: 1_000_000, integer: true },
  },
  WIREBOND: {
    "properties.LOAD": LOAD_RANGE,
    "properties.SPEED": SPEED_RANGE,
    "properties.SHEAR": LOAD_RANGE,
    "results.PERCENT_HEEL_BREAKS": PERCENT_RANGE,
    "results.MEAN_LOAD": LOAD_RANGE,
    "results.STD_DEV_LOAD": LOAD_RANGE,
    "results.MAX_LOAD": LOAD_RANGE,
    "results.MIN_LOAD": LOAD_RANGE,
  },
  IV_MEASURE: {
    "properties.TEMP": TEMPERATURE_RANGE,
    "properties.HUMIDITY": HUMIDITY_RANGE,
    "results.VOLTAGE": VOLTAGE_RANGE,
    "results.CURRENT": CURRENT_RANGE,
    "results.SIGMA_CURRENT": SEM_RANGE,
  },
};

/**
 * True when `value` is a finite number inside `range` (whole, when the range says so): exactly
 * when {@link rangeProblem} has nothing to say. The check of the hot paths (parsers, the guard),
 * which make no message for the values that pass.
 *
 * @example
 * ```ts
 * import { inRange, LOAD_RANGE } from "./ranges.ts";
 * inRange(8.7, LOAD_RANGE); // true
 * inRange(NaN, LOAD_RANGE); // false
 * ```
 */
export function inRange(value: number, range: PhysicalRange): boolean {
  return value >= range.min && value <= range.max && Number.isFinite(value) &&
    (range.integer !== true || Number.isInteger(value));
}

/**
 * Why `value` is outside `range` (or not a finite number), or `undefined` when it is inside.
 *
 * @example
 * ```ts
 * import { LOAD_RANGE, rangeProblem } from "./ranges.ts";
 * rangeProblem(8.7, LOAD_RANGE); // undefined
 * rangeProblem(-1, LOAD_RANGE); // "-1 is outside 0 … 100000 g"
 * rangeProblem(Infinity, LOAD_RANGE); // "Infinity is not a finite number"
 * ```
 */
export function rangeProblem(value: number, range: PhysicalRange): string | undefined {
  // One rule, inRange's: this only says why a value fails it.
  if (inRange(value, range)) return undefined;
  if (!Number.isFinite(value)) return `${value} is not a finite number`;
  if (range.integer && !Number.isInteger(value)) return `${value} is not a whole number`;
  return `${value} is outside ${range.min} … ${range.max}${range.unit ? ` ${range.unit}` : ""}`;
}
