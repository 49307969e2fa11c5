/**
 * Running a batch plan: uploads with bounded concurrency, exactly once, then reconciliation.
 *
 * How "exactly once" holds, whatever happens (crash, SIGKILL, timeouts, dropped connections,
 * several batches on the same folder at once):
 * 1. The plan looked up every item's identity (component, test type, run number) on the server,
 *    so an item the server has is never sent again, even with a lost journal.
 * 2. Each item goes through the one rule of lib/upload/upload_once.ts: looked up right before
 *    each send (while other runs are being sent; the send follows as soon as it has its turn),
 *    looked up again after a lost answer before any resend, a failed look-up never taken for
 *    "not there". Before a request goes out, the item is marked `sending` in the
 *    durable journal (committed); a lost answer is recorded too. An item a killed process left
 *    `sending` counts as sent with its outcome unknown.
 * 3. A write is resent only when it is known not to have been stored: the client only retries
 *    a write itself when nothing was sent (see lib/client/http.ts).
 * 4. After the uploads, every identity this batch sent is reconciled (reconcile.ts): an extra
 *    run made by a concurrent writer's race or by a late commit is deleted by its maker. A batch
 *    that stops or is killed before that leaves the identities flagged for the next run.
 *
 * Attachments (with `attach`, see attach.ts): an item's source file is checked before its run
 * is sent (too large: the run is not sent), attached right after its run is recorded, and,
 * after the reconciliation, attached to the runs that still lack it by the journal (a batch
 * killed in between, runs found present); a failed attachment leaves the run created and is
 * reported on its item.
 *
 * When to stop. The batch stops taking new items, lets those in flight finish, and reports one
 * clear line, with the journal intact (the same command resumes), when:
 * - the site does not answer: `siteDownAfter` items in a row (default 3) ended because a
 *   request could not be sent, timed out, or left the outcome unknown with the look-up failing
 *   too (a hung site: a timed-out write followed by a timed-out look-up). With every worker
 *   busy on such items, a hung site stops the batch within about two request timeouts;
 * - the server gives the same fault for `sameFaultAfter` items in a row (default 5): the same
 *   5xx (HTTP status and error codes, e.g. 507 insufficientStorage on a full disk) or the same
 *   authentication failure;
 * - the journal cannot be written (full disk, read-only): what was created on the server but
 *   not recorded is said so (the next run finds it on the server).
 *
 * @module
 */
import type { ItkpdClient } from "../client/client.ts";
import {
  AuthError,
  ItkpdError,
  NetworkError,
  type Problem,
  ServerError,
  TimeoutError,
} from "../errors.ts";
import type { ProgressCounts, ProgressReporter } from "../progress/reporter.ts";
import { type CreatedRun, OutcomeUnknownError, uploadRunOnce } from "../upload/upload_once.ts";
import { runPool, turns } from "../_pool.ts";
import { type Journal, JournalWriteError, type PlannedItem } from "./journal.ts";
import { type BatchPlan, dtoInFor } from "./plan.ts";
import type { PreparedItem } from "./prepare_item.ts";
import { reconcileBatch, type ReconcileReport } from "./reconcile.ts";
import {
  attachItem,
  type AttachmentCounts,
  checkItemAttachable,
  completeAttachments,
  countAttachments,
  type ItemAttachment,
  siteDidNotAnswer,
} from "./attach.ts";
import type { BatchInputFile } from "./discover.ts";
import { type CutResult, qcOf } from "./qc.ts";

/** The outcome of one item of a batch. */
export interface ItemOutcome {
  file: string;
  /**
   * `planned`: in a dry run's report, to be created; `not sent`: never sent because the batch
   * stopped first (Ctrl-C, a site down): the next run sends it.
   */
  status: "created" | "skipped" | "failed" | "invalid" | "planned" | "not sent";
  key?: string;
  component?: string;
  testType?: string;
  runNumber?: string;
  /** Whether the run passes QC (its `passed`); absent for an invalid item (no run). */
  passed?: boolean;
  /** When `passed` is false: the cuts it failed, `{cut, value, limit}` (see qc.ts). */
  failedCuts?: CutResult[];
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
  /** Set when the run exists on the server but the journal could not record it. */
  note?: string;
  /** Set when the run was created but the after-create step failed (the run stays). */
  afterCreateError?: string;
  /** Every problem of an invalid item, with file:line or JSON path. */
  problems?: Problem[];
  /** Set when the identity had more than one run after the uploads (see reconcile.ts). */
  reconciled?: { keptId: string; deletedIds: string[]; leftAlone: string[] };
  /** The item's source file attached to its run (with `attach`), found there, or failed. */
  attachment?: ItemAttachment;
}

