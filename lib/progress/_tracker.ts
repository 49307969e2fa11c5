/**
 * The state behind every progress reporter (private): total, counts and the clock.
 *
 * @module
 */

import { ZERO } from "./_format.ts";
import type { ProgressCounts, ProgressState } from "./reporter.ts";

/** Options every reporter shares. */
export interface TrackerOptions {
  /** What is being done ("upload"). */
  label?: string;
  /** The clock in milliseconds (`performance.now` by default); tests pass a fake one. */
  now?: () => number;
}

/** Keeps the counts and times of one piece of work. */
export class ProgressTracker {
  readonly #now: () => number;
  readonly #label?: string;
  #startedAt: number;
  #total = 0;
  #counts: ProgressCounts = { ...ZERO };
  #finished = false;

  constructor(options: TrackerOptions = {}) {
    this.#now = options.now ?? (() => performance.now());
    this.#label = options.label;
    this.#startedAt = this.#now();
  }

  /** Restarts with a new total. */
  start(total: number): void {
    this.#total = Number.isFinite(total) && total > 0 ? Math.floor(total) : 0;
    this.#counts = { ...ZERO };
    this.#finished = false;
    this.#startedAt = this.#now();
  }

  /** Takes new counts (cumulative). */
  update(counts: ProgressCounts): void {
    this.#counts = sanitize(counts);
  }

  /** Marks the end, with the final counts when given. */
  finish(summary?: ProgressCounts): void {
    if (summary) this.#counts = sanitize(summary);
    this.#finished = true;
  }

  /** True once finished. */
  get finished(): boolean {
    return this.#finished;
  }

  /** Milliseconds on the clock now. */
  now(): number {
    return this.#now();
  }

  /** The state to show. */
  state(): ProgressState {
    return {
      ...this.#counts,
      label: this.#label,
      total: Math.max(this.#total, this.#counts.done),
      elapsedMs: this.#now() - this.#startedAt,
      finished: this.#finished,
    };
  }
}

function sanitize(c: ProgressCounts): ProgressCounts {
  const n = (v: unknown) => typeof v === "number" && Number.isFinite(v) && v > 0 ? v : 0;
  return { done: n(c.done), created: n(c.created), skipped: n(c.skipped), failed: n(c.failed) };
}
