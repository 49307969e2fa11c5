/**
 * The batch's attachments: each item's source file (the DAGE export, IV table or test-run JSON
 * it was made from) attached to its run, exactly once, whatever stops the batch.
 *
 * - **Before a run is created**, its file is checked ({@link checkItemAttachable}): a file above
 *   the binary store's limit is refused and the run is not sent (one line, the item failed).
 * - **Right after a run is created** (answered, or found by the look-up after a lost answer) and
 *   recorded, its file is attached ({@link attachItem}, through `attachOnce`: a file of the same
 *   name and content already on the run is not sent again) and the journal records it `done`.
 * - **Completion** ({@link completeAttachments}): after the uploads and the reconciliation, the
 *   items whose run exists but whose journal does not say `done` on that run — a batch killed
 *   between a run and its attachment, runs found present by the plan (made by an earlier run
 *   whose journal was lost, or with `--no-attach`), runs settled by the reconciliation, a run
 *   kept by the reconciliation in place of this batch's — get their file, the server asked
 *   first (attachOnce), so that nothing is attached twice.
 * - A failed attachment never undoes the run: the item stays `created` (or `skipped`), its
 *   attachment is reported as failed, the journal keeps it `pending`, and the next run of the
 *   same command attaches it. One that failed in this run is not tried again in the same run.
 *
 * @module
 */
import type { ItkpdClient } from "../client/client.ts";
import { runPool } from "../_pool.ts";
import {
  attachSources,
  checkAttachable,
  describeSource,
  readSources,
  type SourceOutcome,
} from "../upload/attach_sources.ts";
import { isPermissionError } from "../upload/files.ts";
import type { BatchInputFile } from "./discover.ts";
import type { Journal } from "./journal.ts";

/** What became of an item's source file. */
export interface ItemAttachment extends SourceOutcome {
  /** The run was there before this batch attached to it (found present, or after a crash). */
  wasThere?: boolean;
}

/** Counts of a batch's attachments. */
export interface AttachmentCounts {
  /** Files attached by this run. */
  attached: number;
  /** Files found already on their runs (same name and content): not sent again. */
  present: number;
  /** Files that could not be attached (their runs stay; the next run attaches them). */
  failed: number;
}

/** An item as the attachments need it: its key, file, status and run. */
export interface AttachableItem {
  key?: string;
  status: "created" | "skipped" | "failed" | "invalid" | "planned" | "not sent";
  testRunId?: string;
  existingId?: string;
  attachment?: ItemAttachment;
}

/**
 * Refuses an item whose source file cannot be attached (above the binary store's limit, not a
 * regular file), before its run is created: an `InputError` of one line.
 */
export function checkItemAttachable(file: BatchInputFile, limit: number): void {
  checkAttachable([{ path: file.path, name: file.display }], limit);
}

/**
 * Attaches an item's source file to run `runId` at most once and records it in the journal:
 * `done` on that run, or, when it failed, the error (the item stays `pending` for the next
 * run). Never throws for the attachment's failure (a missing permission, a journal that cannot
 * be written, are thrown as they are).
 */
export async function attachItem(
  client: ItkpdClient,
  journal: Journal,
  key: string,
  file: BatchInputFile,
  runId: string,
  opts: { wasThere?: boolean } = {},
): Promise<ItemAttachment> {
  let outcome: SourceOutcome;
  try {
    const [source] = await readSources(
      [{ path: file.path, name: file.display }],
      client.maxAttachmentBytes,
    );
    [outcome] = await attachSources(client, runId, [source]);
  } catch (e) {
    if (isPermissionError(e)) throw e;
    // The file cannot be read any more (moved, removed since the plan).
    outcome = {
      file: file.display,
      filename: file.display.split("/").at(-1) ?? file.display,
      bytes: 0,
      runId,
      status: "failed",
      error: e instanceof Error ? e.message.split("\n")[0] : String(e),
      ...(e instanceof Error ? { errorType: e.name } : {}),
    };
  }
  if (outcome.status === "failed") journal.markAttachFailed(key, outcome.error ?? "failed");
  else journal.markAttached(key, runId);
  return { ...outcome, file: file.display, ...(opts.wasThere ? { wasThere: true } : {}) };
}

/**
 * True when an attachment failed because the site did not answer (no connection, a timeout, a
 * lost answer): it counts toward the batch's "site down" stop like an upload that could not be
 * sent.
 */
