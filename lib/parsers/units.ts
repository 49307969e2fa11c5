/**
 * Force units of DAGE files and their conversion to grams (gram-force), the unit of every
 * wire-pull result. 1 g = 9.80665 mN (standard gravity).
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
  const grams = GRAMS_PER_UNIT[key];
  if (grams !== undefined) return value * grams;
  const mN = MILLINEWTONS_PER_UNIT[key];
  if (mN !== undefined) return (value * mN) / STANDARD_GRAVITY;
  return undefined;
}
