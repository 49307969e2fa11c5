/**
 * Progress in the `deno jupyter` kernel: one display, updated in place through its display
 * id (`Deno.jupyter.display(bundle, { raw: true, display_id })`, then the same with
 * `update: true`, which the kernel sends as `update_display_data`).
 *
 * @module
 */

import { kernel, type KernelDisplay } from "../display/kernel.ts";
import type { MimeBundle } from "../display/mime.ts";
import { progressHtml, progressLine } from "./_format.ts";
import { ProgressTracker, type TrackerOptions } from "./_tracker.ts";
import type { ProgressCounts, ProgressReporter, ProgressState } from "./reporter.ts";

/** Options of {@linkcode KernelProgress}. */
export interface KernelProgressOptions extends TrackerOptions {
  /** The kernel to display in; `Deno.jupyter` by default. */
  kernel?: KernelDisplay;
  /** Redraw at most this often (ms). Default 200. */
  intervalMs?: number;
  /** The display id; a fresh one by default. */
  displayId?: string;
}

let counter = 0;

/**
 * Shows progress as one display in a notebook cell, updated in place.
 *
 * @example
 * ```ts ignore
 * import { KernelProgress } from "./kernel_progress.ts";
 * const p = new KernelProgress({ label: "upload" });
 * p.start(10);
 * p.update({ done: 5, created: 5, skipped: 0, failed: 0 });
 * await p.finish();
 * ```
 */
export class KernelProgress implements ProgressReporter {
  /** The display id used for the updates. */
  readonly displayId: string;
  readonly #tracker: ProgressTracker;
  readonly #kernel?: KernelDisplay;
  readonly #intervalMs: number;
  #shown = false;
  #lastDrawAt = -Infinity;
  #queue: Promise<void> = Promise.resolve();

  constructor(options: KernelProgressOptions = {}) {
    this.#tracker = new ProgressTracker(options);
    this.#kernel = options.kernel ?? kernel();
    this.#intervalMs = options.intervalMs ?? 200;
    this.displayId = options.displayId ?? `itkpd-progress-${Date.now()}-${++counter}`;
  }

  /** The current state. */
  get state(): ProgressState {
    return this.#tracker.state();
  }

  start(total: number): void {
    this.#tracker.start(total);
    this.#draw();
  }

  update(counts: ProgressCounts): void {
    this.#tracker.update(counts);
    if (this.#tracker.now() - this.#lastDrawAt >= this.#intervalMs) this.#draw();
  }

  /** Shows the final state; resolves once the kernel has it. */
  finish(summary?: ProgressCounts): Promise<void> {
    if (!this.#tracker.finished) {
      this.#tracker.finish(summary);
      this.#draw();
    }
    return this.#queue;
  }

  #draw(): void {
    const state = this.#tracker.state();
    const bundle: MimeBundle = {
      "text/plain": progressLine(state),
      "text/html": progressHtml(state),
    };
    const update = this.#shown;
    this.#shown = true;
    this.#lastDrawAt = this.#tracker.now();
    const target = this.#kernel;
    if (!target) return;
    // Chained so that the kernel gets the displays in order; failures are ignored.
    this.#queue = this.#queue.then(() =>
      target.display(bundle, { raw: true, display_id: this.displayId, update })
    ).catch(() => {});
  }
}