export function siteDidNotAnswer(a: ItemAttachment | undefined): boolean {
  return a?.status === "failed" &&
    ["NetworkError", "TimeoutError", "OutcomeUnknownError"].includes(a.errorType ?? "");
}

/** The run an item has now (its own, the one found present, or the one reconciliation kept). */
function runOf(item: AttachableItem): string | undefined {
  if (item.status === "created") return item.testRunId;
  if (item.status === "skipped") return item.existingId;
  return undefined;
}

/** Options of {@link completeAttachments}. */
export interface CompleteOptions {
  /** The source file of every item of the plan, by key. */
  files: ReadonlyMap<string, BatchInputFile>;
  /** The run each item's attachment was tried on in this batch (not tried again on it). */
  tried: ReadonlyMap<string, string>;
  /** Attachments at the same time (default 8). */
  concurrency?: number;
  /** Receives a line when there is something to complete. */
  log?: (line: string) => void;
  /** Stops taking new items. */
  signal?: AbortSignal;
}

/**
 * Attaches the source files that the runs of `items` still lack by the journal (see the module
 * doc), and sets each item's `attachment`. Stops at a journal that cannot be written (thrown).
 */
export async function completeAttachments(
  client: ItkpdClient,
  journal: Journal,
  items: readonly AttachableItem[],
  opts: CompleteOptions,
): Promise<void> {
  const todo = items.filter((item) => {
    const runId = runOf(item);
    if (!item.key || !runId || opts.tried.get(item.key) === runId) return false;
    const entry = journal.get(item.key);
    if (!entry || (entry.state !== "created" && entry.state !== "skipped")) return false;
    if (!opts.files.has(item.key)) return false;
    return entry.attachState === "pending" ||
      (entry.attachState === "done" && entry.attachedTo !== runId);
  });
  if (todo.length === 0) return;
  opts.log?.(`attaching: ${todo.length} source file(s) of runs already there, if missing`);
  // A journal that cannot be written (or a missing permission) stops the pool, thrown.
  await runPool(todo.length, opts.concurrency ?? 8, async (i) => {
    const item = todo[i];
    item.attachment = await attachItem(
      client,
      journal,
      item.key!,
      opts.files.get(item.key!)!,
      runOf(item)!,
      { wasThere: true },
    );
  }, { stop: () => opts.signal?.aborted === true });
}

/** The counts of the items' attachments (`undefined` when none was made or tried). */
export function countAttachments(
  items: readonly AttachableItem[],
): AttachmentCounts | undefined {
  const counts: AttachmentCounts = { attached: 0, present: 0, failed: 0 };
  let any = false;
  for (const item of items) {
    const a = item.attachment;
    if (!a) continue;
    any = true;
    counts[a.status === "attached" ? "attached" : a.status === "present" ? "present" : "failed"]++;
  }
  return any ? counts : undefined;
}

/**
 * The summary's lines about attachments: the counts, the files attached (the first ten), and
 * every failure (the first ten), each saying that the run stays and what to do.
 *
 * @example
 * ```ts
 * import { formatAttachments } from "./attach.ts";
 * formatAttachments([{ status: "created", key: "k", testRunId: "r1", attachment: {
 *   file: "a.csv", filename: "a.csv", bytes: 2118, runId: "r1", status: "attached" } }]);
 * // "attachments: 1 attached, 0 already on their runs, 0 failed\n  attached a.csv (2.1 kB) to run r1"
 * ```
 */
export function formatAttachments(items: readonly AttachableItem[], max = 10): string {
  const counts = countAttachments(items);
  if (!counts) return "";
  const lines = [
    `attachments: ${counts.attached} attached, ${counts.present} already on their runs, ` +
    `${counts.failed} failed` +
    (counts.failed ? " (their runs stay created; run the same command again to attach them)" : ""),
  ];
  const attached = items.filter((i) => i.attachment?.status === "attached");
  for (const i of attached.slice(0, max)) {
    lines.push(`  ${describeSource(i.attachment!, { wasThere: i.attachment!.wasThere })}`);
  }
  if (attached.length > max) {
    lines.push(`  … and ${attached.length - max} more attached (see the report)`);
  }
  const failed = items.filter((i) => i.attachment?.status === "failed");
  for (const i of failed.slice(0, max)) {
    const a = i.attachment!;
    lines.push(`  attachment failed: ${a.file}: not attached to run ${a.runId}: ${a.error}`);
  }
  if (failed.length > max) {
    lines.push(`  … and ${failed.length - max} more attachments failed (see the report)`);
  }
  return lines.join("\n");
}
