/**
 * A generated production, uploaded through the client (for notebook 4, tests and the
 * benchmark): pixel modules registered at several institutions over a few months, each with a
 * `WIREBOND_PULL_TEST` run computed from a generated DAGE file, some failing, some failing
 * modules tested again later, and (optionally) the raw DAGE file attached to the failing runs
 * with {@link attachOnce}. The sites differ on purpose: one improves over the months, one has
 * more weak bonds, and their break modes are spread differently.
 *
 * @module
 */
import type { ItkpdClient } from "../client/client.ts";
import { identified } from "../upload/checks.ts";
import { runPool } from "../_pool.ts";
import { DEFAULT_BREAK_MODE_MAPPING } from "../analysis/break_modes.ts";
import { WIREBOND_PULL_TEST_STAGE, wirebondPullTest } from "../analysis/wirepull.ts";
import { generateDage } from "../fixtures/dage_generator.ts";
import { mixSeed, seededRandom } from "../fixtures/_prng.ts";
import { parseDage } from "../parsers/dage.ts";
import { attachOnce } from "../upload/attach_once.ts";

/** How one site's modules come out. */
export interface SiteProfile {
  /** Institution code. */
  institution: string;
  /** Mean strength of ordinary pulls at the start and at the end of the period (g). */
  meanLoad: [start: number, end: number];
  /** Share of weak pulls. */
  weakRate: number;
  /** Shares of grade codes 1..4 (→ break modes 0..3 with the default mapping). */
  gradeShares: [number, number, number, number];
}

/** The three sandbox institutions: steady, improving, and weaker bonds. */
export const DEFAULT_SITES: readonly SiteProfile[] = [
  {
    institution: "SANDBOX_A",
    meanLoad: [8.9, 8.9],
    weakRate: 0.02,
    gradeShares: [0.85, 0.05, 0.05, 0.05],
  },
  {
    institution: "SANDBOX_B",
    meanLoad: [7.6, 9.2],
    weakRate: 0.03,
    gradeShares: [0.7, 0.15, 0.1, 0.05],
  },
  {
    institution: "SANDBOX_C",
    meanLoad: [8.4, 8.6],
    weakRate: 0.06,
    gradeShares: [0.78, 0.05, 0.07, 0.1],
  },
];

/** Options of {@link generateProduction}. */
export interface ProductionOptions {
  /** Modules to register and test. */
  modules: number;
  /** Serial number of module `i` (1-based). Default `20UPGM21` + 6 digits. */
  serialOf?: (i: number) => string;
  /** The sites (default {@link DEFAULT_SITES}); modules are dealt to them in turn. */
  sites?: readonly SiteProfile[];
  /** First day (a Monday, UTC). Default 2024-02-05. */
  start?: Date;
  /** Weeks of production. Default 16. */
  weeks?: number;
  /** Seed. Default 2026. */
  seed?: number;
  /** Share of failing modules tested again 1–3 weeks later. Default 0.5. */
  retestRate?: number;
  /** Attach the DAGE file to the runs that fail (with attachOnce). Default false. */
  attachFailing?: boolean;
  /** Requests at a time. Default 16. */
  concurrency?: number;
  /** Called after each module. */
  onModule?: (done: number, total: number) => void;
}

/** One uploaded run of the production. */
export interface ProductionRun {
  serial: string;
  institution: string;
  date: string;
  runId: string;
  passed: boolean;
  /** The attachment's code, when the DAGE file was attached. */
  attachment?: string;
}

/** What {@link generateProduction} made. */
export interface ProductionResult {
  runs: ProductionRun[];
  modules: number;
  failing: number;
  retests: number;
  attached: number;
  seconds: number;
}

const DAY_MS = 24 * 3600 * 1000;

/** Serial of production module `i`: `20UPGM21` + 6 digits (apart from the demo modules). */
export function productionSerial(i: number): string {
  return `20UPGM21${String(i).padStart(6, "0")}`;
}

