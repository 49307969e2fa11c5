/**
 * export_test_runs: reads a site's test runs back from ITkPD into a local cache and writes them
 * as a table (CSV or JSON): one row per run, or one per wire pull. See `--help`.
 *
 * @module
 */
import { openClient } from "../lib/cli/client.ts";
import { defineCommand, runCommand } from "../lib/cli/command.ts";
import { userCwd } from "../lib/cli/paths.ts";
import { UsageError } from "../lib/errors.ts";
import type { SyncResult } from "../lib/readback/mod.ts";

/** The command: its flags and help. */
export const COMMAND = defineCommand({
  name: "export-test-runs",
  usage: ["--test-type CODE --out FILE.csv|FILE.json [options]"],
  description:
    `Reads the test runs of a test type back from ITkPD into a local cache and writes them as a
table: one row per run (serial, institution, date, run number, passed, problems, state, …, then
every property as property.<CODE> and every result as <CODE>; arrays as JSON in CSV), or with
--per-pull one row per wire pull of WIREBOND_PULL_TEST runs (serial, run, strength, break mode
and its name, location, bond group). A second export reads the cache; the runs are listed
again and only new or changed ones are fetched (100 per getTestRunBulk call).

Lists: repeat the flag or separate with commas. --institution, --component, --from and --to
are applied here, to the listed summaries (the service is not known to filter by them).`,
  flags: {
    "test-type": {
      type: "list",
      commas: true,
      required: true,
      value: "CODE",
      group: "Selection",
      help: "test type(s), e.g. WIREBOND_PULL_TEST (required)",
    },
    project: {
      type: "enum",
      choices: ["S", "P", "CM", "CE"],
      ignoreCase: true,
      default: "P",
      value: "P",
      help: "project: S, P, CM or CE (default P)",
    },
    "component-type": {
      type: "string",
      default: "MODULE",
      value: "CODE",
      help: "component type (default MODULE)",
    },
    stage: {
      type: "list",
      commas: true,
      value: "CODE",
      help: "stage(s), e.g. MODULE/WIREBONDING",
    },
    state: {
      type: "list",
      commas: true,
      value: "STATE",
      help: "run state(s) (default ready: deleted runs are left out)",
    },
    institution: { type: "list", commas: true, value: "CODE", help: "institution(s)" },
    component: {
      type: "list",
      commas: true,
      value: "SN",
      help: "serial number(s) or code(s)",
    },
    from: { type: "string", value: "YYYY-MM-DD", help: "first day (UTC)" },
    to: { type: "string", value: "YYYY-MM-DD", help: "last day (UTC)" },
    out: {
      type: "path",
      required: true,
      value: "FILE",
      group: "Output and cache",
      help: ".csv or .json (required)",
    },
    "per-pull": { type: "boolean", help: "one row per pull (WIREBOND_PULL_TEST)" },
    cache: {
      type: "path",
      value: "FILE",
      help: "the cache (default $HOME/.itkpd/test_runs.sqlite)",
    },
    offline: { type: "boolean", help: "use the cache alone, no network" },
    full: { type: "boolean", help: "fetch every selected run again, changed or not" },
    concurrency: {
      type: "number",
      integer: true,
      min: 1,
      max: 32,
      value: "N",
      help: "getTestRunBulk calls at a time (default 4)",
    },
    "page-size": {
      type: "number",
      integer: true,
      min: 1,
      max: 10_000,
      value: "N",
      help: "summaries per list page (default 1000)",
    },
    verbose: { type: "boolean", help: "log the requests" },
  },
  epilog:
    "Connection: ITKDB_API_URL, ITKDB_AUTH_URL, ITKDB_ACCESS_CODE1/2 or ITK_DB_AUTH (as itkdb).",
});

if (import.meta.main) {
  runCommand(COMMAND, async ({ flags }) => {
    // The modules themselves, not lib/readback/mod.ts: this task may not read the clone, so Deno
    // builds the graph of every import at start, and the barrel would add the overview's.
    const [{ relative }, { defaultCacheFile }, { exportTestRuns }, permissions] = await Promise.all(
      [
        import("node:path"),
        import("../lib/readback/cache.ts"),
        import("../lib/readback/export.ts"),
        import("../lib/upload/permissions.ts"),
      ],
    );
    const { requireNetFor, requirePermission } = permissions;
    /** A path as the user knows it: relative to where they ran the command when inside it. */
    const shown = (path: string) => {
      const rel = relative(userCwd(), path);
      return rel && !rel.startsWith("..") ? rel : path;
    };
    const cacheFile = flags.cache ?? defaultCacheFile();
    if (!cacheFile) {
      throw new UsageError("no cache file: give --cache FILE (HOME is not available)");
    }
    requirePermission({ name: "write", path: flags.out }, `write access to "${flags.out}"`);
    for (const name of ["read", "write"] as const) {
      if (Deno.permissions.querySync({ name, path: cacheFile }).state !== "granted") {
        throw new UsageError(
          `--cache ${shown(cacheFile)}: this task may ${name} only under $HOME/.itkpd; keep the ` +
            `cache there, or run \`deno run\` with the task's flags and --allow-${name}=${cacheFile}`,
        );
      }
    }
    const client = await openClient({ verbose: flags.verbose });
    try {
      if (!flags.offline) requireNetFor(client);
      const testTypes = flags.testType;
      const result = await exportTestRuns(client, {
        selection: {
          project: flags.project,
          componentType: flags.componentType,
          testTypes,
          stages: nonEmpty(flags.stage),
          states: nonEmpty(flags.state),
          institutions: nonEmpty(flags.institution),
          components: nonEmpty(flags.component),
          from: flags.from,
          to: flags.to,
        },
        out: flags.out,
        perPull: flags.perPull,
        cacheFile,
        offline: flags.offline,
        full: flags.full,
        concurrency: flags.concurrency,
        pageSize: flags.pageSize,
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
      const what = flags.perPull
        ? `${result.rows} pull row(s) of ${result.runs} run(s)`
        : `${result.rows} run row(s)`;
      console.log(`wrote ${what} to ${shown(flags.out)} (cache ${shown(cacheFile)})`);
    } finally {
      client.close();
    }
  });
}

/** A list flag's values, or undefined when none was given (no selection by it). */
function nonEmpty(values: string[]): string[] | undefined {
  return values.length ? values : undefined;
}

function describeSync(s: SyncResult, testTypes: string[]): string {
  const local = s.selected === s.listed ? "" : `, ${s.selected} selected`;
  return `listed ${s.listed} run(s) of ${testTypes.join(", ")}${local}; fetched ${s.fetched} ` +
    `new or changed, ${s.unchanged} unchanged (${s.bulkCalls} getTestRunBulk call(s)) in ` +
    `${s.seconds.toFixed(1)} s`;
}
