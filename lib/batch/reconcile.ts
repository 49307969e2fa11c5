/**
 * Reconciliation after a batch's uploads: exactly once across processes and machines, with
 * only the server as the meeting point.
 *
 * Why it is needed. The rule of one upload (lib/upload/upload_once.ts) looks right before each
 * send and again after every lost answer. Two things still slip through it: two writers (two
 * batches on one folder, two machines) that look at the same moment, see nothing and both send;
 * and a server that stores a write after the client gave up on it (a slow commit), which a
 * look-up right after the lost answer cannot see, so the run is sent again.
 *
 * What it does. For every identity (component, test type, run number) this batch sent, it
 * lists the present runs of that identity (state `ready`, the one rule). More than one: it
 * keeps the earliest by creation time then id (`compareRuns`: every writer computes the same
 * one from the same runs) and deletes (`deleteTestRun`: the run stays, state `deleted`) only
 * the extra runs that this batch itself created. Extra runs that are not this batch's are left
 * alone and reported: their writer's own reconciliation removes them.
 *
 * What "created by this batch" means. (a) Every run id the server answered to this journal for
 * the identity. (b) When a send of the identity ended with its outcome unknown (timeout,
 * connection broken after sending, 5xx, a killed process — the journal keeps the count), the
 * run it may have made has no id we know: then every present run of the identity made by the
 * same user (the token's subject, as the run's `user.userIdentity`) counts as possibly this
 * batch's. All of them were made inside this batch's window: the look-up right before our
 * first send of the identity found none present, so any present run now was made after it.
 * Deleting one that another batch of the same user made is safe: the two batches agree on
 * which run is kept.
 *
 * Why at least one run always stays. A writer deletes only runs that are not the earliest of
 * what it sees; the earliest present run of all is never deleted by anyone, so an identity
 * never ends with none, whatever the writers' timing.
 *
 * Why in the end only one stays. Every extra run is deleted by the writer that made it, as long
 * as that writer reconciles after the run became visible: a run whose answer arrived is visible
 * before its writer reconciles; a run whose answer was lost may be stored later, so the
 * reconciliation of an identity with a lost answer waits until `settleMs` after the last lost
 * answer (default {@link DEFAULT_SETTLE_MS}). A later store still is caught by the next run of
 * the same command: its plan sees two runs of an identity this journal sent and reconciles it.
 *
 * What it cannot do. When both writers are killed before reconciling and their journals are
 * lost, nobody knows which extra runs are whose: the duplicates stay until someone deletes them
 * by hand (the plan of any later batch shows them). Runs another user made are never deleted.
 * A batch killed before reconciling leaves the identities flagged in its journal: the next run
 * of the same command reconciles them first.
 *
 * @module
 */
import { setTimeout as sleep } from "node:timers/promises";
import { decodeJwt } from "jose";
import type { ItkpdClient } from "../client/client.ts";
import { classifyWriteFailure } from "../client/http.ts";
import { ItkpdError } from "../errors.ts";
import { type ListedRun, presentRuns } from "../upload/upload_once.ts";
import type { Journal, JournalEntry } from "./journal.ts";
import { existingRuns, type RunRef } from "./plan.ts";

/** Default time the server is given to store a write whose answer was lost (5 s). */
const DEFAULT_SETTLE_MS = 5_000;

/** What became of one identity with more than one run, or whose reconciliation failed. */
export interface IdentityReconciliation {
  key: string;
  /** Present runs found. */
  runs: number;
  /** The run kept (the earliest). */
  keptId?: string;
  /** Extra runs this batch made, deleted. */
  deletedIds: string[];
  /** Extra runs not this batch's, left alone. */
  leftAlone: string[];
  /** Why it could not be reconciled (it is tried again by the next run). */
  error?: string;
  /**
   * For an item whose every answer was lost (left "outcome unknown" by the uploads): its run is
   * on the server now, made by this batch (`created`) or by another writer (`present`).
   */
  settled?: "created" | "present";
}

