/**
 * The end of a data-file step (wire-pull CSV, IV table): the final guard on the run, the
 * test-run JSON and the plots asked for written atomically (all checked before any is written;
 * an existing file with other content is refused unless `force`), then the upload at most
 * once when asked, and the source files attached to the run at most once (attach_sources.ts:
 * checked before anything is written or sent; attached to the run created, or to the run found
 * already in ITkPD when one of them is missing from it), saying each thing done.
 *
 * @module
 */
import type { ItkpdClient } from "../client/client.ts";
import { escapeControls } from "../escape.ts";
import { type OutputFs, writeOutputFiles, type WriteStatus } from "../io/write_output.ts";
import { formatJson } from "./files.ts";
import { assertSafeRun } from "./guard.ts";
import type { CreatedRun } from "./upload_once.ts";
import type { SourceFile } from "./attach_sources.ts";
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
  /** Run numbers the same data had before (see `RunIdentity.formerRunNumbers`). */
  formerRunNumbers?: readonly string[];
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
  /** A step run once the run is created; see uploadRunOnce. */
  afterCreate?: (run: CreatedRun) => void | Promise<void>;
  /**
   * Files to attach to the uploaded run (with `client`): the step's source files. Checked
   * before anything is written or sent (a file above the binary store's limit stops the step).
   */
  attach?: readonly SourceFile[];
}

/** What {@link finishStep} did that the exit code must tell. */
export interface StepResult {
  /** Source files that could not be attached (the run stays; a re-run attaches them). */
  attachFailures: number;
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
export async function finishStep(o: StepOutput): Promise<StepResult> {
  assertSafeRun(o.testRun, o.out, { completeResults: true });
  // The files to attach are read (and refused when they cannot be attached) before anything is
  // written or sent: a run is never created without the file it was to carry.
  const attach = o.client && o.attach?.length ? await import("./attach_sources.ts") : undefined;
  const sources = attach && o.client
    ? await attach.readSources(o.attach!, o.client.maxAttachmentBytes)
    : [];
  const files: { path: string; content: string | Uint8Array }[] = [
    { path: o.out, content: formatJson(o.testRun) },
  ];
  for (const p of o.plots ?? []) {
    files.push({ path: p.path, content: await (await p.make()).fileContent(p.path) });
  }
  const statuses = await writeOutputFiles(files, { overwrite: o.force, fs: o.fs });
  files.forEach((f, i) => o.log(describeWrite(f.path, statuses[i])));
  if (!o.client) return { attachFailures: 0 };
  // The upload path (client, schemas) is loaded only for an upload: a local step never loads it.
  const { describeUploadOnce, uploadOnce } = await import("./upload_once.ts");
  const outcome = await uploadOnce(o.client, o.testRun, {
    source: o.out,
    note: o.note,
    hooks: o.afterCreate ? { afterCreate: o.afterCreate } : undefined,
    formerRunNumbers: o.formerRunNumbers,
  });
  o.log(describeUploadOnce(outcome, o.testRun.runNumber));
  if (!attach) return { attachFailures: 0 };
  const attached = await attach.attachSources(o.client, outcome.id, sources);
  for (const a of attached) {
    const line = attach.describeSource(a, { wasThere: !outcome.created });
    if (a.status === "failed") o.note(line);
    else o.log(line);
  }
  return { attachFailures: attached.filter((a) => a.status === "failed").length };
}
