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

/**
 * A bound on how many holders there are at once, for work that holds its turn across several
 * steps: `takeTurn()` resolves, once fewer than `limit` (at least one) hold a turn, to the
 * function that gives it back (first come, first served; giving it back twice does nothing).
 * The batch bounds the runs in their send phase (send, resends, attachment) with it, while the
 * next items' look-ups run beside them.
 *
 * @example
 * ```ts
 * import { turns } from "./_pool.ts";
 * const takeTurn = turns(1);
 * const giveBack = await takeTurn();
 * const next = takeTurn(); // waits…
 * giveBack();
 * (await next)(); // …until the turn is given back
 * ```
 */
export function turns(limit: number): () => Promise<() => void> {
  const width = Number.isFinite(limit) && limit >= 1 ? Math.floor(limit) : 1;
  let held = 0;
  const waiting: (() => void)[] = [];
  const giveBack = () => {
    // The turn passes to the first one waiting (held stays the same), or is given back.
    const next = waiting.shift();
    if (next) next();
    else held--;
  };
  return async () => {
    if (held >= width) await new Promise<void>((resolve) => waiting.push(resolve));
    else held++;
    let given = false;
    return () => {
      if (given) return;
      given = true;
      giveBack();
    };
  };
}
