/**
 * The main job end to end, against an embedded sandbox (no credentials): register a module,
 * generate DAGE wire-pull files for the demo modules, plan, batch upload with progress, read a
 * run back, run the batch again (nothing new is created), and write plots. What
 * `deno task demo` runs.
 *
 * @module
 */
import { join } from "node:path";
import { ItkpdClient } from "../client/client.ts";
import { startSandbox } from "../sandbox/mod.ts";
import { demoSerial, writeDageFixtures } from "../fixtures/mod.ts";
import { batchUpload } from "../batch/mod.ts";
import { valuesOf } from "../schemas/mod.ts";
import { autoProgress } from "../progress/progress.ts";
import { loadHistogram } from "../plots/histogram.ts";
import { moduleComparison } from "../plots/module_comparison.ts";
import { WIREBOND_PULL_CUTS } from "../analysis/wirepull.ts";

/** Options of {@link runDemo}. */
export interface DemoOptions {
  /** Demo modules (default 50). */
  modules?: number;
  /** Output folder (data, journal, report, plots). */
  out: string;
  /** Where the narration goes (default console.log). */
  log?: (line: string) => void;
  /** Show no progress line. */
  quiet?: boolean;
}

/** What the demo made, for tests. */
export interface DemoResult {
  created: number;
  skipped: number;
  invalid: number;
  failed: number;
  secondRunCreated: number;
  registered: string;
  plots: string[];
  report: string;
}

/** Runs the demo. */
export async function runDemo(opts: DemoOptions): Promise<DemoResult> {
  const log = opts.log ?? ((line: string) => console.log(line));
  const modules = opts.modules ?? 50;
  const sandbox = await startSandbox({ port: 0, demoModules: modules, latencyMs: 5 });
  const client = new ItkpdClient({ env: sandbox.env() });
  try {
    log(`1. sandbox: ${sandbox.apiUrl} with ${modules} demo modules (${demoSerial(1)} …)`);

    const registered = await client.registerComponent({
      project: "P",
      subproject: "PG",
      institution: "SANDBOX_A",
      componentType: "MODULE",
      type: "OUTER_SYSTEM_QUAD_MODULE",
      serialNumber: "20UPGM29000001",
      properties: { ORIENTATION: true, FECHIP_VERSION: "2" },
    });
    log(`2. registered a new module: ${registered.serialNumber} (code ${registered.code})`);

    const data = join(opts.out, "data");
    await Deno.remove(opts.out, { recursive: true }).catch(() => {});
    const written = await writeDageFixtures(data, { modules, seed: 2026 });
    log(`3. wrote ${written.files} DAGE wire-pull files to ${data}`);

    // Each run keeps its own report: the first says what was created, the second that nothing was.
    const reports = [join(opts.out, "report.json"), join(opts.out, "report-second-run.json")];
    const batch = (report: string) =>
      batchUpload(client, {
        dir: data,
        institution: "SANDBOX_A",
        journal: join(opts.out, "journal.sqlite"),
        report,
        progress: autoProgress({ label: "upload", silent: opts.quiet }),
        log: (text) => log(text.split("\n").map((l) => `   ${l}`).join("\n")),
      });
    log("4. batch upload (plan, then upload exactly once):");
    const first = await batch(reports[0]);
    const report = first.report!;

    const one = report.items.find((i) => i.testRunId);
    if (one) {
      const run = await client.getTestRun({ testRun: one.testRunId! });
      const r = valuesOf(run.results);
      log(
        `5. read back ${run.id}: ${run.components?.[0]?.serialNumber} ${run.testType.code} ` +
          `PULL_STRENGTH ${Number(r.PULL_STRENGTH).toFixed(2)} g, passed ${run.passed}`,
      );
    }

    log("6. the same batch again (nothing new may be created):");
    const second = await batch(reports[1]);

    const rows = first.plan.toCreate.map((i) => ({
      module: i.dtoIn.component,
      mean: Number(i.dtoIn.results.PULL_STRENGTH),
      min: Number(i.dtoIn.results.PULL_STRENGTH_MIN),
      passed: i.dtoIn.passed,
    }));
    const comparison = await moduleComparison(rows, {
      meanCut: WIREBOND_PULL_CUTS.PULL_STRENGTH_MIN_MEAN,
      minCut: WIREBOND_PULL_CUTS.PULL_STRENGTH_MIN_MIN,
      title: `Pull strength of ${rows.length} modules`,
    });
    const loads = first.plan.toCreate.flatMap((i) =>
      (i.dtoIn.results.PULL_STRENGTH_DATA as number[][]).map((row) => row[0])
    );
    const histogram = await loadHistogram(loads, {
      threshold: WIREBOND_PULL_CUTS.PULL_STRENGTH_MIN_MIN,
      meanCut: WIREBOND_PULL_CUTS.PULL_STRENGTH_MIN_MEAN,
      title: `All pulls of the batch (${loads.length})`,
    });
    const plots = [join(opts.out, "modules.svg"), join(opts.out, "loads.svg")];
    await comparison.save(plots[0]);
    await histogram.save(plots[1]);
    const failing = rows.filter((r) => !r.passed).map((r) => r.module);
    log(`7. plots: ${plots.join(", ")}`);
    log(
      `done: ${report.counts.created} runs created, ${failing.length} module(s) failing the ` +
        `cuts${
          failing.length
            ? ` (${failing.slice(0, 5).join(", ")}${failing.length > 5 ? ", …" : ""})`
            : ""
        }; ` +
        `second run created ${second.report!.counts.created}. Reports: ${reports.join(", ")}`,
    );
    return {
      created: report.counts.created,
      skipped: report.counts.skipped,
      invalid: report.counts.invalid,
      failed: report.counts.failed,
      secondRunCreated: second.report!.counts.created,
      registered: registered.serialNumber ?? registered.code,
      plots,
      report: reports[0],
    };
  } finally {
    client.close();
    await sandbox.close();
  }
}
