/**
 * Uploading a test run built from a data file (wire-pull CSV, IV table) at most once: prepared
 * and checked against its test type, then sent only when the database has no run of the same
 * component, test type and run number (the run number is derived from the data).
 *
 * @module
 */
import type { ItkpdClient } from "../client/client.ts";
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
  const { id } = await uploadPrepared(client, prepared);
  return { created: true, id };
}

/** The lines a script prints for an outcome (the original printed `method POST`). */
export function describeUploadOnce(outcome: UploadOnceOutcome, runNumber: string): string {
  return outcome.created
    ? `method POST\ntestRun ${outcome.id}`
    : `already uploaded as ${outcome.id} (run number ${runNumber}); not uploaded again`;
}
