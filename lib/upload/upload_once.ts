/**
 * Uploading a test run built from a data file (wire-pull CSV, IV table) at most once: prepared
 * and checked against its test type, then sent only when the database has no run of the same
 * component, test type and run number (the run number is derived from the data).
 *
 * @module
 */
import type { ItkpdClient } from "../client/client.ts";
import { NetworkError, ServerError } from "../errors.ts";
import type { JsonObject } from "./files.ts";
import { findExistingRun, prepareUpload, uploadPrepared } from "./prepare.ts";

/** What {@link uploadOnce} did: created a run, or found the one already there. */
export type UploadOnceOutcome =
  | { created: true; id: string }
  | { created: false; id: string };

/** Options of {@link uploadOnce}. */
export interface UploadOnceOptions {
  /** The file the run was written to, named in problems. */
  source: string;
  /** Receives notes (keys left out, …). */
  note?: (line: string) => void;
}

/** Prepares, checks and uploads `testRun` unless the database already has it. */
export async function uploadOnce(
  client: ItkpdClient,
  testRun: object,
  opts: UploadOnceOptions,
): Promise<UploadOnceOutcome> {
  const prepared = await prepareUpload(client, testRun as unknown as JsonObject, {
    source: opts.source,
  });
  for (const n of prepared.notices) opts.note?.(`note: ${n.path}: ${n.message}`);
  const earlier = await findExistingRun(client, prepared);
  if (earlier) return { created: false, id: earlier.id };
  try {
    const { id } = await uploadPrepared(client, prepared);
    return { created: true, id };
  } catch (e) {
    if (!outcomeUnknown(e)) throw e;
    // The answer was lost: the run may be stored. Look before saying anything.
    const stored = await findExistingRun(client, prepared).catch(() => undefined);
    if (stored) return { created: true, id: stored.id };
    throw new NetworkError(
      `${(e as Error).message.split("\n")[0]}; the run is not in the database`,
      { cause: e, maybeSent: false, hint: "run the same command again: it is safe" },
    );
  }
}

function outcomeUnknown(e: unknown): boolean {
  if (e instanceof NetworkError) return e.maybeSent;
  return e instanceof ServerError && e.status >= 500;
}

/** The lines a script prints for an outcome (the original printed `method POST`). */
export function describeUploadOnce(outcome: UploadOnceOutcome, runNumber: string): string {
  return outcome.created
    ? `method POST\ntestRun ${outcome.id}`
    : `already uploaded as ${outcome.id} (run number ${runNumber}); not uploaded again`;
}
