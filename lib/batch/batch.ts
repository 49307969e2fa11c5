/**
 * The whole batch in one call: find the files, read the manifest, plan, show the plan, upload
 * with progress and journal, write the report. `deno task batch-upload`, the demo and the
 * notebooks use this.
 *
 * @module
 */
import { join, resolve } from "node:path";
import type { ItkpdClient } from "../client/client.ts";
import { type BreakModeMapping, DEFAULT_BREAK_MODE_MAPPING } from "../analysis/break_modes.ts";
import { loadBreakModeMapping } from "../upload/data_files.ts";
import type { ProgressReporter } from "../progress/reporter.ts";
import type { Plot } from "../plots/plot.ts";
import { WIREBOND_PULL_CUTS } from "../analysis/wirepull.ts";
import { UsageError } from "../errors.ts";
import { discoverInputs } from "./discover.ts";
import { Journal, type JournalOptions } from "./journal.ts";
import { loadManifest } from "./manifest.ts";
import { type BatchPlan, planBatch } from "./plan.ts";
import { checkReportPath, formatPlan, formatSummary, writeReport } from "./report.ts";
import { type BatchReport, runBatch, type RunOptions } from "./runner.ts";
import { formatAttachments } from "./attach.ts";

/** Default journal file name, inside the batch folder (hidden, so never taken as input). */
const DEFAULT_JOURNAL_NAME = ".itkpd-journal.sqlite";
/** Default report file name, inside the batch folder. */
const DEFAULT_REPORT_NAME = ".itkpd-report.json";

/** Options of {@link batchUpload}. */
export interface BatchOptions {
  /** Folder of input files (walked recursively). */
  dir?: string;
  /** More input files. */
  files?: string[];
  /** Manifest (CSV or JSON) mapping files to components. */
  manifest?: string;
  /** Default institution. */
  institution?: string;
  /** Default operator. */
  operator?: string;
  /** Uploads at the same time (default 8). */
  concurrency?: number;
  /** Stop after the plan. */
  dryRun?: boolean;
  /** Send nothing when any item is invalid. */
  allOrNothing?: boolean;
  /** Journal file (default `<dir>/.itkpd-journal.sqlite`, or `:memory:` without a dir). */
  journal?: string;
  /** Report file (default `<dir>/.itkpd-report.json`; none without a dir). */
  report?: string;
  /** Grade code → break mode, or a mapping file. */
  breakModes?: BreakModeMapping | string;
  /** Test type for DAGE files. */
  dageTestType?: "WIREBOND_PULL_TEST" | "WIREBOND";
  /** Progress display of the upload. */
  progress?: ProgressReporter;
  /** Receives the plan and summary lines (default: nothing). */
  log?: (text: string) => void;
  /** Cancels the batch. */
  signal?: AbortSignal;
  /** Keep only the runs' identities in the plan (default: above 200 files); see PlanOptions. */
  light?: boolean;
  /** Write the module comparison plot (mean and minimum load per module) to this SVG file. */
  plot?: string;
  /** Accept test-run JSON files whose every value is still a prototype default. */
  allowDefaultValues?: boolean;
  /** Time the server is given to store a write whose answer was lost, before reconciling. */
  settleMs?: number;
  /** Items in a row not reaching the site before the batch stops (default 3). */
  siteDownAfter?: number;
  /** Options of the journal (e.g. its storage-fault seam, for tests). */
  journalOptions?: JournalOptions;
  /** A step for each run created (see {@link RunOptions.afterCreate}). */
  afterCreate?: RunOptions["afterCreate"];
  /**
   * Attach each item's source file to its run, exactly once (see attach.ts; default false,
   * `batch-upload` turns it on unless `--no-attach`).
   */
  attach?: boolean;
}

/** What {@link batchUpload} did. */
export interface BatchResult {
  plan: BatchPlan;
  /** Absent for a dry run. */
  report?: BatchReport;
  /** Where the report was written, if anywhere. */
  reportPath?: string;
  journalPath: string;
}

/**
 * Runs a batch from files to report. Throws only for problems of the batch as a whole (then,
 * for a real run, the report file says that this run failed, so that a previous run's report is
 * never taken for this one's).
 */
