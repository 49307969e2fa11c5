/**
 * Bounded concurrency (private): the one worker pool of the toolkit, for every place that runs
 * many asynchronous tasks a few at a time (bulk reads, the batch's plan and uploads, the read-back
 * sync, the generated fixtures and production).
 *
 * @example
 * ```ts
 * import { mapLimit } from "./_pool.ts";
 * const doubled = await mapLimit([1, 2, 3], 2, async (n) => n * 2); // [2, 4, 6]
 * ```
 *
 * @module
 */

/** Options of {@link runPool}. */
export interface PoolOptions {
  /** Asked before each task starts: `true` starts no more tasks (those running finish). */
  stop?: () => boolean;
}

/**
 * Runs `task(0)`, `task(1)`, … `task(count - 1)`, started in that order, at most `limit` at a
 * time (at least one). Resolves to the number of tasks started: `count`, unless `stop` said
 * otherwise. The first failure stops starting new tasks and is thrown once the running ones
 * have settled.
 *
 * @example
 * ```ts
 * import { runPool } from "./_pool.ts";
 * const seen: number[] = [];
 * await runPool(5, 2, async (i) => void seen.push(i), { stop: () => seen.length >= 3 }); // 3
 * ```
 */
export async function runPool(
  count: number,
  limit: number,
  task: (index: number) => Promise<void>,
  options: PoolOptions = {},
): Promise<number> {
  let next = 0;
  let failure: { error: unknown } | undefined;
  const worker = async () => {
    while (!failure && next < count && !options.stop?.()) {
      const index = next++;
      try {
        await task(index);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  const width = Number.isFinite(limit) && limit >= 1 ? Math.floor(limit) : 1;
  await Promise.all(Array.from({ length: Math.max(1, Math.min(width, count)) }, worker));
  if (failure) throw failure.error;
  return next;
}

/**
 * Runs `fn` over `items` with at most `limit` calls at a time; results in input order. The
 * first failure stops starting new calls and is thrown once the running ones have settled.
 *
 * @example
 * ```ts
 * import { mapLimit } from "./_pool.ts";
 * const doubled = await mapLimit([1, 2, 3], 2, async (n) => n * 2); // [2, 4, 6]
 * ```
 */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  await runPool(items.length, limit, async (index) => {
    results[index] = await fn(items[index], index);
  });
  return results;
}
