/**
 * Random test-run values for the tests that compare a fast path with the general one (the
 * guard, the value checks): good values and every kind of bad one (NaN, ±Infinity, numbers out
 * of range or not whole, texts, control characters, nulls, rows too short or too long, nesting),
 * from a seed, so that a failure is reproduced.
 */
import { type Random, seededRandom } from "../../lib/fixtures/_prng.ts";

export { seededRandom };
export type { Random };

/** One number, often a bad one. */
export function randomNumber(r: Random): number {
  const pick = r.int(0, 14);
  switch (pick) {
    case 0:
      return NaN;
    case 1:
      return Infinity;
    case 2:
      return -Infinity;
    case 3:
      return -r.next() * 10;
    case 4:
      return r.int(0, 7);
    case 5:
      return 2e18 * (r.next() < 0.5 ? -1 : 1);
    case 6:
      return 1e5 + r.next() * 10;
    case 7:
      return r.int(1, 3) + 0.5;
    case 8:
      return -0;
    case 9:
      return 2 ** 53 + 2;
    default:
      return Math.round(r.next() * 20_000) / 1000;
  }
}

/** Any value, `depth` levels of containers at most. */
export function randomValue(r: Random, depth = 3): unknown {
  const pick = r.int(0, depth > 0 ? 13 : 8);
  switch (pick) {
    case 0:
      return null;
    case 1:
      return undefined;
    case 2:
      return r.next() < 0.5;
    case 3:
      return ["r1 20g", "a\nb", "x\x1b[2J", "", "\ud800", "0", "some_string"][r.int(0, 6)];
    case 4:
      return 10n;
    case 5:
    case 6:
    case 7:
    case 8:
      return randomNumber(r);
    case 9:
    case 10:
      return randomRows(r, r.int(0, 6), depth - 1);
    case 11:
      return Array.from({ length: r.int(0, 5) }, () => randomNumber(r));
    case 12:
      return Array.from({ length: r.int(0, 4) }, () => randomValue(r, depth - 1));
    default: {
      const out: Record<string, unknown> = {};
      for (let i = r.int(0, 4); i > 0; i--) {
        out[["A", "B", "0", "a b", "x"][r.int(0, 4)]] = randomValue(r, depth - 1);
      }
      return out;
    }
  }
}

/** A list of rows of about three values, mostly numbers: now and then a row of another length, a null, a text. */
export function randomRows(r: Random, n: number, depth = 1): unknown[] {
  return Array.from({ length: n }, () => {
    if (r.next() < 0.05) return r.next() < 0.5 ? null : randomValue(r, depth);
    const length = r.next() < 0.9 ? 3 : r.int(0, 5);
    return Array.from(
      { length },
      () => (r.next() < 0.9 ? randomNumber(r) : randomValue(r, Math.max(0, depth - 1))),
    );
  });
}