/** Counts of a batch's outcomes. */
export interface BatchCounts {
  created: number;
  skipped: number;
  failed: number;
  invalid: number;
  /** Items never sent because the batch stopped first (present when any). */
  notSent?: number;
  /** A dry run's items to create (present in a dry run's report only). */
  planned?: number;
}

/** The result of a batch, for the terminal, a notebook and the JSON report. */
export interface BatchReport {
  startedAt: string;
  finishedAt: string;
  site: string;
  counts: BatchCounts;
  /** Set when the batch stopped before the end (site down, same fault, journal, cancelled). */
  stopped?: string;
  /** Set when nothing was sent because of --all-or-nothing. */
  refused?: string;
  /** Runs created on the server that the journal could not record. */
  notRecorded?: number;
  /** What the reconciliation after the uploads did, or why it was left for the next run. */
  reconciliation?: ReconcileReport | { skipped: string };
  /** Set when the batch failed as a whole before uploading (e.g. a read-only journal). */
  error?: string;
  /** What became of the source files to attach (with `attach`; absent when none was tried). */
  attachments?: AttachmentCounts;
  /** Set in a dry run's report: the plan, nothing sent (items to create are `planned`). */
  dryRun?: boolean;
  items: ItemOutcome[];
}

/** Options of {@link runBatch}. */
export interface RunOptions {
  /** The durable journal. */
  journal: Journal;
  /**
   * Runs sent at the same time (default 8), each with its resends and attachment; as many items
   * more look their runs up meanwhile: at most twice this many requests in flight.
   */
  concurrency?: number;
  /** Progress display. */
  progress?: ProgressReporter;
  /** Send nothing when the plan has invalid items. */
  allOrNothing?: boolean;
  /** Sends of one item whose outcome stays unknown before giving up on it (default 4). */
  maxAttempts?: number;
  /** Items in a row not reaching the site (or not settled) before the batch stops (default 3). */
  siteDownAfter?: number;
  /** Items in a row failing with the same server fault before the batch stops (default 5). */
  sameFaultAfter?: number;
  /** Time the server is given to store a write whose answer was lost (default 5 s). */
  settleMs?: number;
  /** Reconcile after the uploads (default true). */
  reconcile?: boolean;
  /** Receives lines about the reconciliation (e.g. waiting for late commits). */
  log?: (line: string) => void;
  /**
   * A step run once for each run the batch creates (or finds after a lost answer), before the
   * item is recorded: e.g. attaching the item's source file to the run. A failure is reported
   * on the item (`afterCreateError`); the run stays created.
   */
  afterCreate?: (run: CreatedRun, item: PreparedItem) => void | Promise<void>;
  /**
   * Attach each item's source file to its run, exactly once (default false; see attach.ts):
   * checked before the run is sent, attached once it is recorded, completed on a re-run.
   */
  attach?: boolean;
  /** Cancels the batch (items in flight finish). */
  signal?: AbortSignal;
}

/** Where an item's sends (its run's, its file's) wait for its turn (see `turns` in lib/_pool.ts). */
type SendTurn = <T>(send: () => Promise<T>) => Promise<T>;

/**
 * An item that waited for its turn to send while the batch stopped: it is not sent (thrown from
 * the turn, before anything of the item goes out; reported `not sent`).
 */
class TurnRefused extends Error {
  constructor() {
    super("not sent: the batch stopped");
    this.name = "TurnRefused";
  }
}

/** Why an item stops the batch, if it counts toward a stop. */
type Strike =
  | { kind: "site"; message: string }
  | { kind: "fault"; signature: string; message: string }
  | { kind: "journal"; message: string };

/**
 * One item's failure, carried from `uploadOne` to the runner's loop (never out of
 * {@link runBatch}: the outcome goes into the report).
 */
class ItemFailure extends Error {
  constructor(readonly outcome: ItemOutcome, readonly strike?: Strike) {
    super(outcome.error);
    this.name = "ItemFailure";
  }
}

