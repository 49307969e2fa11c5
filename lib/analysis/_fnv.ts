/**
 * FNV-1a, 32 bit: the hash of the run numbers derived from data (DAGE pulls, IV tables). Stable
 * across runs and platforms; not for security.
 *
 * @module
 */

/** The FNV-1a (32 bit) offset basis: the hash of nothing. */
export const FNV_OFFSET = 0x811c9dc5;

/** The FNV-1a (32 bit) prime: one step is `h = Math.imul(h ^ unit, FNV_PRIME)`. */
export const FNV_PRIME = 0x01000193;

/** FNV-1a (32 bit) of the UTF-16 code units of `text`, continuing from `hash`. */
export function fnv1a(hash: number, text: string): number {
  let h = hash;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, FNV_PRIME);
  }
  return h;
}

/** A 32-bit hash as 8 lower-case hex digits. */
export function hashHex(hash: number): string {
  return (hash >>> 0).toString(16).padStart(8, "0");
}
