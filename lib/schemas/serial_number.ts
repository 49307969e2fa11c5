/**
 * The shape of an ITkPD serial number, as a plain pattern: apart from the zod schemas of
 * `component.ts` so that the steps that only check a serial number never load zod.
 *
 * @module
 */

/**
 * Serial number rule: `20U` + subproject code + component identifier + 7 digits.
 *
 * @example
 * ```ts
 * import { SERIAL_NUMBER_PATTERN } from "./serial_number.ts";
 * SERIAL_NUMBER_PATTERN.test("20UPGM20000001"); // true
 * ```
 */
export const SERIAL_NUMBER_PATTERN = /^20U[A-Z0-9]{2}[A-Z0-9]{2}\d{7}$/;

/**
 * A serial number typed in another case, written as the database writes it (upper case):
 * `20upgm20000001` → `20UPGM20000001`. Anything else (a component code, a serial number
 * already upper case, text that is no serial number) is answered unchanged.
 *
 * @example
 * ```ts
 * import { upperSerial } from "./serial_number.ts";
 * upperSerial("20upgm20000001"); // "20UPGM20000001"
 * upperSerial("5a3f0c1e9b7d4e2f8a6c1b3d5e7f9a0b"); // unchanged: a component code
 * ```
 */
export function upperSerial(text: string): string {
  const upper = text.trim().toUpperCase();
  return upper !== text && SERIAL_NUMBER_PATTERN.test(upper) ? upper : text;
}

/**
 * Why `text`, which looks meant as a serial number (it starts with `20U` in any case), is not
 * one; `undefined` when it is one or does not look meant as one.
 *
 * @example
 * ```ts
 * import { serialNumberProblem } from "./serial_number.ts";
 * serialNumberProblem("20UPGM2000001");
 * // "it has 13 characters where a serial number has 14: 20U, subproject, type, 7 digits"
 * ```
 */
export function serialNumberProblem(text: string): string | undefined {
  const t = text.trim().toUpperCase();
  if (!t.startsWith("20U") || SERIAL_NUMBER_PATTERN.test(t)) return undefined;
  if (t.length !== 14) {
    return `it has ${t.length} characters where a serial number has 14: 20U, subproject, type, ` +
      "7 digits";
  }
  return "it is not of the form 20U, subproject, type, 7 digits";
}
