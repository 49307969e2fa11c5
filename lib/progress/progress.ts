/**
 * Progress of a loop, for notebooks and scripts: `progress({ total, label })`, then
 * `tick()` per item and `await done()`. It updates one display in place in the kernel,
 * one line on a terminal, a few lines in a log, or nothing when silent.
 *
 * @example
 * ```ts
 * import { progress } from "./progress.ts";
 * const p = progress({ total: 3, label: "upload", silent: true });
 * p.tick();
 * p.tick("skipped");
 * p.tick({ failed: 1 });
 * await p.done();
 * ```
 *
 * @module
 */

import { $display, type Displayable, type MimeBundle } from "../display/mime.ts";
import { inKernel } from "../display/kernel.ts";
import type { TextWriter } from "../display/writer.ts";
import { progressHtml, progressLine, ZERO } from "./_format.ts";
import { ProgressTracker } from "./_tracker.ts";
import { KernelProgress } from "./kernel_progress.ts";
import type { ProgressCounts, ProgressReporter, ProgressState } from "./reporter.ts";
import { SilentProgress } from "./silent_progress.ts";
import { TerminalProgress } from "./terminal_progress.ts";

/** Options of {@linkcode autoProgress}. */
export interface AutoProgressOptions {
  /** What is being done ("upload"). */
  label?: string;
  /** Show nothing. */
  silent?: boolean;
  /** Outside the kernel: where the text goes (standard error by default). */
  writer?: TextWriter;
  /** The clock in milliseconds; tests pass a fake one. */
  now?: () => number;
}

/**
 * The reporter that fits where the code runs: silent when asked, a kernel display in
 * `deno jupyter`, a terminal line (or log lines) elsewhere.
 *
 * @example Hand it to a batch engine
 * ```ts
 * import { autoProgress } from "./progress.ts";
 * const reporter = autoProgress({ label: "upload", silent: true });
 * reporter.start(10);
 * reporter.finish({ done: 10, created: 9, skipped: 1, failed: 0 });
 * ```
 */
export function autoProgress(options: AutoProgressOptions = {}): ProgressReporter {
  const { label, now } = options;
  if (options.silent) return new SilentProgress({ label, now });
  if (inKernel() && !options.writer) return new KernelProgress({ label, now });
  return new TerminalProgress({ label, now, writer: options.writer });
}

/** What happened to one item. `ok` and `created` mean the same. */
export type TickOutcome = "ok" | "created" | "skipped" | "failed";

/** Several items at once: `{ ok: 3, failed: 1 }`. */
export interface TickCounts {
  ok?: number;
  created?: number;
  skipped?: number;
  failed?: number;
}

/** Options of {@linkcode progress}. */
export interface ProgressOptions extends AutoProgressOptions {
  /** Items in all. */
  total: number;
  /** Where to report; {@linkcode autoProgress} by default. */
  reporter?: ProgressReporter;
}

/**
 * A running progress count. Renders its current state when it is a cell's last expression.
 *
 * @example
 * ```ts
 * import { Progress } from "./progress.ts";
 * import { SilentProgress } from "./silent_progress.ts";
 * const p = new Progress(2, new SilentProgress());
 * p.tick();
 * p.counts.created; // 1
 * ```
 */
export class Progress implements Displayable {
  /** Items in all. */
  readonly total: number;
  /** Where the progress goes. */
  readonly reporter: ProgressReporter;
  readonly #tracker: ProgressTracker;
  #counts: ProgressCounts = { ...ZERO };
  #finished?: Promise<void>;

  constructor(total: number, reporter: ProgressReporter, options: AutoProgressOptions = {}) {
    this.total = total;
    this.reporter = reporter;
    this.#tracker = new ProgressTracker({ label: options.label, now: options.now });
    this.#tracker.start(total);
    safely(() => reporter.start(total));
  }

  /** The counts so far. */
  get counts(): ProgressCounts {
    return { ...this.#counts };
  }

  /** The state so far (counts, total, time). */
  get state(): ProgressState {
    return this.#tracker.state();
  }

  /** Counts one item (`"ok"` by default) or several (`{ ok: 3, failed: 1 }`). */
  tick(what: TickOutcome | TickCounts = "ok"): void {
    const add: TickCounts = typeof what === "string" ? { [what]: 1 } : what;
    const n = (v: number | undefined) => (v !== undefined && v > 0 ? v : 0);
    const created = n(add.ok) + n(add.created);
    const skipped = n(add.skipped);
    const failed = n(add.failed);
    const c = this.#counts;
    this.#counts = {
      done: c.done + created + skipped + failed,
      created: c.created + created,
      skipped: c.skipped + skipped,
      failed: c.failed + failed,
    };
    this.#tracker.update(this.#counts);
    const counts = this.counts;
    safely(() => this.reporter.update(counts));
  }

  /** Ends the progress and shows its final state; resolves once it is shown. */
  done(): Promise<void> {
    if (!this.#finished) {
      this.#tracker.finish(this.#counts);
      const counts = this.counts;
      let result: void | Promise<void> = undefined;
      safely(() => result = this.reporter.finish(counts));
      this.#finished = Promise.resolve(result).catch(() => {});
    }
    return this.#finished;
  }

  /** The current state as one line. */
  toString(): string {
    return progressLine(this.#tracker.state());
  }

  /** The MIME bundle of the current state. */
  [$display](): MimeBundle {
    const state = this.#tracker.state();
    return { "text/plain": progressLine(state), "text/html": progressHtml(state) };
  }
}

/**
 * Starts a progress count over `total` items.
 *
 * @example In a notebook cell
 * ```ts
 * import { progress } from "./progress.ts";
 * const files = ["a.csv", "b.csv"];
 * const p = progress({ total: files.length, label: "parse", silent: true });
 * for (const _f of files) p.tick();
 * await p.done();
 * ```
 */
export function progress(options: ProgressOptions): Progress {
  const reporter = options.reporter ?? autoProgress(options);
  return new Progress(options.total, reporter, options);
}

function safely(f: () => void): void {
  try {
    f();
  } catch {
    // Showing progress must never break the work.
  }
}