/** Uploads the plan's items. Never throws for an item's failure: it is in the report. */
export async function runBatch(
  client: ItkpdClient,
  plan: BatchPlan,
  opts: RunOptions,
): Promise<BatchReport> {
  const startedAt = new Date().toISOString();
  const journal = opts.journal;
  const items: ItemOutcome[] = [];
  const counts: BatchCounts = { created: 0, skipped: 0, failed: 0, invalid: 0 };
  let notRecorded = 0;
  for (const inv of plan.invalid) {
    items.push({ file: inv.file.display, status: "invalid", problems: inv.problems });
    counts.invalid++;
  }
  const report = (extra: Partial<BatchReport> = {}): BatchReport => ({
    startedAt,
    finishedAt: new Date().toISOString(),
    site: client.config.apiUrl,
    counts,
    ...(notRecorded ? { notRecorded } : {}),
    ...extra,
    items: sortItems(items),
  });
  // Why the batch stopped early, and by what (set from the workers).
  const halt: { why?: string; by?: Strike["kind"] | "cancelled" } = {};
  // The run each item's attachment was tried on in this run (not tried again on it).
  const tried = new Map<string, string>();
  // Items a killed run left `sending`: their send's outcome is unknown.
  for (const p of plan.present) {
    items.push({ ...describeItem(p.item), status: "skipped", existingId: p.existingId });
    counts.skipped++;
  }
  try {
    journal.recoverInterrupted();
    // The plan, in one transaction: what the server has is skipped (two runs of an identity
    // this journal sent are reconciled: a late commit, a race); the rest is pending.
    journal.recordPlan(
      opts.allOrNothing && plan.invalid.length > 0 ? [] : plan.toCreate.map(plannedOf),
      plan.present.map((p) => ({
        ...plannedOf(p.item),
        existingId: p.existingId,
        duplicate: p.runIds.length > 1,
      })),
      { attach: opts.attach },
    );
  } catch (e) {
    if (!(e instanceof JournalWriteError)) throw e;
    halt.why = journalStop(e, 0);
    halt.by = "journal";
  }
  if (opts.allOrNothing && plan.invalid.length > 0) {
    return report({
      refused: `${plan.invalid.length} invalid item(s) and --all-or-nothing: nothing was sent`,
    });
  }

  const total = plan.toCreate.length;
  const progress = opts.progress;
  const state: ProgressCounts = { done: 0, created: 0, skipped: 0, failed: 0 };
  progress?.start(total);
  let siteStreak = 0;
  let fault: { signature: string; count: number } | undefined;
  const siteDownAfter = opts.siteDownAfter ?? 3;
  const sameFaultAfter = opts.sameFaultAfter ?? 5;

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
  const stop = (kind: Strike["kind"], why: string) => {
    if (halt.why) return;
    halt.why = why;
    halt.by = kind;
  };

  const stopped = () => {
    if (!halt.why && opts.signal?.aborted) {
      halt.why = "cancelled";
      halt.by = "cancelled";
    }
    return halt.why !== undefined;
  };
  const uploadItem = async (index: number, sendTurn: SendTurn) => {
    const item = plan.toCreate[index];
    try {
      const outcome = await uploadOne(client, plan, item, opts, tried, sendTurn);
      record(outcome.outcome);
      if (outcome.outcome.note) notRecorded++;
      if (outcome.strike?.kind === "site") {
        // The run is created, but its attachment found the site not answering.
        fault = undefined;
        if (++siteStreak >= siteDownAfter) stop("site", siteDown(outcome.strike, siteStreak));
        return;
      }
      siteStreak = 0;
      fault = undefined;
      if (outcome.strike?.kind === "journal") {
        stop("journal", journalStop(outcome.strike.message, notRecorded));
      }
    } catch (e) {
      if (!(e instanceof ItemFailure)) throw e; // TurnRefused included: the pool's to report
      record(e.outcome);
      const strike = e.strike;
      if (!strike) {
        siteStreak = 0;
        fault = undefined;
        return;
      }
      if (strike.kind === "journal") {
        stop("journal", journalStop(strike.message, notRecorded));
      } else if (strike.kind === "site") {
        fault = undefined;
        if (++siteStreak >= siteDownAfter) stop("site", siteDown(strike, siteStreak));
      } else {
        siteStreak = 0;
        fault = fault?.signature === strike.signature
          ? { signature: strike.signature, count: fault.count + 1 }
          : { signature: strike.signature, count: 1 };
        if (fault.count >= sameFaultAfter) {
          stop(
            "fault",
            `the server gave the same error for ${fault.count} items in a row ` +
              `(${strike.message}); stopped, nothing more was sent. The journal is kept: run ` +
              `the same command again once that is fixed.`,
          );
        }
      }
    }
  };
  // At most `concurrency` items are sending (their run, its resends, their file) at once; as
  // many more look their runs up meanwhile, so that each send follows its look-up as soon as a
  // turn is free rather than after a round trip of its own.
  // An item holds its turn from its first send to its end (resends, attachment).
  const concurrency = opts.concurrency ?? 8;
  const takeTurn = turns(concurrency);
  const notSent = (item: PreparedItem) => {
    items.push({
      ...describeItem(item),
      status: "not sent",
      error: `not sent: ${halt.why ?? "stopped"}`,
    });
    counts.notSent = (counts.notSent ?? 0) + 1;
  };
  const started = await runPool(total, 2 * concurrency, async (i) => {
    let giveBack: (() => void) | undefined;
    try {
      await uploadItem(i, async (send) => {
        if (!giveBack) {
          giveBack = await takeTurn();
          // The batch stopped while this item waited for its turn: nothing of it is sent.
          if (stopped()) throw new TurnRefused();
        }
        return await send();
      });
    } catch (e) {
      if (!(e instanceof TurnRefused)) throw e;
      notSent(plan.toCreate[i]);
    } finally {
      giveBack?.();
    }
  }, { stop: stopped });
  await progress?.finish({ ...state });
  // Items never reached because the batch stopped are not sent (not failed): the next run
  // sends them.
  for (let i = started; i < total; i++) notSent(plan.toCreate[i]);

  // Reconciliation: only against a site that answers, with a journal that can be written.
  let reconciliation: BatchReport["reconciliation"];
  if (opts.reconcile === false) {
    reconciliation = { skipped: "not asked for" };
  } else if (halt.by === "site" || halt.by === "journal" || halt.by === "cancelled") {
    const why = halt.by === "site"
      ? "the site does not answer"
      : halt.by === "journal"
      ? "the journal cannot be written"
      : "cancelled";
    reconciliation = { skipped: `left for the next run of the same command (${why})` };
  } else {
    try {
      reconciliation = await reconcileBatch(client, journal, {
        project: plan.project ?? "P",
        componentType: plan.componentType ?? "MODULE",
        settleMs: opts.settleMs,
        log: opts.log,
        signal: opts.signal,
      });
      applyReconciliation(items, counts, reconciliation);
    } catch (e) {
      if (!(e instanceof JournalWriteError)) throw e;
      reconciliation = { skipped: `left for the next run of the same command (${e.message})` };
    }
  }
  // Attachments still missing by the journal (runs found present, a crash in between, runs
  // settled or kept by the reconciliation): only against a site that answers, with a journal.
  if (opts.attach && !halt.by) {
    try {
      await completeAttachments(client, journal, items, {
        files: filesOf(plan),
        tried,
        concurrency: opts.concurrency,
        log: opts.log,
        signal: opts.signal,
      });
    } catch (e) {
      if (!(e instanceof JournalWriteError)) throw e;
      halt.why = journalStop(e, notRecorded);
    }
  }
  const attachments = countAttachments(items);
  return report({
    ...(halt.why ? { stopped: halt.why } : {}),
    reconciliation,
    ...(attachments ? { attachments } : {}),
  });
}

