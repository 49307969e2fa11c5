/**
 * The end of a data-file step (wire-pull CSV, IV table): write the test-run JSON, the plot when
 * asked, and upload at most once when asked, saying each thing done.
 *
 * @module
 */
import type { ItkpdClient } from "../client/client.ts";
import { writeJsonFile } from "./files.ts";
import { type CreatedRun, describeUploadOnce, uploadOnce } from "./upload_once.ts";

/** What {@link finishStep} writes and sends. */
export interface StepOutput {
  /** The test run built from the data. */
  testRun: { runNumber: string };
  /** Where the JSON goes. */
  out: string;
  /** Where the plot goes, if asked. */
  plot?: string;
  /** Makes the plot (only called when `plot` is set). */
  makePlot: () => Promise<{ save(path: string): Promise<void> }>;
  /** Uploads when given (at most once: an existing run is reported, not duplicated). */
  client?: ItkpdClient;
  /** Lines for stdout. */
  log: (line: string) => void;
  /** Notes for stderr. */
  note: (line: string) => void;
  /** A step run once the run is created (e.g. attaching the data file); see uploadRunOnce. */
  afterCreate?: (run: CreatedRun) => void | Promise<void>;
}

/** Writes the JSON (and plot), then uploads when a client is given. */
export async function finishStep(o: StepOutput): Promise<void> {
  await writeJsonFile(o.out, o.testRun);
  o.log(`wrote ${o.out}`);
  if (o.plot) {
    await (await o.makePlot()).save(o.plot);
    o.log(`wrote ${o.plot}`);
  }
  if (!o.client) return;
  const outcome = await uploadOnce(o.client, o.testRun, {
    source: o.out,
    note: o.note,
    hooks: o.afterCreate ? { afterCreate: o.afterCreate } : undefined,
  });
  o.log(describeUploadOnce(outcome, o.testRun.runNumber));
}
