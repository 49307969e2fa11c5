/**
 * The export step as a library (what `deno task export-test-runs` runs): refresh the cache for
 * a selection (unless offline), read the selected runs from the cache, build the table (one
 * row per run, or per pull) and write it as CSV or JSON.
 *
 * @module
 */
import { dirname } from "node:path";
import type { ItkpdClient } from "../client/client.ts";
import { InputError, UsageError } from "../errors.ts";
import { WIREBOND_PULL_TEST } from "../analysis/wirepull.ts";
import { RunCache } from "./cache.ts";
import { pullRows, type RowTable, runRows } from "./rows.ts";
import { checkSelection, type RunSelection } from "./selection.ts";
import { cachedRuns, type SyncProgress, type SyncResult, syncTestRuns } from "./sync.ts";
import { formatOf, type TableFormat, writeTable } from "./write.ts";

/** Options of {@link exportTestRuns}. */
export interface ExportOptions {
  /** The runs to export. */
  selection: RunSelection;
  /** Output file, `.csv` or `.json`. */
  out: string;
  /** One row per pull (WIREBOND_PULL_TEST) instead of one per run. */
  perPull?: boolean;
  /** The cache file (created with its folder when missing). */
  cacheFile: string;
  /** Use the cache alone: no network. */
  offline?: boolean;
  /** Fetch every selected run again, changed or not. */
  full?: boolean;
  /** `getTestRunBulk` calls at a time. */
  concurrency?: number;
  /** Summaries per list page. */
  pageSize?: number;
  /** Progress of the refresh. */
  onProgress?: (p: SyncProgress) => void;
}

/** What {@link exportTestRuns} did. */
export interface ExportResult {
  /** The refresh (absent offline). */
  sync?: SyncResult;
  /** Runs exported. */
  runs: number;
  /** Rows written (runs, or pulls). */
  rows: number;
  format: TableFormat;
  /** When the cached listing was refreshed (ISO). */
  syncedAt: string;
  /** Selected runs missing from the cache (offline after an interrupted refresh). */
  notCached: number;
  /** Runs without pull data (per pull). */
  withoutPulls: number;
}

/**
 * Exports the selected runs; see the module doc.
 *
 * @example
 * ```ts ignore
 * import { exportTestRuns } from "./export.ts";
 * const r = await exportTestRuns(client, {
 *   selection: { project: "P", componentType: "MODULE", testTypes: ["WIREBOND_PULL_TEST"] },
 *   out: "runs.csv",
 *   cacheFile: "runs.sqlite",
 * });
 * ```
 */
export async function exportTestRuns(
  client: ItkpdClient,
  opts: ExportOptions,
): Promise<ExportResult> {
  const sel = checkSelection(opts.selection);
  formatOf(opts.out);
  if (opts.perPull && !sel.testTypes.includes(WIREBOND_PULL_TEST)) {
    throw new UsageError(`--per-pull needs --test-type ${WIREBOND_PULL_TEST} (it has the pulls)`);
  }
  if (opts.offline && opts.full) throw new UsageError("--offline and --full exclude each other");
  await Deno.mkdir(dirname(opts.cacheFile), { recursive: true });
  using cache = new RunCache(opts.cacheFile);
  const site = client.config.apiUrl;
  const sync = opts.offline ? undefined : await syncTestRuns(client, cache, sel, {
    full: opts.full,
    concurrency: opts.concurrency,
    pageSize: opts.pageSize,
    onProgress: opts.onProgress,
  });
  const cached = cachedRuns(cache, site, sel);
  if (!cached) {
    throw new InputError(
      `nothing cached for this selection from ${site} in ${opts.cacheFile}`,
      [],
      { hint: "run once without --offline to fetch it" },
    );
  }
  let table: RowTable;
  let withoutPulls = 0;
  if (opts.perPull) {
    const pulls = pullRows(cached.runs);
    table = pulls;
    withoutPulls = pulls.withoutPulls.length;
  } else {
    table = runRows(cached.runs);
  }
  const format = await writeTable(opts.out, table);
  return {
    sync,
    runs: cached.runs.length,
    rows: table.rows.length,
    format,
    syncedAt: cached.syncedAt,
    notCached: cached.notCached,
    withoutPulls,
  };
}