/** The source file of every item of the plan (to create or present), by key. */
function filesOf(plan: BatchPlan): Map<string, BatchInputFile> {
  const files = new Map<string, BatchInputFile>();
  for (const item of plan.toCreate) files.set(item.key, item.file);
  for (const p of plan.present) files.set(p.item.key, p.item.file);
  return files;
}

/** Items whose own run was deleted as an extra become "skipped" (another's run is kept). */
function applyReconciliation(
  items: ItemOutcome[],
  counts: BatchCounts,
  result: ReconcileReport,
): void {
  const byKey = new Map(result.identities.map((r) => [r.key, r]));
  for (const item of items) {
    const r = item.key ? byKey.get(item.key) : undefined;
    if (!r?.keptId) continue;
    item.reconciled = { keptId: r.keptId, deletedIds: r.deletedIds, leftAlone: r.leftAlone };
    if (item.status === "failed" && r.settled) {
      // Every answer was lost, but the run is on the server: the reconciliation settled it.
      counts.failed--;
      delete item.error;
      delete item.errorType;
      delete item.hint;
      if (r.settled === "created") {
        item.status = "created";
        item.testRunId = r.keptId;
        counts.created++;
      } else {
        item.status = "skipped";
        item.existingId = r.keptId;
        counts.skipped++;
      }
      continue;
    }
    if (item.status === "created" && item.testRunId && r.deletedIds.includes(item.testRunId)) {
      item.status = "skipped";
      item.existingId = r.keptId;
      delete item.testRunId;
      counts.created--;
      counts.skipped++;
    }
  }
}