/**
 * Registers `modules` pixel modules across the sites and uploads their wire-pull runs (and
 * retests), through `client`. Deterministic for a seed (but for ids and codes).
 *
 * @example
 * ```ts
 * import { generateProduction } from "./production.ts";
 * import { ItkpdClient } from "../client/mod.ts";
 * import { startSandbox } from "../sandbox/mod.ts";
 * const sandbox = await startSandbox({});
 * const client = new ItkpdClient({ env: sandbox.env() });
 * try {
 *   const made = await generateProduction(client, { modules: 6 });
 *   console.log(made.runs.length >= 6);
 * } finally {
 *   client.close();
 *   await sandbox.close();
 * }
 * ```
 */
export async function generateProduction(
  client: ItkpdClient,
  opts: ProductionOptions,
): Promise<ProductionResult> {
  const started = performance.now();
  const sites = opts.sites ?? DEFAULT_SITES;
  const seed = opts.seed ?? 2026;
  const weeks = opts.weeks ?? 16;
  const start = (opts.start ?? new Date(Date.UTC(2024, 1, 5))).getTime();
  const serialOf = opts.serialOf ?? productionSerial;
  const retestRate = opts.retestRate ?? 0.5;
  const runs: ProductionRun[] = [];
  let done = 0;
  let failing = 0;
  let retests = 0;
  let attached = 0;

  const upload = async (
    serial: string,
    site: SiteProfile,
    when: Date,
    index: number,
    boost: number,
  ): Promise<ProductionRun> => {
    const progress = (when.getTime() - start) / (weeks * 7 * DAY_MS);
    const [m0, m1] = site.meanLoad;
    const dage = generateDage({
      index,
      seed,
      serial,
      when,
      meanLoad: m0 + (m1 - m0) * Math.min(1, Math.max(0, progress)) + boost,
      weakRate: boost > 0 ? site.weakRate / 3 : site.weakRate,
      gradeShares: site.gradeShares,
    });
    const parsed = parseDage(dage.text, `${serial}.csv`);
    const { testRun } = wirebondPullTest(parsed, DEFAULT_BREAK_MODE_MAPPING, {
      component: serial,
      institution: site.institution,
    });
    const created = await client.uploadTestRunResults({
      ...identified(testRun),
      stage: WIREBOND_PULL_TEST_STAGE,
    });
    const run: ProductionRun = {
      serial,
      institution: site.institution,
      date: testRun.date ?? when.toISOString(),
      runId: created.id,
      passed: testRun.passed,
    };
    if (!testRun.passed && opts.attachFailing) {
      const outcome = await attachOnce(client, created.id, {
        name: `${serial}.csv`,
        data: new TextEncoder().encode(dage.text),
      }, { title: "DAGE export", description: "raw wire-pull file" });
      run.attachment = outcome.code;
      attached++;
    }
    return run;
  };

  await runPool(opts.modules, opts.concurrency ?? 16, async (k) => {
    const i = k + 1;
    const rnd = seededRandom(mixSeed(seed ^ 0x5eed, i));
    const site = sites[(i - 1) % sites.length];
    const serial = serialOf(i);
    // Spread over the weeks, Monday to Friday, 08:00–17:00.
    const week = Math.min(weeks - 1, Math.floor(((i - 1) / opts.modules) * weeks));
    const when = new Date(
      start + (week * 7 + rnd.int(0, 4)) * DAY_MS + rnd.int(8 * 3600, 17 * 3600) * 1000,
    );
    await client.registerComponent({
      project: "P",
      subproject: "PG",
      institution: site.institution,
      componentType: "MODULE",
      type: "OUTER_SYSTEM_QUAD_MODULE",
      serialNumber: serial,
      properties: { ORIENTATION: true, FECHIP_VERSION: "2", ROOF: false },
    });
    const first = await upload(serial, site, when, i, 0);
    runs.push(first);
    if (!first.passed) {
      failing++;
      if (rnd.next() < retestRate) {
        const later = new Date(when.getTime() + rnd.int(1, 3) * 7 * DAY_MS);
        runs.push(await upload(serial, site, later, i + 7_000_000, 0.6));
        retests++;
      }
    }
    opts.onModule?.(++done, opts.modules);
  });
  runs.sort((a, b) => a.date.localeCompare(b.date) || a.serial.localeCompare(b.serial));
  return {
    runs,
    modules: opts.modules,
    failing,
    retests,
    attached,
    seconds: (performance.now() - started) / 1000,
  };
}
