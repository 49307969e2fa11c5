/**
 * Benchmark of reading a production back: N `WIREBOND_PULL_TEST` runs in a sandbox with
 * injected latency, fetched into an empty cache (paged listing + `getTestRunBulk`), then the
 * cache reopened and the tables built from it. The runs are written straight into the
 * sandbox's database first (uploading 10,000 runs through HTTP would measure the upload, not
 * the read back).
 *
 * @module
 */
import { join } from "node:path";
import { ItkpdClient } from "../client/client.ts";
import { DEFAULT_BREAK_MODE_MAPPING } from "../analysis/break_modes.ts";
import {
  WIREBOND_PULL_TEST,
  WIREBOND_PULL_TEST_STAGE,
  wirebondPullTest,
} from "../analysis/wirepull.ts";
import { generateDageFile } from "../fixtures/dage_generator.ts";
import { demoSerial } from "../fixtures/serials.ts";
import { parseDage } from "../parsers/dage.ts";
import { RunCache } from "../readback/cache.ts";
import { pullRows, runRows } from "../readback/rows.ts";
import type { RunSelection } from "../readback/selection.ts";
import { cachedRuns, syncTestRuns } from "../readback/sync.ts";
import { Catalogue } from "../sandbox/catalogue.ts";
import { registerDemoModules } from "../sandbox/demo.ts";
import { testRunDoc } from "../sandbox/documents.ts";
import { startSandbox } from "../sandbox/sandbox.ts";
import { Store } from "../sandbox/store.ts";

/** Figures of {@link benchReadback}. */
export interface ReadbackBenchResult {
  runs: number;
  latencyMs: number;
  /** Listing + bulk reads into an empty cache. */
  fetchSeconds: number;
  runsPerSecond: number;
  bulkCalls: number;
  /** Reopening the cache and building the one-row-per-run table. */
  reopenSeconds: number;
  /** Building the one-row-per-pull table from the reopened cache. */
  pullTableSeconds: number;
  pullRows: number;
}

/** Options of {@link benchReadback}. */
export interface ReadbackBenchOptions {
  runs: number;
  latencyMs: number;
  /** `getTestRunBulk` calls at a time (default 8). */
  concurrency?: number;
  log?: (line: string) => void;
}

const SELECTION: RunSelection = {
  project: "P",
  componentType: "MODULE",
  testTypes: [WIREBOND_PULL_TEST],
};

/**
 * Writes `n` demo modules and one `WIREBOND_PULL_TEST` run each (from generated DAGE files)
 * into the sandbox database at `path`, in one transaction.
 */
export function seedPullRuns(path: string, n: number, seed = 11): void {
  const store = new Store(path);
  try {
    const catalogue = new Catalogue();
    registerDemoModules(store, catalogue, n);
    const ct = catalogue.componentType("P", "MODULE")!;
    const testType = catalogue.testType("P", "MODULE", WIREBOND_PULL_TEST)!;
    const stage = catalogue.stage(ct, WIREBOND_PULL_TEST_STAGE);
    const sites = ["SANDBOX_A", "SANDBOX_B", "SANDBOX_C"].map((c) => catalogue.institution(c)!);
    const user = { sub: "sandbox-bench", name: "Sandbox Bench" };
    store.transaction(() => {
      for (let i = 1; i <= n; i++) {
        const serial = demoSerial(i);
        const institution = sites[i % sites.length];
        const parsed = parseDage(generateDageFile({ index: i, seed }), `${serial}.csv`);
        const { testRun } = wirebondPullTest(parsed, DEFAULT_BREAK_MODE_MAPPING, {
          component: serial,
          institution: institution.code,
        });
        const component = store.findComponent(serial)!;
        const doc = testRunDoc({
          component,
          testType,
          institution,
          stage,
          input: { ...testRun },
          user,
        });
        store.insertTestRun(doc, {
          componentCode: component.code,
          project: "P",
          componentType: "MODULE",
          testType: WIREBOND_PULL_TEST,
          stage: stage?.code ?? null,
        });
      }
    });
  } finally {
    store.close();
  }
}

/** Seeds, serves, fetches, reopens; the files are removed afterwards. */
export async function benchReadback(opts: ReadbackBenchOptions): Promise<ReadbackBenchResult> {
  const log = opts.log ?? (() => {});
  const work = await Deno.makeTempDir({ prefix: "itkpd-readback-bench-" });
  try {
    const db = join(work, "sandbox.sqlite");
    const t0 = performance.now();
    seedPullRuns(db, opts.runs);
    log(`seeded ${opts.runs} runs in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    const sandbox = await startSandbox({ db, latencyMs: opts.latencyMs });
    const client = new ItkpdClient({ env: sandbox.env(), onWarning: () => {} });
    const cacheFile = join(work, "cache.sqlite");
    try {
      const started = performance.now();
      let sync;
      {
        using cache = new RunCache(cacheFile);
        sync = await syncTestRuns(client, cache, SELECTION, {
          pageSize: 3000,
          concurrency: opts.concurrency ?? 8,
        });
      }
      const fetchSeconds = (performance.now() - started) / 1000;
      if (sync.fetched !== opts.runs) {
        throw new Error(`fetched ${sync.fetched} of ${opts.runs} runs`);
      }
      const reopened = performance.now();
      using cache = new RunCache(cacheFile);
      const runs = cachedRuns(cache, client.config.apiUrl, SELECTION)!.runs;
      const table = runRows(runs);
      const reopenSeconds = (performance.now() - reopened) / 1000;
      if (table.rows.length !== opts.runs) throw new Error(`${table.rows.length} rows`);
      const pullsStarted = performance.now();
      const pulls = pullRows(runs);
      const pullTableSeconds = (performance.now() - pullsStarted) / 1000;
      return {
        runs: opts.runs,
        latencyMs: opts.latencyMs,
        fetchSeconds,
        runsPerSecond: opts.runs / fetchSeconds,
        bulkCalls: sync.bulkCalls,
        reopenSeconds,
        pullTableSeconds,
        pullRows: pulls.rows.length,
      };
    } finally {
      client.close();
      await sandbox.close();
    }
  } finally {
    await Deno.remove(work, { recursive: true });
  }
}
