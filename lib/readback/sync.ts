/**
 * Bringing the cache up to date with the server for one selection: list the run summaries
 * page by page (`listTestRunsByTestType` with `pageInfo`), apply the local filters, compare
 * each summary's version with the cached one, and fetch only the full runs that are new or
 * changed, 100 per `getTestRunBulk` call with a bounded number of calls at a time. Records are
 * stored as their chunks arrive, so an interrupted refresh keeps what it fetched.
 *
 * A run's version is a hash of its summary as listed (state, `stateTs`, run number, passed,
 * date, `sys` when the service sends it, …): whatever the listing shows changing makes the run
 * fetched again. A change the summary does not show (e.g. an attachment added later) is only
 * seen with `full: true`, which fetches every selected run.
 *
 * @module
 */
import { createHash } from "node:crypto";
import type { ItkpdClient } from "../client/client.ts";
import { BULK_LIMIT } from "../client/commands.ts";
import { mapLimit } from "../_pool.ts";
import { chunk } from "../client/bulk.ts";
import type { RunCache } from "./cache.ts";
import { recordOf, type RunRecord } from "./record.ts";
import { checkSelection, matchesLocally, type RunSelection, serverQuery } from "./selection.ts";

/** Options of {@link syncTestRuns}. */
export interface SyncOptions {
  /** Summaries per page (default 1000; the service has been used with 3000). */
  pageSize?: number;
  /** `getTestRunBulk` calls at a time (default 4). */
  concurrency?: number;
  /** Fetch every selected run, changed or not. */
  full?: boolean;
  /** Called as the listing and the fetching advance. */
  onProgress?: (p: SyncProgress) => void;
  /** Cancels the refresh. */
  signal?: AbortSignal;
}

/** Where a refresh is. */
export interface SyncProgress {
  phase: "list" | "fetch";
  /** Summaries listed so far, or runs fetched so far. */
  done: number;
  /** Runs to fetch (fetch phase). */
  total?: number;
}

/** What a refresh did. */
export interface SyncResult {
  /** Runs the server listed for the server part of the selection. */
  listed: number;
  /** Of those, the runs passing the local filters. */
  selected: number;
  /** Runs fetched (new or changed). */
  fetched: number;
  /** Selected runs already cached in their current version. */
  unchanged: number;
  /** `getTestRunBulk` calls made. */
  bulkCalls: number;
  /** Listed runs the bulk read did not return (left out of the cache). */
  missing: string[];
  seconds: number;
}

/** The cache key of a selection's server part. */
function queryKey(sel: RunSelection): string {
  return JSON.stringify(serverQuery(sel));
}

/**
 * The version of a run summary: a hash of it as listed.
 *
 * @example
 * ```ts
 * import { summaryVersion } from "./sync.ts";
 * summaryVersion({ id: "a", stateTs: "1" }) === summaryVersion({ id: "a", stateTs: "2" }); // false
 * ```
 */
export function summaryVersion(summary: unknown): string {
  return createHash("sha1").update(JSON.stringify(summary)).digest("hex");
}

/**
 * Refreshes the cache for `sel` from the client's site; resolves to what it did.
 *
 * @example
 * ```ts ignore
 * import { RunCache, syncTestRuns } from "./mod.ts";
 * using cache = new RunCache("runs.sqlite");
 * const r = await syncTestRuns(client, cache, {
 *   project: "P", componentType: "MODULE", testTypes: ["WIREBOND_PULL_TEST"],
 * });
 * console.log(`${r.fetched} fetched, ${r.unchanged} unchanged`);
 * ```
 */
export async function syncTestRuns(
  client: ItkpdClient,
  cache: RunCache,
  sel: RunSelection,
  opts: SyncOptions = {},
): Promise<SyncResult> {
  const started = performance.now();
  checkSelection(sel);
  const site = client.config.apiUrl;
  const query = serverQuery(sel);
  opts.onProgress?.({ phase: "list", done: 0 });
  const listedItems = await client.listTestRunsByTestType({ ...query }, {
    pageSize: opts.pageSize ?? 1000,
    signal: opts.signal,
  });
  // A run listed twice (the list moved between two pages) counts once.
  const members = [...new Map(listedItems.map((s) => [s.id, s])).values()].map((summary) => ({
    id: summary.id,
    version: summaryVersion(summary),
    summary,
  }));
  opts.onProgress?.({ phase: "list", done: members.length });

  const known = cache.versions(site);
  const selected = members.filter((m) => matchesLocally(m.summary, sel));
  const stale = selected.filter((m) => opts.full || known.get(m.id) !== m.version);
  const versionOf = new Map(stale.map((m) => [m.id, m.version]));
  let fetched = 0;
  let bulkCalls = 0;
  const returned = new Set<string>();
  opts.onProgress?.({ phase: "fetch", done: 0, total: stale.length });
  await mapLimit(chunk(stale.map((m) => m.id), BULK_LIMIT), opts.concurrency ?? 4, async (ids) => {
    bulkCalls++;
    const runs = await client.getTestRunBulk(ids, { signal: opts.signal });
    const wanted = runs.filter((r) => versionOf.has(r.id) && !returned.has(r.id));
    for (const r of wanted) returned.add(r.id);
    cache.putRuns(
      site,
      wanted.map((r) => ({ version: versionOf.get(r.id)!, record: recordOf(r) })),
    );
    fetched += wanted.length;
    opts.onProgress?.({ phase: "fetch", done: fetched, total: stale.length });
  });
  cache.replaceListing(site, queryKey(sel), members, new Date());
  return {
    listed: members.length,
    selected: selected.length,
    fetched,
    unchanged: selected.length - stale.length,
    bulkCalls,
    missing: stale.filter((m) => !returned.has(m.id)).map((m) => m.id),
    seconds: (performance.now() - started) / 1000,
  };
}

/** The cached runs of a selection. */
export interface CachedSelection {
  /** The selected runs found in the cache, in the order the server listed them. */
  runs: RunRecord[];
  /** When the listing was last refreshed (ISO). */
  syncedAt: string;
  /** Selected runs whose current version is not cached (an interrupted refresh). */
  notCached: number;
}

/**
 * The runs of `sel` as last refreshed from `site`, read from the cache alone (no network);
 * `undefined` when this selection's server part was never refreshed there.
 *
 * @example
 * ```ts
 * import { RunCache } from "./cache.ts";
 * import { cachedRuns } from "./sync.ts";
 * using cache = new RunCache(":memory:");
 * cachedRuns(cache, "http://127.0.0.1:1/api/", {
 *   project: "P", componentType: "MODULE", testTypes: ["WIREBOND_PULL_TEST"],
 * }); // undefined
 * ```
 */
export function cachedRuns(
  cache: RunCache,
  site: string,
  sel: RunSelection,
): CachedSelection | undefined {
  checkSelection(sel);
  const key = queryKey(sel);
  const listing = cache.listing(site, key);
  if (!listing) return undefined;
  const selected = listing.members.filter((m) => matchesLocally(m.summary, sel));
  const runs = cache.records(site, selected);
  return { runs, syncedAt: listing.syncedAt, notCached: selected.length - runs.length };
}
