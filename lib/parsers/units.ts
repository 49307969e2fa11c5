/**
 * The units of the data files and their conversions (one table each): the force units of DAGE
 * files to grams (gram-force), the unit of every wire-pull result, 1 g = 9.80665 mN (standard
 * gravity); the voltage and current units of IV tables to volts and microamperes.
 *
 * @module
 */

/** Standard gravity: newtons per kilogram-force, so 1 g = 9.80665 mN. */
export const STANDARD_GRAVITY = 9.80665;

/** Grams per unit, for the mass-like units (gram-force and friends). */
const GRAMS_PER_UNIT: Record<string, number> = {
  g: 1,
  gf: 1,
  mg: 0.001,
  kg: 1000,
  kgf: 1000,
};

/** Millinewtons per unit, for the force units (converted through standard gravity). */
const MILLINEWTONS_PER_UNIT: Record<string, number> = {
  mn: 1,
  cn: 10,
  n: 1000,
};

/** The load units {@link forceToGrams} knows, for messages. */
export const KNOWN_FORCE_UNITS: readonly string[] = ["g", "gf", "mg", "kg", "kgf", "mN", "cN", "N"];

/**
 * Converts a load to grams; `undefined` when the unit is unknown (never guessed).
 * Units are matched without regard to case and surrounding spaces.
 *
 * @example
 * ```ts
 * import { forceToGrams } from "./units.ts";
 * forceToGrams(9.80665, "mN"); // 1
 * forceToGrams(3, "furlong"); // undefined
 * ```
 */
export function forceToGrams(value: number, unit: string): number | undefined {
  const u = unit.trim();
  if (u === "g") return value;
  const key = u.toLowerCase();
  if (Object.hasOwn(GRAMS_PER_UNIT, key)) return value * GRAMS_PER_UNIT[key];
  if (Object.hasOwn(MILLINEWTONS_PER_UNIT, key)) {
    return (value * MILLINEWTONS_PER_UNIT[key]) / STANDARD_GRAVITY;
  }
  return undefined;
}

/** Volts per unit of an IV table's voltage column (as written: `mV` is not `MV`). */
const VOLTS_PER_UNIT: Readonly<Record<string, number>> = { V: 1, mV: 1e-3, kV: 1e3 };

/** Microamperes per unit of an IV table's current columns (`uA`, `µA` and `μA` alike). */
const MICROAMPS_PER_UNIT: Readonly<Record<string, number>> = {
  A: 1e6,
  mA: 1e3,
  uA: 1,
  "µA": 1,
  "μA": 1,
  nA: 1e-3,
  pA: 1e-6,
};

/** The voltage units {@link voltsPer} knows, for messages. */
export const KNOWN_VOLTAGE_UNITS: readonly string[] = ["V", "mV", "kV"];
/** The current units {@link microampsPer} knows, for messages (`µA` is `uA`). */
export const KNOWN_CURRENT_UNITS: readonly string[] = ["A", "mA", "uA", "nA", "pA"];

/**
 * Volts in one `unit` of an IV table's voltage, or `undefined` when the unit is unknown
 * (matched as written).
 *
 * @example
 * ```ts
 * import { voltsPer } from "./units.ts";
 * voltsPer("mV"); // 0.001
 * voltsPer("MV"); // undefined
 * ```
 */
export function voltsPer(unit: string): number | undefined {
  return Object.hasOwn(VOLTS_PER_UNIT, unit) ? VOLTS_PER_UNIT[unit] : undefined;
}

/**
 * Microamperes in one `unit` of an IV table's current, or `undefined` when the unit is unknown
 * (matched as written).
 *
 * @example
 * ```ts
 * import { microampsPer } from "./units.ts";
 * microampsPer("nA"); // 0.001
 * microampsPer("fA"); // undefined
 * ```
 */
export function microampsPer(unit: string): number | undefined {
  return Object.hasOwn(MICROAMPS_PER_UNIT, unit) ? MICROAMPS_PER_UNIT[unit] : undefined;
}
