/**
 * The whole batch in one call: find the files, read the manifest, plan, show the plan, upload
 * with progress and journal, write the report. `deno task batch-upload`, the demo and the
 * notebooks use this.
 *
 * @module
 */
import { dirname, join, resolve } from "node:path";
import type { ItkpdClient } from "../client/client.ts";
import { type BreakModeMapping, DEFAULT_BREAK_MODE_MAPPING } from "../analysis/break_modes.ts";
import { loadBreakModeMapping } from "../upload/data_files.ts";
import type { ProgressReporter } from "../progress/reporter.ts";
import type { Plot } from "../plots/plot.ts";
import { WIREBOND_PULL_CUTS } from "../analysis/wirepull.ts";
import { UsageError } from "../errors.ts";
import { discoverInputs } from "./discover.ts";
import { listInstitutionCodes } from "./institutions.ts";
import { Journal, type JournalOptions } from "./journal.ts";
import { loadManifest } from "./manifest.ts";
import { type BatchPlan, checkInstitutionFlag, noInstitution, planBatch } from "./plan.ts";
import {
  checkReportPath,
  formatFailing,
  formatPlan,
  type FormatPlanOptions,
  formatSummary,
  runStamp,
  writeReport,
  writeRunFile,
} from "./report.ts";
import {
  type BatchReport,
  describeItem,
  type ItemOutcome,
  runBatch,
  type RunOptions,
} from "./runner.ts";
import { fieldsToFill, registrationDrafts } from "./unregistered.ts";
import { formatAttachments } from "./attach.ts";

/** Default journal file name, inside the batch folder (hidden, so never taken as input). */
const DEFAULT_JOURNAL_NAME = ".itkpd-journal.sqlite";

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
  /** Runs sent at the same time; as many more are looked up meanwhile (default 8). */
  concurrency?: number;
  /** Stop after the plan. */
  dryRun?: boolean;
  /** Send nothing when any item is invalid. */
  allOrNothing?: boolean;
  /** Journal file (default `<dir>/.itkpd-journal.sqlite`, or `:memory:` without a dir). */
  journal?: string;
  /**
   * Report file. By default each run writes its own into the batch folder,
   * `<dir>/batch-report-<UTC time>.json` (none without a dir); a dry run writes one too.
   */
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
  /**
   * The institution codes of the site, already asked for (see {@link listInstitutionCodes}):
   * `batch-upload` asks while it loads the batch's code. By default they are listed while the
   * files are found.
   */
  institutions?: Promise<readonly string[]>;
}

