/**
 * export_test_runs: reads a site's test runs back from ITkPD into a local cache and writes them
 * as a table (CSV or JSON): one row per run, or one per wire pull.
 *
 *   deno task export-test-runs --test-type WIREBOND_PULL_TEST --out runs.csv
 *     [--project P] [--component-type MODULE] [--institution I] [--component SN] [--stage S]
 *     [--state ready] [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--per-pull] [--cache FILE]
 *     [--offline | --full] [--concurrency N] [--page-size N] [--verbose]
 *
 * @module
 */
import { relative } from "node:path";
import { defaultSessionFile } from "../lib/cli/session.ts";
import {
  numberFlag,
  type ParsedArgs,
  parseFlags,
  requireString,
  runMain,
  stringFlag,
  userCwd,
  userPath,
} from "../lib/cli/mod.ts";
import { type ApiWarning, ItkpdClient } from "../lib/client/mod.ts";
import { UsageError } from "../lib/errors.ts";
import { defaultCacheFile, exportTestRuns, type SyncResult } from "../lib/readback/mod.ts";
import { requireNetFor, requirePermission } from "../lib/upload/mod.ts";

const USAGE = `Usage: deno task export-test-runs --test-type CODE --out FILE.csv|FILE.json [options]

Reads the test runs of a test type back from ITkPD into a local cache and writes them as a
table: one row per run (serial, institution, date, run number, passed, problems, state, …, then
every property as property.<CODE> and every result as <CODE>; arrays as JSON in CSV), or with
--per-pull one row per wire pull of WIREBOND_PULL_TEST runs (serial, run, strength, break mode
and its name, location, bond group). A second export reads the cache; the runs are listed
again and only new or changed ones are fetched (100 per getTestRunBulk call).

Selection (lists: repeat the flag or separate with commas):
  --test-type CODE       test type(s), e.g. WIREBOND_PULL_TEST (required)
  --project P            project: S, P, CM or CE (default P)
  --component-type CODE  component type (default MODULE)
  --stage CODE           stage(s), e.g. MODULE/WIREBONDING
  --state STATE          run state(s) (default ready: deleted runs are left out)
  --institution CODE     institution(s)              ┐ applied here, to the listed
  --component SN         serial number(s) or code(s) │ summaries (the service is not
  --from YYYY-MM-DD      first day (UTC)             │ known to filter by them)
  --to YYYY-MM-DD        last day (UTC)              ┘

Output and cache:
  --out FILE             .csv or .json (required)
  --per-pull             one row per pull (WIREBOND_PULL_TEST)
  --cache FILE           the cache (default $HOME/.itkpd/test_runs.sqlite)
  --offline              use the cache alone, no network
  --full                 fetch every selected run again, changed or not
  --concurrency N        getTestRunBulk calls at a time (default 4)
  --page-size N          summaries per list page (default 1000)
  --verbose              log the requests
  --help                 show this help

Connection: ITKDB_API_URL, ITKDB_AUTH_URL, ITKDB_ACCESS_CODE1/2 or ITK_DB_AUTH (as itkdb).`;

/** The values of a list flag: repeated and/or comma-separated, trimmed, without empties. */
function listFlag(values: ParsedArgs["values"], name: string): string[] | undefined {
  const v = values[name];
  const all = (Array.isArray(v) ? v : typeof v === "string" ? [v] : []).flatMap((s) => s.split(","))
    .map((s) => s.trim()).filter(Boolean);
  return all.length ? all : undefined;
}

/** A path as the user knows it: relative to where they ran the command when inside it. */
function shown(path: string): string {
  const rel = relative(userCwd(), path);
  return rel && !rel.startsWith("..") ? rel : path;
}

function describeSync(s: SyncResult, testTypes: string[]): string {
  const local = s.selected === s.listed ? "" : `, ${s.selected} selected`;
  return `listed ${s.listed} run(s) of ${testTypes.join(", ")}${local}; fetched ${s.fetched} ` +
    `new or changed, ${s.unchanged} unchanged (${s.bulkCalls} getTestRunBulk call(s)) in ` +
    `${s.seconds.toFixed(1)} s`;
}

