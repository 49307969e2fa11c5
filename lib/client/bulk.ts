/**
 * Bulk commands take at most 100 ids per call: split the ids into chunks, and give the results
 * back in input order (the chunks run a few at a time through `lib/_pool.ts`).
 *
 * @module
 */

/**
 * Splits a list into chunks of at most `size`.
 *
 * @example
 * ```ts
 * import { chunk } from "./bulk.ts";
 * chunk([1, 2, 3, 4, 5], 2); // [[1, 2], [3, 4], [5]]
 * ```
 */
export function chunk<T>(list: readonly T[], size: number): T[][] {
  if (!Number.isInteger(size) || size < 1) throw new RangeError(`chunk size must be ≥ 1: ${size}`);
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
  return out;
}

/**
 * Puts answered items in the order of the ids asked for. An item matches an id by any of the
 * keys `keysOf` gives (id, code, serial number). Ids with no item are left out; items that match
 * no id come last. An id asked twice gets its item twice.
 *
 * @example
 * ```ts
 * import { orderByInput } from "./bulk.ts";
 * orderByInput(["b", "a"], [{ id: "a" }, { id: "b" }], (x) => [x.id]); // [{id:"b"},{id:"a"}]
 * ```
 */
export function orderByInput<T>(
  ids: readonly string[],
  items: readonly T[],
  keysOf: (item: T) => (string | null | undefined)[],
): T[] {
  const byKey = new Map<string, T>();
  for (const item of items) {
    for (const key of keysOf(item)) if (key && !byKey.has(key)) byKey.set(key, item);
  }
  const out: T[] = [];
  const used = new Set<T>();
  for (const id of ids) {
    const item = byKey.get(id);
    if (item !== undefined) {
      out.push(item);
      used.add(item);
    }
  }
  for (const item of items) if (!used.has(item)) out.push(item);
  return out;
}