/** The outcome of {@link reconcileBatch}. */
export interface ReconcileReport {
  /** Identities looked at. */
  checked: number;
  /** Of those, the ones with more than one present run. */
  duplicates: number;
  /** Extra runs deleted. */
  deleted: number;
  /** Extra runs left alone (not this batch's). */
  leftAlone: number;
  /** Identities that could not be reconciled (left for the next run). */
  failed: number;
  /** How long it waited for late commits, in ms. */
  waitedMs: number;
  /** The identities with something to say (duplicates, failures). */
  identities: IdentityReconciliation[];
  /** Set when nothing was reconciled (cancelled): the identities stay flagged. */
  skipped?: string;
}

/** Options of {@link reconcileBatch}. */
export interface ReconcileOptions {
  /** Project and component type of the runs (for look-ups by test type). */
  project: string;
  componentType: string;
  /** Above this many components, runs are listed per test type (default 50). */
  perComponentLimit?: number;
  /** Time the server is given to store a write whose answer was lost (default 5 s). */
  settleMs?: number;
  /** Receives a line when it waits. */
  log?: (line: string) => void;
  /** Stops the wait (the identities stay flagged for the next run). */
  signal?: AbortSignal;
}

/** The identity of a journal entry, as a look-up needs it. */
function runRefOfEntry(entry: JournalEntry): RunRef {
  const [serial, testType, ...rest] = entry.key.split("|");
  return {
    key: entry.key,
    serial,
    componentCode: entry.componentCode ?? serial,
    testType: entry.testType ?? testType,
    runNumber: entry.runNumber ?? rest.join("|"),
  };
}

/**
 * Reconciles every identity the journal has flagged (see the module doc). Never throws for one
 * identity's failure: it is in the report, and the identity stays flagged.
 */
export async function reconcileBatch(
  client: ItkpdClient,
  journal: Journal,
  opts: ReconcileOptions,
): Promise<ReconcileReport> {
  const entries = journal.toReconcile();
  const report: ReconcileReport = {
    checked: entries.length,
    duplicates: 0,
    deleted: 0,
    leftAlone: 0,
    failed: 0,
    waitedMs: 0,
    identities: [],
  };
  if (entries.length === 0) return report;

  // Late commits: wait until the server had `settleMs` after the last lost answer.
  const settleMs = opts.settleMs ?? DEFAULT_SETTLE_MS;
  const lastLost = Math.max(
    0,
    ...entries.filter((e) => e.unknownSends > 0 && e.lastUnknownAt)
      .map((e) => Date.parse(e.lastUnknownAt!)),
  );
  const wait = lastLost > 0 ? lastLost + settleMs - Date.now() : 0;
  if (wait > 0) {
    const lost = entries.filter((e) => e.unknownSends > 0).length;
    opts.log?.(
      `reconciling: waiting ${(wait / 1000).toFixed(1)} s for late commits of ` +
        `${lost} run(s) whose answer was lost`,
    );
    // Cut short by a cancel, which is checked next.
    await sleep(wait, undefined, { signal: opts.signal }).catch((e) => {
      if (!opts.signal?.aborted) throw e;
    });
    report.waitedMs = wait;
  }
  if (opts.signal?.aborted) {
    report.skipped = "cancelled";
    return report;
  }

  const refs = entries.map(runRefOfEntry);
  let runs: Map<string, ListedRun[]>;
  try {
    runs = await existingRuns(client, refs, {
      project: opts.project,
      componentType: opts.componentType,
      perComponentLimit: opts.perComponentLimit ?? 50,
    });
  } catch (e) {
    report.failed = entries.length;
    report.identities.push(...entries.map((en) => ({
      key: en.key,
      runs: 0,
      deletedIds: [],
      leftAlone: [],
      error: `the runs could not be listed: ${firstLine(e)}`,
    })));
    return report;
  }

  let me: string | null | undefined;
  const myIdentity = async () => (me ??= await subjectOf(client));
  // Identities with one run (or none): nothing to do but say so, in one journal write.
  const single: { key: string; keptId: string | null }[] = [];
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i];
    const ref = refs[i];
    const present = runs.get(entry.key) ?? [];
    // An item whose answers were all lost: the run that stays settles it.
    const unsettled = entry.state === "sending" && present.length > 0;
    if (present.length <= 1 && !unsettled) {
      single.push({ key: entry.key, keptId: present[0]?.id ?? null });
      continue;
    }
    if (present.length <= 1) {
      const kept = present[0];
      const one = { key: entry.key, runs: 1, keptId: kept.id, deletedIds: [], leftAlone: [] };
      try {
        const own = (await ownRuns(client, entry, [kept], myIdentity)).has(kept.id);
        settleItem(journal, entry.key, kept.id, own);
        journal.markReconciled(entry.key, { keptId: kept.id, deletedIds: [], settled: true });
        report.identities.push({ ...one, settled: own ? "created" : "present" });
      } catch (e) {
        if (!(e instanceof ItkpdError)) throw e;
        report.failed++;
        report.identities.push({ ...one, error: firstLine(e) });
      }
      continue;
    }
    report.duplicates++;
    const [kept, ...extras] = present;
    const result: IdentityReconciliation = {
      key: entry.key,
      runs: present.length,
      keptId: kept.id,
      deletedIds: [],
      leftAlone: [],
    };
    try {
      const own = await ownRuns(client, entry, present, myIdentity);
      if (entry.state === "sending") {
        settleItem(journal, entry.key, kept.id, own.has(kept.id));
        result.settled = own.has(kept.id) ? "created" : "present";
      }
      for (const extra of extras) {
        if (!own.has(extra.id)) {
          result.leftAlone.push(extra.id);
          continue;
        }
        await deleteOnce(client, extra.id, ref);
        result.deletedIds.push(extra.id);
      }
      journal.markReconciled(entry.key, {
        keptId: kept.id,
        deletedIds: result.deletedIds,
        settled: true,
      });
    } catch (e) {
      if (!(e instanceof ItkpdError)) throw e;
      result.error = firstLine(e);
      report.failed++;
      journal.markReconciled(entry.key, {
        keptId: kept.id,
        deletedIds: result.deletedIds,
        settled: false,
      });
    }
    report.deleted += result.deletedIds.length;
    report.leftAlone += result.leftAlone.length;
    report.identities.push(result);
  }
  journal.markReconciledMany(single);
  return report;
}

