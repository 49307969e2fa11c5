/**
 * Serial numbers: `20U` + subproject code + the type's component identifier + 7 digits
 * (14 characters, e.g. `20UPGM22110394`). Users type the last 7 digits.
 *
 * @module
 */
import type { ComponentType } from "../schemas/catalogue.ts";
import type { ComponentTypeVariant } from "./catalogue.ts";

/** Whether a type's components need, may have, or do not take a serial number from the user. */
export type SerialRule = "required" | "optional" | "automatic";

/**
 * The serial-number rule of a component type: `required` when `snRequired`; `automatic` when the
 * service assigns it; else `optional` when the type has a component identifier.
 */
export function serialRule(ct: ComponentType, variant: ComponentTypeVariant): SerialRule {
  if (ct.snRequired) return "required";
  if (ct.snAutomatically) return "automatic";
  return identifierOf(ct, variant) ? "optional" : "automatic";
}

/** The 2-character component identifier of a type (the type's own, else the component type's). */
export function identifierOf(ct: ComponentType, variant: ComponentTypeVariant): string {
  return variant.snComponentIdentifier ?? ct.snComponentIdentifier ?? "";
}

/**
 * The fixed start of a serial number: `20U` + subproject + identifier.
 *
 * @example
 * ```ts
 * import { serialPrefix } from "./serial.ts";
 * serialPrefix("PG", "M2"); // "20UPGM2"
 * ```
 */
export function serialPrefix(subproject: string, identifier: string): string {
  return `20U${subproject}${identifier}`;
}

/** A serial number built from what the user typed, or why it cannot be. */
export type SerialResult = { ok: true; serial: string } | { ok: false; reason: string };

/**
 * Builds the serial number from the last 7 digits (or checks a full serial number typed in).
 *
 * @example
 * ```ts
 * import { buildSerial } from "./serial.ts";
 * buildSerial("20UPGM2", "0000123"); // { ok: true, serial: "20UPGM20000123" }
 * buildSerial("20UPGM2", "123"); // { ok: false, reason: "…7 digits…" }
 * ```
 */
export function buildSerial(prefix: string, typed: string): SerialResult {
  const text = typed.trim().toUpperCase();
  if (/^\d{7}$/.test(text)) return { ok: true, serial: prefix + text };
  if (text.startsWith("20U")) {
    if (new RegExp(`^${prefix}\\d{7}$`).test(text)) return { ok: true, serial: text };
    return {
      ok: false,
      reason: `a serial number here is ${prefix} followed by 7 digits, got ${text}`,
    };
  }
  return {
    ok: false,
    reason: `type the last 7 digits of the serial number (${prefix}nnnnnnn), got ${
      text === "" ? "nothing" : `'${typed.trim()}'`
    }`,
  };
}
