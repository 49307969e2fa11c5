/**
 * "Did you mean …?": the known name closest to a mistyped one, by edit distance. Used for flags,
 * test type codes, institution codes and keys of a test-run file.
 *
 * @module
 */

/**
 * The known name closest to `name`, if it is close enough to be a typo.
 *
 * @example
 * ```ts
 * import { suggest } from "./suggest.ts";
 * suggest("SANDBOX_8", ["SANDBOX_A", "SANDBOX_B"]); // "SANDBOX_A"
 * ```
 */
export function suggest(name: string, known: string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const k of known) {
    const d = editDistance(name, k);
    if (d < bestDistance) [best, bestDistance] = [k, d];
  }
  return bestDistance <= Math.max(2, Math.floor(name.length / 3)) ? best : undefined;
}

/** The number of single-character edits that turn `a` into `b` (Levenshtein). */
function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length];
}