/** Records in the journal the run that settles an item whose answers were all lost. */
function settleItem(journal: Journal, key: string, keptId: string, own: boolean): void {
  if (own) journal.markCreated(key, keptId, false);
  else journal.markSkipped(key, keptId);
}

/** The runs of `runs` that are this batch's: answered to it, or (after a lost answer) its user's. */
async function ownRuns(
  client: ItkpdClient,
  entry: JournalEntry,
  runs: ListedRun[],
  myIdentity: () => Promise<string | null>,
): Promise<Set<string>> {
  const own = new Set(runs.filter((r) => entry.createdIds.includes(r.id)).map((r) => r.id));
  const unsure = runs.filter((r) => !own.has(r.id));
  if (entry.unknownSends === 0 || unsure.length === 0) return own;
  const me = await myIdentity();
  if (!me) return own;
  for (const run of await client.getTestRunBulk(unsure.map((r) => r.id))) {
    const user = (run as { user?: { userIdentity?: unknown } }).user;
    if (user?.userIdentity === me) own.add(run.id);
  }
  return own;
}

/** The subject (user identity) of the client's token, if it says. */
async function subjectOf(client: ItkpdClient): Promise<string | null> {
  const token = await client.auth.getToken();
  try {
    const sub = decodeJwt(token).sub;
    return typeof sub === "string" && sub ? sub : null;
  } catch {
    return null;
  }
}

/**
 * Deletes a run (it stays, state `deleted`); a lost answer is settled by looking whether the
 * run is still present, and the delete sent again only then (deleting twice is harmless).
 */
async function deleteOnce(client: ItkpdClient, id: string, ref: RunRef): Promise<void> {
  const identity = {
    component: ref.componentCode,
    testType: ref.testType,
    runNumber: ref.runNumber,
  };
  for (let attempt = 1;; attempt++) {
    try {
      await client.deleteTestRun({ testRun: id });
      return;
    } catch (e) {
      const kind = classifyWriteFailure(e);
      if (kind === "not-sent" || kind === "not-stored" || attempt >= 3) throw e;
      // Unknown, or refused (e.g. deleted already by another writer): is it still there?
      const still = (await presentRuns(client, identity)).some((r) => r.id === id);
      if (!still) return;
      if (kind === "refused") throw e;
    }
  }
}

function firstLine(e: unknown): string {
  return e instanceof Error ? e.message.split("\n")[0] : String(e);
}