/** What {@link batchUpload} did. */
export interface BatchResult {
  plan: BatchPlan;
  /** Absent for a dry run. */
  report?: BatchReport;
  /** Where the report was written, if anywhere (a dry run's too). */
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
  const reportPath = opts.report;
  const ignore = [journalPath, `${journalPath}-wal`, `${journalPath}-shm`, `${journalPath}.lock`];
  if (reportPath) ignore.push(reportPath);
  if (opts.manifest) ignore.push(opts.manifest);
  if (reportPath) await checkReportPath(reportPath);
  const startedAt = new Date().toISOString();
  const target: ReportTarget = { path: reportPath, dir, stamp: runStamp(startedAt), startedAt };
  let journal: Journal | undefined;
  // Asked for now, while the files are found (one round trip less before the plan).
  const institutionCodes = opts.institutions ?? listInstitutionCodes(client);
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
    // Mistakes of the command line are one usage line before any work (no journal, no report):
    // files that get an institution from nowhere, an institution the site does not know.
    if (!opts.institution) {
      const without = files.filter((f) =>
        f.kind !== "testrun" && !manifest?.get(f.path)?.institution
      );
      if (without.length) throw noInstitution(without.map((f) => f.display), files.length);
    }
    const institutions = await institutionCodes;
    checkInstitutionFlag(opts.institution, new Set(institutions));
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
      target,
      institutions,
    );
  } catch (e) {
    // Only a report named with --report can be mistaken for this run's: each run's own report
    // has a name of its own.
    const wholeRun = !(e instanceof Deno.errors.NotCapable) && !(e instanceof UsageError);
    if (!opts.dryRun && reportPath && wholeRun) {
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
  target: ReportTarget,
  institutions: readonly string[],
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
    institutions,
  });
  log(formatPlan(plan, await writeRegistrations(client, plan, target)));
  if (opts.plot) {
    await (await batchPlot(plan)).save(opts.plot);
    log(`plot: ${opts.plot}`);
  }
  if (!journal) {
    const planned = plannedReport(plan, client.config.apiUrl, target.startedAt);
    const reportPath = await saveReport(planned, target);
    log(`dry run: nothing sent${reportPath ? `; report: ${reportPath}` : ""}`);
    const failing = formatFailing(planned.items, { reportPath });
    if (failing) log(failing);
    return { plan, reportPath, journalPath };
  }
  const nothing = plan.toCreate.length === 0;
  if (nothing) log(nothingToUpload(plan));
  const report = await runBatch(client, plan, {
    journal,
    concurrency: opts.concurrency,
    // No "upload 0/0": the line above says it in words.
    progress: nothing ? undefined : opts.progress,
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
  const reportPath = await saveReport(report, target);
  if (reportPath) log(`report: ${reportPath}`);
  log(
    `journal: ${
      journalPath === ":memory:" ? "in memory only (no --dir, no --journal)" : journalPath
    }`,
  );
  const failing = formatFailing(report.items, { reportPath });
  if (failing) log(failing);
  return { plan, report, reportPath, journalPath };
}

/** Where a run's report goes: the file named with --report, or a file of its own in `dir`. */
interface ReportTarget {
  path?: string;
  dir?: string;
  /** The run's stamp in file names. */
  stamp: string;
  startedAt: string;
}

/**
 * Writes the registrations of the modules not in ITkPD next to the report (for
 * `register-component --from`); says where and what to fill in, for the plan's line.
 */
async function writeRegistrations(
  client: ItkpdClient,
  plan: BatchPlan,
  target: ReportTarget,
): Promise<FormatPlanOptions> {
  const folder = target.dir ?? (target.path ? dirname(resolve(target.path)) : undefined);
  if (!folder || !plan.invalid.some((i) => i.reason?.kind === "not registered")) return {};
  const drafts = await registrationDrafts(client, plan);
  if (drafts.length === 0) return {};
  const text = JSON.stringify(drafts, null, 2) + "\n";
  const path = await writeRunFile(folder, "batch-unregistered", target.stamp, text, "list");
  return { registerFile: path, fieldsToFill: fieldsToFill(drafts) };
}

/** Writes the report where `target` says; returns where, or undefined for nowhere. */
async function saveReport(report: BatchReport, target: ReportTarget): Promise<string | undefined> {
  if (target.path) {
    await writeReport(target.path, report);
    return target.path;
  }
  if (!target.dir) return undefined;
  const text = JSON.stringify(report, null, 2) + "\n";
  return await writeRunFile(target.dir, "batch-report", target.stamp, text, "report");
}

/** "nothing to upload: all 300 already in ITkPD", or what else there is. */
function nothingToUpload(plan: BatchPlan): string {
  const present = plan.present.length;
  const invalid = plan.invalid.length;
  if (present + invalid === 0) return "nothing to upload: no input file";
  if (invalid === 0) return `nothing to upload: all ${present} already in ITkPD`;
  return `nothing to upload: ${present} already in ITkPD, ${invalid} invalid (listed above)`;
}

/** A dry run's report: what the plan would do, each run with its QC verdict. */
function plannedReport(plan: BatchPlan, site: string, startedAt: string): BatchReport {
  const items: ItemOutcome[] = [
    ...plan.invalid.map((i): ItemOutcome => ({
      file: i.file.display,
      status: "invalid",
      problems: i.problems,
    })),
    ...plan.present.map((p): ItemOutcome => ({
      ...describeItem(p.item),
      status: "skipped",
      existingId: p.existingId,
    })),
    ...plan.toCreate.map((i): ItemOutcome => ({ ...describeItem(i), status: "planned" })),
  ].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  return {
    startedAt,
    finishedAt: new Date().toISOString(),
    site,
    dryRun: true,
    counts: {
      created: 0,
      skipped: plan.present.length,
      failed: 0,
      invalid: plan.invalid.length,
      planned: plan.toCreate.length,
    },
    items,
  };
}

/** Mean and minimum load of every wire-pull module of a plan (to create or present), and the cuts. */
async function batchPlot(plan: BatchPlan): Promise<Plot> {
  const items = [...plan.toCreate, ...plan.present.map((p) => p.item)]
    .filter((i) => i.summary.mean !== undefined && i.summary.min !== undefined);
  const rows = items.map((i) => ({
    module: i.dtoIn.component,
    mean: i.summary.mean!,
    min: i.summary.min!,
    passed: i.dtoIn.passed,
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
