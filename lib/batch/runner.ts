/**
 * Running a batch plan: uploads with bounded concurrency, exactly once.
 *
 * How "exactly once" holds, whatever happens (crash, SIGKILL, timeouts, dropped connections):
 * 1. The plan looked up every item's identity (component, test type, run number) on the server,
 *    so an item the server has is never sent again, even with a lost journal.
 * 2. Before a request goes out, the item is marked `sending` in the durable journal (committed).
 * 3. When the outcome of a send is unknown (the connection broke after sending, a timeout, a
 *    5xx on a write), the server is asked again for that identity before any resend; a found
 *    run is recorded as created. An item left `sending` by a killed process is checked the same
 *    way when the command is run again.
 * 4. A write is resent only when it is known not to have been stored: the client only retries
 *    a write itself when nothing was sent (see lib/client/http.ts).
 *
 * When the site cannot be reached (several items in a row fail to connect after the client's
 * own retries), the batch stops taking new items, lets those in flight finish, and reports a
 * clear stop: the journal is intact and the same command resumes.
 *
 * @module
 */
import type { ItkpdClient } from "../client/client.ts";
import {
  ApiValidationError,
  AuthError,
  InputError,
  NetworkError,
  NotFoundError,
  type Problem,
  ServerError,
  TimeoutError,
} from "../errors.ts";
import type { ProgressCounts, ProgressReporter } from "../notebook/progress_reporter.ts";
import type { Journal } from "./journal.ts";
import { type BatchPlan, dtoInFor, findRun } from "./plan.ts";
import type { PreparedItem } from "./prepare.ts";

/** The outcome of one item of a batch. */
export interface ItemOutcome {
  file: string;
  status: "created" | "skipped" | "failed" | "invalid";
  key?: string;
  component?: string;
  testType?: string;
  runNumber?: string;
  /** The run created by this batch. */
  testRunId?: string;
  /** The run the server already had (skipped items). */
  existingId?: string;
  /** Why it failed. */
  error?: string;
  /** The kind of failure (the error's name, e.g. `ApiValidationError`, `NetworkError`). */
  errorType?: string;
  /** What to do about it, when known. */
  hint?: string;
  /** Every problem of an invalid item, with file:line or JSON path. */
  problems?: Problem[];
}

/** Counts of a batch's outcomes. */
export interface BatchCounts {
  created: number;
  skipped: number;
  failed: number;
  invalid: number;
}

/** The result of a batch, for the terminal, a notebook and the JSON report. */
export interface BatchReport {
  startedAt: string;
  finishedAt: string;
  site: string;
  counts: BatchCounts;
  /** Set when the batch stopped before the end (site down, cancelled). */
  stopped?: string;
  /** Set when nothing was sent because of --all-or-nothing. */
  refused?: string;
  items: ItemOutcome[];
}

/** Options of {@link runBatch}. */
export interface RunOptions {
  /** The durable journal. */
  journal: Journal;
  /** Uploads at the same time (default 8). */
  concurrency?: number;
  /** Progress display. */
  progress?: ProgressReporter;
  /** Send nothing when the plan has invalid items. */
  allOrNothing?: boolean;
  /** Sends of one item whose outcome stays unknown before giving up on it (default 4). */
  maxAttempts?: number;
  /** Items in a row failing to reach the site before the batch stops (default 3). */
  siteDownAfter?: number;
  /** Cancels the batch (items in flight finish). */
  signal?: AbortSignal;
}

class SiteDown extends Error {}

/** Uploads the plan's items. Never throws for an item's failure: it is in the report. */
export async function runBatch(
  client: ItkpdClient,
  plan: BatchPlan,
  opts: RunOptions,
): Promise<BatchReport> {
  const startedAt = new Date().toISOString();
  const items: ItemOutcome[] = [];
  const counts: BatchCounts = { created: 0, skipped: 0, failed: 0, invalid: 0 };
  for (const inv of plan.invalid) {
    items.push({ file: inv.file.display, status: "invalid", problems: inv.problems });
    counts.invalid++;
  }
  for (const p of plan.present) {
    opts.journal.ensure(p.item.key, p.item.file.display);
    opts.journal.markSkipped(p.item.key, p.existingId);
    items.push({ ...describe(p.item), status: "skipped", existingId: p.existingId });
    counts.skipped++;
  }
  const report = (extra: Partial<BatchReport> = {}): BatchReport => ({
    startedAt,
    finishedAt: new Date().toISOString(),
    site: client.config.apiUrl,
    counts,
    ...extra,
    items: sortItems(items),
  });
  if (opts.allOrNothing && plan.invalid.length > 0) {
    return report({
      refused: `${plan.invalid.length} invalid item(s) and --all-or-nothing: nothing was sent`,
    });
  }

  const total = plan.toCreate.length;
  const progress = opts.progress;
  const state: ProgressCounts = { done: 0, created: 0, skipped: 0, failed: 0 };
  progress?.start(total);
  let next = 0;
  let connectFailuresInARow = 0;
  let stopped: string | undefined;
  const siteDownAfter = opts.siteDownAfter ?? 3;

  const record = (outcome: ItemOutcome) => {
    items.push(outcome);
    if (outcome.status === "created") {
      counts.created++;
      state.created++;
    } else if (outcome.status === "skipped") {
      counts.skipped++;
      state.skipped++;
    } else {
      counts.failed++;
      state.failed++;
    }
    state.done++;
    progress?.update({ ...state });
  };

  const worker = async () => {
    while (!stopped && next < total) {
      if (opts.signal?.aborted) {
        stopped = "cancelled";
        break;
      }
      const item = plan.toCreate[next++];
      try {
        const outcome = await uploadOne(client, plan, item, opts);
        connectFailuresInARow = 0;
        record(outcome);
      } catch (e) {
        if (e instanceof SiteDown) {
          connectFailuresInARow++;
          record({
            ...describe(item),
            status: "failed",
            error: `not sent: ${e.message}`,
          });
          if (connectFailuresInARow >= siteDownAfter && !stopped) {
            stopped = `the site does not answer (${e.message}); stopped after ` +
              `${connectFailuresInARow} items in a row could not be sent. The journal is ` +
              `kept: run the same command again when the site is back.`;
          }
        } else {
          record({ ...describe(item), status: "failed", ...failureOf(e) });
        }
      }
    }
  };
  const workers = Array.from(
    { length: Math.max(1, Math.min(opts.concurrency ?? 8, total || 1)) },
    () => worker(),
  );
  await Promise.all(workers);
  await progress?.finish({ ...state });
  // Items never reached because the batch stopped are reported as not sent.
  for (let i = next; i < total; i++) {
    const item = plan.toCreate[i];
    opts.journal.ensure(item.key, item.file.display);
    record({ ...describe(item), status: "failed", error: `not sent: ${stopped ?? "stopped"}` });
  }
  return report(stopped ? { stopped } : {});
}

