/**
 * The words of a progress display (private): counts, percentage, rate and ETA, as one text
 * line and as a small HTML block.
 *
 * @module
 */

import { escapeHtml } from "../escape.ts";
import type { ProgressCounts, ProgressState } from "./reporter.ts";

/** Counts all zero. */
export const ZERO: ProgressCounts = { done: 0, created: 0, skipped: 0, failed: 0 };

/** Below this many milliseconds a rate means nothing and is not shown. */
const MIN_RATE_MS = 200;

/** Items per second, or undefined before anything is measurable. */
export function rate(state: ProgressState): number | undefined {
  if (state.elapsedMs < MIN_RATE_MS || state.done <= 0) return undefined;
  return state.done / (state.elapsedMs / 1000);
}

/** Seconds left at the current rate, or undefined when unknown. */
function eta(state: ProgressState): number | undefined {
  const r = rate(state);
  if (r === undefined || state.finished) return undefined;
  return Math.max(0, state.total - state.done) / r;
}

/** "42%" of the total (100 % when there is nothing to do). */
export function percent(state: ProgressState): number {
  if (state.total <= 0) return 100;
  return Math.min(100, Math.floor((state.done / state.total) * 100));
}

/** A duration in words: "18s", "3m 05s", "1h 02m". */
export function formatDuration(seconds: number): string {
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, "0")}s`;
  return `${Math.floor(s / 3600)}h ${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}m`;
}

/** A rate in words: "3.2/s", "120/s". */
function formatRate(r: number): string {
  return `${r < 10 ? r.toFixed(1) : Math.round(r)}/s`;
}

/** The counts part: "ok 40 · skipped 1 · failed 1". */
function countsText(c: ProgressCounts): string {
  return `ok ${c.created} · skipped ${c.skipped} · failed ${c.failed}`;
}

/**
 * One line: `upload 42/100 (42%) · ok 40 · skipped 1 · failed 1 · 3.2/s · ETA 18s`, or once
 * finished `upload 100/100 done in 31s · ok 97 · skipped 2 · failed 1 · 3.2/s`.
 */
export function progressLine(state: ProgressState): string {
  const parts: string[] = [];
  const head = `${state.label ? `${state.label} ` : ""}${state.done}/${state.total}`;
  parts.push(
    state.finished
      ? `${head} done in ${formatDuration(state.elapsedMs / 1000)}`
      : `${head} (${percent(state)}%)`,
  );
  parts.push(countsText(state));
  const r = rate(state);
  if (r !== undefined) parts.push(formatRate(r));
  const left = eta(state);
  if (left !== undefined) parts.push(`ETA ${formatDuration(left)}`);
  return parts.join(" · ");
}

/** A small HTML block: a progress bar and the line, failures in red. */
export function progressHtml(state: ProgressState): string {
  const status = state.finished ? "done" : "running";
  const max = Math.max(1, state.total);
  const value = state.total <= 0 ? 1 : Math.min(state.done, state.total);
  const line = escapeHtml(progressLine(state)).replace(
    /failed (\d+)/,
    (all, n) => Number(n) > 0 ? `<span style="color:#cf222e;font-weight:bold">${all}</span>` : all,
  );
  return `<div class="itkpd-progress" data-itkpd-progress="${status}" ` +
    `style="font-family:monospace;display:flex;gap:0.75em;align-items:center">` +
    `<progress value="${value}" max="${max}" style="width:16em"></progress>` +
    `<span>${line}</span></div>`;
}
