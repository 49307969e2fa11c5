/**
 * A progress reporter that shows nothing (scripts with `--quiet`, tests).
 *
 * @module
 */

import { ProgressTracker, type TrackerOptions } from "./_tracker.ts";
import type { ProgressCounts, ProgressReporter, ProgressState } from "./reporter.ts";

/**
 * Shows nothing; keeps the last state so that callers can read it.
 *
 * @example
 * ```ts
 * import { SilentProgress } from "./silent_progress.ts";
 * const p = new SilentProgress();
 * p.start(2);
 * p.update({ done: 1, created: 1, skipped: 0, failed: 0 });
 * p.state.done; // 1
 * ```
 */
export class SilentProgress implements ProgressReporter {
  readonly #tracker: ProgressTracker;

  constructor(options: TrackerOptions = {}) {
    this.#tracker = new ProgressTracker(options);
  }

  /** The last state reported. */
  get state(): ProgressState {
    return this.#tracker.state();
  }

  start(total: number): void {
    this.#tracker.start(total);
  }

  update(counts: ProgressCounts): void {
    this.#tracker.update(counts);
  }

  finish(summary?: ProgressCounts): void {
    this.#tracker.finish(summary);
  }
}
