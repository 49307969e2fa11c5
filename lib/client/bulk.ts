/**
 * Bulk commands take at most 100 ids per call: split, run the chunks with a small concurrency,
 * and give the results back in input order.
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
 * Runs `fn` over `items` with at most `limit` calls at a time; results in input order. The
 * first failure stops starting new calls and is thrown once the running ones have settled.
 *
 * @example
 * ```ts
 * import { mapLimit } from "./bulk.ts";
 * const doubled = await mapLimit([1, 2, 3], 2, async (n) => n * 2); // [2, 4, 6]
 * ```
 */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  let failure: { error: unknown } | undefined;
  const worker = async () => {
    while (!failure && next < items.length) {
      const index = next++;
      try {
        results[index] = await fn(items[index], index);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  const workers = Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker);
  await Promise.all(workers);
  if (failure) throw failure.error;
  return results;
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