/** The line of a stop because the site does not answer. */
function siteDown(strike: { message: string }, streak: number): string {
  return `the site does not answer (${strike.message}); stopped after ${streak} items in a ` +
    `row could not be sent or settled. The journal is kept: run the same command again when ` +
    `the site is back.`;
}

function journalStop(e: unknown, notRecorded: number): string {
  const why = e instanceof Error ? e.message.split("\n")[0] : String(e);
  return `the journal cannot be written (${why}); stopped, nothing more was sent.` +
    (notRecorded
      ? ` ${notRecorded} run(s) were created on the server but not recorded locally: the next ` +
        `run finds them on the server (its plan asks it).`
      : "");
}

/** An item as the journal records it in the plan. */
function plannedOf(item: PreparedItem): PlannedItem {
  return {
    key: item.key,
    file: item.file.display,
    ref: {
      componentCode: item.componentCode ?? item.dtoIn.component,
      testType: item.dtoIn.testType,
      runNumber: item.dtoIn.runNumber,
    },
  };
}

/** Uploads one item exactly once; resolves to its outcome, or throws an {@link ItemFailure}. */
async function uploadOne(
  client: ItkpdClient,
  plan: BatchPlan,
  item: PreparedItem,
  opts: RunOptions,
  tried: Map<string, string>,
  sendTurn: SendTurn,
): Promise<{ outcome: ItemOutcome; strike?: Strike }> {
  const journal = opts.journal;
  let dtoIn;
  try {
    // A file that could never be attached stops its run before it is sent.
    if (opts.attach) checkItemAttachable(item.file, client.maxAttachmentBytes);
  } catch (e) {
    if (!(e instanceof ItkpdError)) throw e; // a missing permission stays itself
    safely(() => journal.markFailed(item.key, messageOf(e)));
    throw new ItemFailure({ ...describeItem(item), status: "failed", ...failureOf(e) });
  }
  try {
    // A run kept as checked text is sent as that text: its dtoIn here is its identity (for the
    // look-ups), not parsed back.
    dtoIn = item.checked ? item.dtoIn : await dtoInFor(plan, item);
  } catch (e) {
    throw new ItemFailure({ ...describeItem(item), status: "failed", ...failureOf(e) });
  }
  let result;
  let afterCreateError: string | undefined;
  const afterCreate = opts.afterCreate;
  try {
    result = await uploadRunOnce(client, {
      dtoIn,
      checked: item.checked,
      componentCode: item.componentCode,
      formerRunNumbers: item.formerRunNumbers,
    }, {
      maxAttempts: opts.maxAttempts ?? 4,
      sendTurn,
      hooks: {
        beforeSend: () => journal.markSending(item.key),
        onUnknown: () => journal.markUnknown(item.key),
        afterCreate: afterCreate &&
          (async (run) => {
            try {
              await afterCreate(run, item);
            } catch (e) {
              afterCreateError = messageOf(e);
            }
          }),
      },
    });
  } catch (e) {
    if (e instanceof TurnRefused) throw e;
    throw failure(item, e, journal);
  }
  const extra = afterCreateError ? { afterCreateError } : {};
  try {
    if (result.status === "present") {
      journal.markSkipped(item.key, result.id);
    } else {
      journal.markCreated(item.key, result.id, result.confirmedBy === "answer");
    }
    // The run is recorded: its source file now (a crash before this line leaves it `pending`).
    // A batch that stopped meanwhile leaves the attachment for the next run (the journal has it
    // pending), as it does for every run it has not attached yet.
    const attachment = opts.attach
      ? await sendTurn(() =>
        attachItem(client, journal, item.key, item.file, result.id, {
          wasThere: result.status === "present",
        })
      ).catch((e) => {
        if (e instanceof TurnRefused) return undefined;
        throw e;
      })
      : undefined;
    if (opts.attach) tried.set(item.key, result.id);
    const attached = attachment ? { attachment } : {};
    const strike: Strike | undefined = siteDidNotAnswer(attachment)
      ? { kind: "site", message: attachment!.error ?? "no answer" }
      : undefined;
    if (result.status === "present") {
      return {
        outcome: { ...describeItem(item), status: "skipped", existingId: result.id, ...attached },
        strike,
      };
    }
    return {
      outcome: {
        ...describeItem(item),
        status: "created",
        testRunId: result.id,
        ...extra,
        ...attached,
      },
      strike,
    };
  } catch (e) {
    if (!(e instanceof JournalWriteError)) throw e;
    // The server has it; the journal could not say so. The next plan finds it on the server.
    const created = result.status === "created";
    return {
      outcome: {
        ...describeItem(item),
        status: created ? "created" : "skipped",
        ...(created ? { testRunId: result.id } : { existingId: result.id }),
        note: `${created ? "created on the server" : "on the server"}, not recorded locally ` +
          `(${e.message.split("\n")[0]}); the next run will find it`,
        ...extra,
      },
      strike: { kind: "journal", message: e.message.split("\n")[0] },
    };
  }
}

