/**
 * Progress on a terminal: one line rewritten in place with `\r` when the output is a
 * terminal; otherwise (a log file, a CI job) a full line now and then.
 *
 * @module
 */

import { fileWriter, type TextWriter } from "../display/writer.ts";
import { percent, progressLine } from "./_format.ts";
import { ProgressTracker, type TrackerOptions } from "./_tracker.ts";
import type { ProgressCounts, ProgressReporter, ProgressState } from "./reporter.ts";

/** Options of {@linkcode TerminalProgress}. */
export interface TerminalProgressOptions extends TrackerOptions {
  /** Where the text goes; standard error by default. */
  writer?: TextWriter;
  /**
   * Rewrite one line in place (`\r`). Default: whether standard error is a terminal (when no
   * writer is given) — false with a writer.
   */
  interactive?: boolean;
  /** In place: redraw at most this often (ms). Default 100. */
  intervalMs?: number;
  /** Not in place: print a line each time this many more percent are done. Default 10. */
  everyPercent?: number;
  /** Not in place: print a line at least this often (s) while work goes on. Default 30. */
  everySeconds?: number;
}

/** Clears from the cursor to the end of the line. */
const CLEAR_LINE = "\x1b[K";

/**
 * Shows progress on a terminal (standard error by default).
 *
 * @example Log-style lines into a string
 * ```ts
 * import { TerminalProgress } from "./terminal_progress.ts";
 * let out = "";
 * const p = new TerminalProgress({ label: "upload", writer: { write: (t) => out += t } });
 * p.start(2);
 * p.update({ done: 2, created: 2, skipped: 0, failed: 0 });
 * p.finish();
 * ```
 */
export class TerminalProgress implements ProgressReporter {
  readonly #tracker: ProgressTracker;
  readonly #writer: TextWriter;
  readonly #interactive: boolean;
  readonly #intervalMs: number;
  readonly #everyPercent: number;
  readonly #everySeconds: number;
  #lastDrawAt = -Infinity;
  #lastPercent = 0;
  #lastDone = 0;

  constructor(options: TerminalProgressOptions = {}) {
    this.#tracker = new ProgressTracker(options);
    this.#writer = options.writer ?? fileWriter(Deno.stderr);
    this.#interactive = options.interactive ?? (options.writer ? false : stderrIsTerminal());
    this.#intervalMs = options.intervalMs ?? 100;
    this.#everyPercent = Math.max(1, options.everyPercent ?? 10);
    this.#everySeconds = options.everySeconds ?? 30;
  }

  /** The current state. */
  get state(): ProgressState {
    return this.#tracker.state();
  }

  start(total: number): void {
    this.#tracker.start(total);
    this.#lastDrawAt = this.#tracker.now();
    this.#lastPercent = 0;
    this.#lastDone = 0;
    if (this.#interactive) this.#draw();
  }

  update(counts: ProgressCounts): void {
    this.#tracker.update(counts);
    const now = this.#tracker.now();
    if (this.#interactive) {
      if (now - this.#lastDrawAt >= this.#intervalMs) this.#draw();
      return;
    }
    const state = this.#tracker.state();
    const pct = percent(state);
    const stepReached = Math.floor(pct / this.#everyPercent) >
      Math.floor(this.#lastPercent / this.#everyPercent);
    const timeUp = now - this.#lastDrawAt >= this.#everySeconds * 1000 &&
      state.done !== this.#lastDone;
    if ((stepReached && pct < 100) || timeUp) this.#draw();
  }

  finish(summary?: ProgressCounts): void {
    if (this.#tracker.finished) return;
    this.#tracker.finish(summary);
    this.#draw();
    if (this.#interactive) this.#write("\n");
  }

  #draw(): void {
    const state = this.#tracker.state();
    const line = progressLine(state);
    this.#write(this.#interactive ? `\r${line}${CLEAR_LINE}` : `${line}\n`);
    this.#lastDrawAt = this.#tracker.now();
    this.#lastPercent = percent(state);
    this.#lastDone = state.done;
  }

  #write(text: string): void {
    try {
      this.#writer.write(text);
    } catch {
      // A closed terminal must not stop the work.
    }
  }
}

function stderrIsTerminal(): boolean {
  try {
    return Deno.stderr.isTerminal();
  } catch {
    return false;
  }
}