if (import.meta.main) {
  runMain("export-test-runs", async (args) => {
    const list = { type: "string", multiple: true } as const;
    const { values, help } = parseFlags(args, {
      "test-type": list,
      project: { type: "string" },
      "component-type": { type: "string" },
      stage: list,
      state: list,
      institution: list,
      component: list,
      from: { type: "string" },
      to: { type: "string" },
      out: { type: "string" },
      "per-pull": { type: "boolean" },
      cache: { type: "string" },
      offline: { type: "boolean" },
      full: { type: "boolean" },
      concurrency: { type: "string" },
      "page-size": { type: "string" },
      verbose: { type: "boolean" },
    });
    if (help) {
      console.log(USAGE);
      return 0;
    }
    const testTypes = listFlag(values, "test-type");
    if (!testTypes) throw new UsageError("--test-type is required (e.g. WIREBOND_PULL_TEST)");
    const out = userPath(requireString(values, "out"));
    const cacheName = stringFlag(values, "cache");
    const cacheFile = cacheName === undefined ? defaultCacheFile() : userPath(cacheName);
    if (!cacheFile) {
      throw new UsageError("no cache file: give --cache FILE (HOME is not available)");
    }
    const offline = values.offline === true;
    const verbose = values.verbose === true;
    requirePermission({ name: "write", path: out }, `write access to "${out}"`);
    for (const name of ["read", "write"] as const) {
      if (Deno.permissions.querySync({ name, path: cacheFile }).state !== "granted") {
        throw new UsageError(
          `--cache ${shown(cacheFile)}: this task may ${name} only under $HOME/.itkpd; keep the ` +
            `cache there, or run \`deno run\` with the task's flags and --allow-${name}=${cacheFile}`,
        );
      }
    }
    const warn = (w: ApiWarning) => console.error(`warning: ${w.command}: ${w.code}: ${w.message}`);
    const client = new ItkpdClient({ verbose, onWarning: warn, sessionFile: defaultSessionFile() });
    try {
      if (!offline) requireNetFor(client);
      const result = await exportTestRuns(client, {
        selection: {
          project: stringFlag(values, "project") ?? "P",
          componentType: stringFlag(values, "component-type") ?? "MODULE",
          testTypes,
          stages: listFlag(values, "stage"),
          states: listFlag(values, "state"),
          institutions: listFlag(values, "institution"),
          components: listFlag(values, "component"),
          from: stringFlag(values, "from"),
          to: stringFlag(values, "to"),
        },
        out,
        perPull: values["per-pull"] === true,
        cacheFile,
        offline,
        full: values.full === true,
        concurrency: numberFlag(values, "concurrency", { min: 1, max: 32, integer: true }),
        pageSize: numberFlag(values, "page-size", { min: 1, max: 10_000, integer: true }),
      });
      if (result.sync) console.log(describeSync(result.sync, testTypes));
      else console.log(`offline: from the cache as refreshed ${result.syncedAt}`);
      if (result.sync?.missing.length) {
        console.error(
          `warning: ${result.sync.missing.length} listed run(s) were not returned by ` +
            `getTestRunBulk and are left out (first: ${result.sync.missing[0]})`,
        );
      }
      if (result.notCached) {
        console.error(
          `warning: ${result.notCached} selected run(s) are not in the cache (an interrupted ` +
            "refresh?); run again without --offline",
        );
      }
      if (result.withoutPulls) {
        console.error(`note: ${result.withoutPulls} run(s) without pull data (no rows)`);
      }
      const what = values["per-pull"] === true
        ? `${result.rows} pull row(s) of ${result.runs} run(s)`
        : `${result.rows} run row(s)`;
      console.log(`wrote ${what} to ${shown(out)} (cache ${shown(cacheFile)})`);
    } finally {
      client.close();
    }
  });
}