/** Uploads one item exactly once; resolves to its outcome, throws SiteDown when unreachable. */
async function uploadOne(
  client: ItkpdClient,
  plan: BatchPlan,
  item: PreparedItem,
  opts: RunOptions,
): Promise<ItemOutcome> {
  const journal = opts.journal;
  let dtoIn;
  try {
    dtoIn = await dtoInFor(plan, item);
  } catch (e) {
    return { ...describe(item), status: "failed", ...failureOf(e) };
  }
  const entry = journal.ensure(item.key, item.file.display);
  if (entry.state === "sending" || entry.state === "created" || entry.state === "skipped") {
    // A previous run sent it (or may have): look before sending again.
    const id = await findRun(client, item);
    if (id) {
      journal.markCreated(item.key, id);
      return { ...describe(item), status: "created", testRunId: id };
    }
  }
  const maxAttempts = opts.maxAttempts ?? 4;
  let lastUnknown = "";
  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    journal.markSending(item.key);
    try {
      const run = await client.uploadTestRunResults(dtoIn as never);
      journal.markCreated(item.key, run.id);
      return { ...describe(item), status: "created", testRunId: run.id };
    } catch (e) {
      if (isNotSent(e)) {
        // Provably not stored: nothing to check; the item goes back to pending.
        journal.markPending(item.key);
        throw new SiteDown(messageOf(e));
      }
      if (!isOutcomeUnknown(e)) {
        journal.markFailed(item.key, messageOf(e));
        return { ...describe(item), status: "failed", ...failureOf(e) };
      }
      lastUnknown = messageOf(e);
      // The run may have been stored: ask the server before any resend.
      let id: string | undefined;
      try {
        id = await findRun(client, item);
      } catch (lookup) {
        if (isNotSent(lookup)) throw new SiteDown(messageOf(lookup));
        return {
          ...describe(item),
          status: "failed",
          error: `outcome unknown (${lastUnknown}) and the check failed (${
            messageOf(lookup)
          }): run the same command again to settle it`,
        };
      }
      if (id) {
        journal.markCreated(item.key, id);
        return { ...describe(item), status: "created", testRunId: id };
      }
    }
  }
  return {
    ...describe(item),
    status: "failed",
    error: `not stored after ${maxAttempts} attempts (${lastUnknown})`,
  };
}

/** True for failures where the request provably was not stored (connection never made). */
function isNotSent(e: unknown): boolean {
  return e instanceof NetworkError && !e.maybeSent;
}

/** True for failures after which the server may or may not have stored the write. */
function isOutcomeUnknown(e: unknown): boolean {
  if (e instanceof TimeoutError) return true;
  if (e instanceof NetworkError) return e.maybeSent;
  if (e instanceof ApiValidationError || e instanceof NotFoundError) return false;
  if (e instanceof AuthError || e instanceof InputError) return false;
  if (e instanceof ServerError) return e.status >= 500 || e.status === 429;
  return false;
}

function describe(item: PreparedItem): Omit<ItemOutcome, "status"> {
  return {
    file: item.file.display,
    key: item.key,
    component: item.dtoIn.component,
    testType: item.dtoIn.testType,
    runNumber: item.dtoIn.runNumber,
  };
}

/** The error of a failed item, for the report: message, kind and what to do. */
function failureOf(e: unknown): Pick<ItemOutcome, "error" | "errorType" | "hint"> {
  const out: Pick<ItemOutcome, "error" | "errorType" | "hint"> = { error: messageOf(e) };
  if (e instanceof Error) out.errorType = e.name;
  const hint = (e as { hint?: unknown })?.hint;
  if (typeof hint === "string") out.hint = hint;
  return out;
}

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message.split("\n").join(" ") : String(e);
}

function sortItems(items: ItemOutcome[]): ItemOutcome[] {
  return [...items].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
}
