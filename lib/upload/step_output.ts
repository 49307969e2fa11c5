/**
 * The end of a data-file step (wire-pull CSV, IV table): the final guard on the run, the
 * test-run JSON and the plots asked for written atomically (all checked before any is written;
 * an existing file with other content is refused unless `force`), then the upload at most
 * once when asked, saying each thing done.
 *
 * @module
 */
import type { ItkpdClient } from "../client/client.ts";
import { escapeControls } from "../escape.ts";
import { type OutputFs, writeOutputFiles, type WriteStatus } from "../io/write_output.ts";
import { formatJson } from "./files.ts";
import { assertSafeRun } from "./guard.ts";
import type { CreatedRun } from "./upload_once.ts";
import type { Plot } from "../plots/plot.ts";

/** A plot to write: where, and how to make it (only made when asked for). */
export interface StepPlot {
  path: string;
  /** Made only when written; `fileContent` gives the SVG, PNG or PDF its extension asks for. */
  make: () => Promise<Pick<Plot, "fileContent">>;
}

/** What {@link finishStep} writes and sends. */
export interface StepOutput {
  /** The test run built from the data. */
  testRun: { runNumber: string };
  /** Where the JSON goes. */
  out: string;
  /** Plots to write. */
  plots?: readonly StepPlot[];
  /** Replace existing files whose content differs (`--force`). */
  force?: boolean;
  /** The file-system calls (tests inject storage faults here). */
  fs?: OutputFs;
  /** Uploads when given (at most once: an existing run is reported, not duplicated). */
  client?: ItkpdClient;
  /** Lines for stdout. */
  log: (line: string) => void;
  /** Notes for stderr. */
  note: (line: string) => void;
  /** A step run once the run is created (e.g. attaching the data file); see uploadRunOnce. */
  afterCreate?: (run: CreatedRun) => void | Promise<void>;
}

/** How a write is said. */
export function describeWrite(path: string, status: WriteStatus): string {
  const p = escapeControls(path);
  switch (status) {
    case "created":
      return `wrote ${p}`;
    case "replaced":
      return `wrote ${p} (replaced the previous file: --force)`;
    case "unchanged":
      return `${p} already holds exactly this; left as it is`;
  }
}

/**
 * Guards the run, writes the JSON and plots, then uploads when a client is given. Nothing is
 * written or sent when the run holds a value that cannot be stored (`NaN`, `Infinity`, out of
 * range, control characters): see `guard.ts`.
 */
export async function finishStep(o: StepOutput): Promise<void> {
  assertSafeRun(o.testRun, o.out, { completeResults: true });
  const files: { path: string; content: string | Uint8Array }[] = [
    { path: o.out, content: formatJson(o.testRun) },
  ];
  for (const p of o.plots ?? []) {
    files.push({ path: p.path, content: await (await p.make()).fileContent(p.path) });
  }
  const statuses = await writeOutputFiles(files, { overwrite: o.force, fs: o.fs });
  files.forEach((f, i) => o.log(describeWrite(f.path, statuses[i])));
  if (!o.client) return;
  // The upload path (client, schemas) is loaded only for an upload: a local step never loads it.
  const { describeUploadOnce, uploadOnce } = await import("./upload_once.ts");
  const outcome = await uploadOnce(o.client, o.testRun, {
    source: o.out,
    note: o.note,
    hooks: o.afterCreate ? { afterCreate: o.afterCreate } : undefined,
  });
  o.log(describeUploadOnce(outcome, o.testRun.runNumber));
}
