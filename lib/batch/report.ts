/**
 * The batch's outputs for people and programs: the plan and summary as text, and the JSON
 * report of every item (created with its test run id, skipped with the existing id, failed
 * with the error, invalid with every problem), written atomically.
 *
 * @module
 */
import { dirname } from "node:path";
import { InputError } from "../errors.ts";
import { writeOutputFile } from "../io/write_output.ts";
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
  for (const w of plan.warnings.slice(0, max)) lines.push(`  warning: ${w.path}: ${w.message}`);
  const twice = plan.present.filter((p) => (p.runIds?.length ?? 1) > 1);
  if (twice.length) {
    const first = twice[0];
    lines.push(
      `  note: ${twice.length} run identit${twice.length === 1 ? "y has" : "ies have"} more ` +
        `than one run on the server (e.g. ${first.item.key}: ${first.runIds.join(", ")}); the ` +
        `batch that made the extra runs deletes them when run again with its journal`,
    );
  }
  return lines.join("\n");
}

/** The summary after a batch, in a few lines. */
export function formatSummary(report: BatchReport): string {
  const c = report.counts;
  const lines = [
    `summary: ${c.created} created, ${c.skipped} skipped (already present), ${c.failed} failed, ` +
    `${c.invalid} invalid`,
  ];
  if (report.error) lines.push(`failed: ${report.error}`);
  if (report.refused) lines.push(`refused: ${report.refused}`);
  if (report.stopped) lines.push(`stopped: ${report.stopped}`);
  lines.push(...formatReconciliation(report));
  const unrecorded = report.items.filter((i) => i.note);
  for (const i of unrecorded.slice(0, 10)) lines.push(`  not recorded: ${i.file}: ${i.note}`);
  if (unrecorded.length > 10) {
    lines.push(`  … and ${unrecorded.length - 10} more not recorded locally (see the report)`);
  }
  // Failures with the same reason (e.g. a site that went down) are one line.
  const byError = new Map<string, string[]>();
  for (const f of report.items) {
    if (f.status !== "failed") continue;
    const error = f.error ?? "unknown error";
    byError.set(error, [...(byError.get(error) ?? []), f.file]);
  }
  const groups = [...byError].sort((a, b) => b[1].length - a[1].length);
  for (const [error, files] of groups.slice(0, 10)) {
    const which = files.length === 1
      ? files[0]
      : `${files.length} files (${files.slice(0, 3).join(", ")}${files.length > 3 ? ", …" : ""})`;
    lines.push(`  failed: ${which}: ${error}`);
  }
  if (groups.length > 10) {
    lines.push(`  … and ${groups.length - 10} other reasons (see the report)`);
  }
  return lines.join("\n");
}

/** The reconciliation's lines: what was checked, deleted, left alone, or why it waits. */
function formatReconciliation(report: BatchReport): string[] {
  const r = report.reconciliation;
  if (!r) return [];
  if ("skipped" in r && !("checked" in r)) return [`reconciliation: ${r.skipped}`];
  if (!("checked" in r) || r.checked === 0) return [];
  if (r.skipped) {
    return [`reconciliation: left for the next run of the same command (${r.skipped})`];
  }
  const lines = [
    `reconciled: ${r.checked} run identit${r.checked === 1 ? "y" : "ies"} checked on the server; ` +
    `${r.duplicates} had more than one run: ${r.deleted} extra run(s) made by this batch ` +
    `deleted, ${r.leftAlone} left alone (not this batch's)` +
    (r.failed ? `, ${r.failed} not settled (the next run tries again)` : ""),
  ];
  for (const id of r.identities.slice(0, 10)) {
    if (id.error) lines.push(`  not reconciled: ${id.key}: ${id.error}`);
    else if (id.leftAlone.length) {
      lines.push(
        `  duplicate left alone: ${id.key}: kept ${id.keptId}; ${id.leftAlone.join(", ")} ` +
          `not made by this batch`,
      );
    }
  }
  return lines;
}

/**
 * Writes the JSON report atomically (`lib/io/write_output.ts`: a temporary file flushed and
 * renamed into place; a link at `path` is replaced, never written through).
 */
export async function writeReport(path: string, report: BatchReport): Promise<void> {
  try {
    await Deno.mkdir(dirname(path), { recursive: true });
    await writeOutputFile(path, JSON.stringify(report, null, 2) + "\n", { overwrite: true });
  } catch (e) {
    if (e instanceof Deno.errors.NotCapable) throw e;
    throw new InputError(`${path}: the report cannot be written: ${(e as Error).message}`, [], {
      hint: "the uploads are done (see the summary above); give --report another file path",
      cause: e,
    });
  }
}

/** Checks before any work that the report can be written at `path` (not a folder). */
export async function checkReportPath(path: string): Promise<void> {
  try {
    const info = await Deno.stat(path);
    if (info.isDirectory) {
      throw new InputError(`${path}: is a folder; --report needs a file path`);
    }
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return;
    throw e;
  }
}
