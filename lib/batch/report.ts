/**
 * The batch's outputs for people and programs: the plan and summary as text, and the JSON
 * report of every item (created with its test run id, skipped with the existing id, failed
 * with the error, invalid with every problem), written atomically.
 *
 * @module
 */
import { dirname } from "node:path";
import type { BatchPlan } from "./plan.ts";
import type { BatchReport } from "./runner.ts";

/** The plan in a few lines: counts, then every invalid item with its problems. */
export function formatPlan(plan: BatchPlan, opts: { maxProblems?: number } = {}): string {
  const lines = [
    `plan: ${plan.toCreate.length} to create, ${plan.present.length} already present, ` +
    `${plan.invalid.length} invalid`,
  ];
  const max = opts.maxProblems ?? 50;
  let shown = 0;
  for (const inv of plan.invalid) {
    for (const p of inv.problems) {
      if (shown++ >= max) break;
      lines.push(`  invalid: ${p.path}: ${p.message}`);
    }
  }
  const all = plan.invalid.reduce((n, i) => n + i.problems.length, 0);
  if (all > max) lines.push(`  … and ${all - max} more problems (see the report)`);
  return lines.join("\n");
}

/** The summary after a batch, in a few lines. */
export function formatSummary(report: BatchReport): string {
  const c = report.counts;
  const lines = [
    `summary: ${c.created} created, ${c.skipped} skipped (already present), ${c.failed} failed, ` +
    `${c.invalid} invalid`,
  ];
  if (report.refused) lines.push(`refused: ${report.refused}`);
  if (report.stopped) lines.push(`stopped: ${report.stopped}`);
  const failed = report.items.filter((i) => i.status === "failed");
  for (const f of failed.slice(0, 20)) lines.push(`  failed: ${f.file}: ${f.error}`);
  if (failed.length > 20) lines.push(`  … and ${failed.length - 20} more (see the report)`);
  return lines.join("\n");
}

/** Writes the JSON report atomically (a temporary file renamed into place). */
export async function writeReport(path: string, report: BatchReport): Promise<void> {
  await Deno.mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.tmp-${Deno.pid}`;
  await Deno.writeTextFile(tmp, JSON.stringify(report, null, 2) + "\n");
  await Deno.rename(tmp, path);
}
