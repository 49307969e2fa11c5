/**
 * The interface between long-running work (a batch upload) and whatever shows its progress:
 * a kernel display, a terminal line, or nothing.
 *
 * @example A batch engine reporting progress
 * ```ts
 * import type { ProgressReporter } from "./reporter.ts";
 * function uploadAll(files: string[], progress: ProgressReporter) {
 *   progress.start(files.length);
 *   let created = 0;
 *   for (const _file of files) {
 *     created++;
 *     progress.update({ done: created, created, skipped: 0, failed: 0 });
 *   }
 *   progress.finish({ done: created, created, skipped: 0, failed: 0 });
 * }
 * ```
 *
 * @module
 */

/** How far the work is. `done` counts every item handled, whatever its outcome. */
export interface ProgressCounts {
  /** Items handled so far (normally created + skipped + failed). */
  done: number;
  /** Items that succeeded (created, uploaded). */
  created: number;
  /** Items skipped (already there, nothing to do). */
  skipped: number;
  /** Items that failed. */
  failed: number;
}

/**
 * Receives the progress of a piece of work. Implementations never throw: showing progress
 * must not break the work.
 *
 * @example
 * ```ts
 * import type { ProgressReporter } from "./reporter.ts";
 * const log: ProgressReporter = {
 *   start: (total) => console.log(`0/${total}`),
 *   update: (c) => console.log(`${c.done}`),
 *   finish: (c) => console.log(`finished: ${c?.done}`),
 * };
 * ```
 */
export interface ProgressReporter {
  /** Work on `total` items begins. */
  start(total: number): void;
  /** The counts so far (cumulative, not increments). May be called very often. */
  update(counts: ProgressCounts): void;
  /**
   * The work ended; `summary` holds the final counts (the last update's when omitted).
   * The promise (when one is returned) resolves once the final state is shown.
   */
  finish(summary?: ProgressCounts): void | Promise<void>;
}

/** Everything a progress display shows: the counts, the total and the time. */
export interface ProgressState extends ProgressCounts {
  /** What is being done ("upload"). */
  label?: string;
  /** Items in all. */
  total: number;
  /** Milliseconds since the start. */
  elapsedMs: number;
  /** True once the work ended. */
  finished: boolean;
}