/** The failure of an item, and whether it counts toward a stop. */
function failure(item: PreparedItem, e: unknown, journal: Journal): ItemFailure {
  const base = { ...describeItem(item), status: "failed" as const };
  if (e instanceof JournalWriteError) {
    const line = e.message.split("\n")[0];
    return new ItemFailure(
      { ...base, error: `not recorded, so not sent: ${line}`, errorType: e.name, hint: e.hint },
      { kind: "journal", message: line },
    );
  }
  const line = messageOf(e);
  if (e instanceof OutcomeUnknownError) {
    // Left `sending` with its lost answers recorded: the reconciliation (or the next run)
    // settles it. Its look-up failed too: the site does not answer. Its look-ups answered but
    // every send was lost: a fault of the site's writes.
    return new ItemFailure(
      {
        ...base,
        error: `outcome unknown: ${line}`,
        errorType: e.name,
        hint: "run the same command again: it looks on the server before sending anything",
      },
      e.checkFailed && causeIs(e, NetworkError)
        ? { kind: "site", message: line }
        : { kind: "fault", signature: "answers lost", message: `every answer lost: ${line}` },
    );
  }
  if (e instanceof NetworkError) {
    // Not sent (no connection), or a look-up before any send failed: nothing was stored.
    safely(() => journal.markPending(item.key));
    const kind = e instanceof TimeoutError ? "no answer" : e.maybeSent ? "no answer" : "not sent";
    return new ItemFailure(
      { ...base, error: `${kind}: ${line}`, errorType: e.name, hint: e.hint },
      { kind: "site", message: line },
    );
  }
  safely(() => journal.markFailed(item.key, line));
  const out = { ...base, ...failureOf(e) };
  if (e instanceof ServerError && e.status >= 500) {
    const signature = `HTTP ${e.status} ${e.codes.slice().sort().join(",")}`;
    return new ItemFailure(out, { kind: "fault", signature, message: `${signature}: ${line}` });
  }
  if (e instanceof AuthError) {
    return new ItemFailure(out, { kind: "fault", signature: `auth ${line}`, message: line });
  }
  return new ItemFailure(out);
}

/** Runs a journal write whose failure must not hide the item's own error. */
function safely(fn: () => void): void {
  try {
    fn();
  } catch (e) {
    if (!(e instanceof JournalWriteError)) throw e;
  }
}

function causeIs(e: unknown, kind: typeof NetworkError): boolean {
  for (let c = (e as Error)?.cause, depth = 0; c && depth < 5; c = (c as Error).cause, depth++) {
    if (c instanceof kind) return true;
  }
  return false;
}

/** An item as the report names it, with its QC verdict (the batch's dry-run report too). */
export function describeItem(item: PreparedItem): Omit<ItemOutcome, "status"> {
  return {
    file: item.file.display,
    key: item.key,
    component: item.dtoIn.component,
    testType: item.dtoIn.testType,
    runNumber: item.dtoIn.runNumber,
    ...qcOf(item.dtoIn.passed, item.summary.cuts),
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