export async function batchUpload(client: ItkpdClient, opts: BatchOptions): Promise<BatchResult> {
  const log = opts.log ?? (() => {});
  if (opts.journal === "") {
    throw new UsageError("--journal needs a file path (leave it out for the default)");
  }
  const dir = opts.dir === undefined ? undefined : resolve(opts.dir);
  const journalPath = opts.journal ?? (dir ? join(dir, DEFAULT_JOURNAL_NAME) : ":memory:");
  const reportPath = opts.report ?? (dir ? join(dir, DEFAULT_REPORT_NAME) : undefined);
  const ignore = [journalPath, `${journalPath}-wal`, `${journalPath}-shm`, `${journalPath}.lock`];
  if (reportPath) ignore.push(reportPath);
  if (opts.manifest) ignore.push(opts.manifest);
  if (reportPath) await checkReportPath(reportPath);
  const startedAt = new Date().toISOString();
  let journal: Journal | undefined;
  try {
    const files = await discoverInputs(
      dir,
      opts.files ?? [],
      ignore,
      (skipped) => log(`skipped: ${skipped.display}: ${skipped.reason}`),
    );
    const manifest = opts.manifest ? await loadManifest(opts.manifest) : undefined;
    const mapping = typeof opts.breakModes === "string"
      ? await loadBreakModeMapping(opts.breakModes)
      : opts.breakModes ?? DEFAULT_BREAK_MODE_MAPPING;
    log(`found ${files.length} input file(s)${dir ? ` under ${opts.dir}` : ""}`);
    // The journal is opened (locked, and checked to be writable) before the plan, so that a
    // wrong path, a read-only journal or a batch already running on it is known before any work.
    journal = opts.dryRun ? undefined : Journal.open(journalPath, opts.journalOptions);
    return await planAndRun(
      client,
      opts,
      files,
      mapping,
      manifest,
      journal,
      journalPath,
      reportPath,
    );
  } catch (e) {
    if (!opts.dryRun && reportPath && !(e instanceof Deno.errors.NotCapable)) {
      await writeFailedReport(reportPath, client, startedAt, e);
    }
    throw e;
  } finally {
    journal?.close();
  }
}

/**
 * A run that failed as a whole replaces an older report with one saying so (none is created
 * where there was none).
 */
async function writeFailedReport(
  path: string,
  client: ItkpdClient,
  startedAt: string,
  e: unknown,
): Promise<void> {
  try {
    if (!(await Deno.lstat(path)).isFile) return;
  } catch {
    return;
  }
  const report: BatchReport = {
    startedAt,
    finishedAt: new Date().toISOString(),
    site: client.config.apiUrl,
    counts: { created: 0, skipped: 0, failed: 0, invalid: 0 },
    error: `this run failed before uploading anything: ${
      e instanceof Error ? e.message.split("\n")[0] : String(e)
    }`,
    items: [],
  };
  await writeReport(path, report).catch(() => {
    // The report's place cannot be written either: the error line says what matters.
  });
}

async function planAndRun(
  client: ItkpdClient,
  opts: BatchOptions,
  files: Awaited<ReturnType<typeof discoverInputs>>,
  mapping: BreakModeMapping,
  manifest: Awaited<ReturnType<typeof loadManifest>> | undefined,
  journal: Journal | undefined,
  journalPath: string,
  reportPath: string | undefined,
): Promise<BatchResult> {
  const log = opts.log ?? (() => {});
  const plan = await planBatch(client, files, {
    mapping,
    manifest,
    institution: opts.institution,
    operator: opts.operator,
    dageTestType: opts.dageTestType,
    light: opts.light,
    allowDefaultValues: opts.allowDefaultValues,
  });
  log(formatPlan(plan));
  if (opts.plot) {
    await (await batchPlot(plan)).save(opts.plot);
    log(`plot: ${opts.plot}`);
  }
  if (!journal) return { plan, journalPath };
  const report = await runBatch(client, plan, {
    journal,
    concurrency: opts.concurrency,
    progress: opts.progress,
    allOrNothing: opts.allOrNothing,
    signal: opts.signal,
    settleMs: opts.settleMs,
    siteDownAfter: opts.siteDownAfter,
    afterCreate: opts.afterCreate,
    attach: opts.attach,
    log,
  });
  log(formatSummary(report));
  const attachments = formatAttachments(report.items);
  if (attachments) log(attachments);
  if (reportPath) {
    await writeReport(reportPath, report);
    log(`report: ${reportPath}`);
  }
  return { plan, report, reportPath, journalPath };
}

/** Mean and minimum load of every wire-pull module of a plan (to create or present), and the cuts. */
async function batchPlot(plan: BatchPlan): Promise<Plot> {
  const items = [...plan.toCreate, ...plan.present.map((p) => p.item)]
    .filter((i) => i.summary.mean !== undefined && i.summary.min !== undefined);
  const rows = items.map((i) => ({
    module: i.dtoIn.component,
    mean: i.summary.mean!,
    min: i.summary.min!,
    passed: (i.summary.failedCuts ?? []).length === 0,
  })).sort((a, b) => (a.module < b.module ? -1 : a.module > b.module ? 1 : 0));
  // Loaded only when a plot is asked for: the plotting library is large, and a batch of
  // thousands of files should not carry it in memory.
  const { moduleComparison } = await import("../plots/module_comparison.ts");
  return await moduleComparison(rows, {
    meanCut: WIREBOND_PULL_CUTS.PULL_STRENGTH_MIN_MEAN,
    minCut: WIREBOND_PULL_CUTS.PULL_STRENGTH_MIN_MIN,
    title: `Pull strength of ${rows.length} modules`,
  });
}
