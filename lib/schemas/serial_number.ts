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
