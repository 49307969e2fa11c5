/**
 * The batch's outputs for people and programs: the plan and summary as text, and the JSON
 * report of every item (created with its test run id, skipped with the existing id, failed
 * with the error, invalid with every problem), written atomically.
 *
 * @module
 */
import { dirname, join } from "node:path";
import { InputError } from "../errors.ts";
import { writeOutputFile } from "../io/write_output.ts";
import type { BatchPlan } from "./plan.ts";
import type { InvalidItem } from "./prepare_item.ts";
import type { BatchReport, ItemOutcome } from "./runner.ts";
import { describeCut } from "./qc.ts";

/** Options of {@link formatPlan}. */
export interface FormatPlanOptions {
  /** Problems listed one by one at most (default 50). */
  maxProblems?: number;
  /** The registration file written for the modules not in ITkPD (see unregistered.ts). */
  registerFile?: string;
  /** The keys left to fill in that file (`properties.ORIENTATION`, …). */
  fieldsToFill?: readonly string[];
  /** How the user runs a step (default `itkpd`). */
  command?: string;
}

/**
 * The plan in a few lines: counts, then the invalid items, identical problems said once with
 * their count and the first few files (modules not in ITkPD, an unknown institution, the same
 * run twice, the same message), then every other problem.
 */
export function formatPlan(plan: BatchPlan, opts: FormatPlanOptions = {}): string {
  const lines = [
    `plan: ${plan.toCreate.length} to create, ${plan.present.length} already present, ` +
    `${plan.invalid.length} invalid`,
  ];
  const max = opts.maxProblems ?? 50;
  const { grouped, single } = groupInvalid(plan.invalid);
  for (const group of grouped) lines.push(`  ${groupLine(group, opts)}`);
  let shown = 0;
  for (const inv of single) {
    for (const p of inv.problems) {
      if (shown++ >= max) break;
      lines.push(`  invalid: ${p.path}: ${p.message}`);
    }
  }
  const all = single.reduce((n, i) => n + i.problems.length, 0);
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

/** Invalid items that share a kind of problem (said once), and the rest. */
interface InvalidGroup {
  kind: string;
  /** The institution (unknown institution) or message (same message) the group shares. */
  what: string;
  items: InvalidItem[];
}

/** Groups the invalid items whose one problem is shared by others; the rest are single. */
function groupInvalid(
  invalid: readonly InvalidItem[],
): { grouped: InvalidGroup[]; single: InvalidItem[] } {
  const groups = new Map<string, InvalidGroup>();
  const add = (kind: string, what: string, item: InvalidItem) => {
    const key = `${kind}\u0000${what}`;
    const group = groups.get(key) ?? { kind, what, items: [] };
    group.items.push(item);
    groups.set(key, group);
  };
  for (const item of invalid) {
    const reason = item.problems.length === 1 ? item.reason : undefined;
    if (reason?.kind === "not registered") add(reason.kind, "", item);
    else if (reason?.kind === "unknown institution") add(reason.kind, reason.institution, item);
    else if (reason?.kind === "same run") add(reason.kind, "", item);
    else if (item.problems.length === 1) add("message", item.problems[0].message, item);
    else add("single", item.file.display, item);
  }
  const grouped: InvalidGroup[] = [];
  const single: InvalidItem[] = [];
  for (const group of groups.values()) {
    // A kind said once is worth it from two files on (one module not registered: the same).
    if (group.kind === "single" || (group.kind === "message" && group.items.length < 2)) {
      single.push(...group.items);
    } else grouped.push(group);
  }
  grouped.sort((a, b) => b.items.length - a.items.length);
  single.sort((a, b) => cmp(a.file.path, b.file.path));
  return { grouped, single };
}

/** The first few names, then "…" and how many more. */
function firstFew(names: readonly string[], n = 3): string {
  return names.length <= n
    ? names.join(", ")
    : `${names.slice(0, n).join(", ")}, … (${names.length - n} more)`;
}

/** One line for a group of invalid items. */
function groupLine(group: InvalidGroup, opts: FormatPlanOptions): string {
  const files = group.items.map((i) => i.file.display);
  const n = files.length;
  const command = opts.command ?? "itkpd";
  switch (group.kind) {
    case "not registered": {
      const modules = [
        ...new Set(
          group.items.map((i) => i.reason?.kind === "not registered" ? i.reason.component : ""),
        ),
      ];
      const m = modules.length;
      const how = opts.registerFile
        ? `register them first: fill in ${
          opts.fieldsToFill?.length
            ? `the fields left null (${opts.fieldsToFill.join(", ")}) in`
            : "and check"
        } ${opts.registerFile}, then \`${command} register-component --from ${opts.registerFile}\``
        : `register them first: \`${command} register-component\``;
      return `not registered: ${m} module${m === 1 ? " is" : "s are"} not registered in ITkPD: ` +
        `${firstFew(modules, 5)} (${how})`;
    }
    case "unknown institution": {
      const reason = group.items[0].reason;
      const close = reason?.kind === "unknown institution" ? reason.suggestion : undefined;
      return `invalid: ${n} file${n === 1 ? " names" : "s name"} the unknown institution ` +
        `${JSON.stringify(group.what)}${close ? ` (did you mean ${close}?)` : ""}: ` +
        `${firstFew(files)} (fix the manifest or the files)`;
    }
    case "same run":
      return `invalid: ${n} file${n === 1 ? " is" : "s are"} the same run as another file, ` +
        `only one of each is uploaded: ${
          firstFew(group.items.map((i) =>
            `${i.file.display} (as ${i.reason?.kind === "same run" ? i.reason.as : "?"})`
          ))
        }`;
    default:
      return `invalid: ${n} files: ${group.what}: ${firstFew(files)}`;
  }
}

/** The summary after a batch, in a few lines. */
export function formatSummary(report: BatchReport): string {
  const c = report.counts;
  const lines = [
    `summary: ${c.created} created, ${c.skipped} skipped (already present), ${c.failed} failed, ` +
    `${c.invalid} invalid` + (c.notSent ? `, ${c.notSent} not sent` : ""),
  ];
  if (c.notSent) {
    lines.push(
      `not sent: ${c.notSent} file(s) never sent (${
        report.stopped === "cancelled" ? "interrupted" : "the batch stopped"
      } before their turn); run the same command again to send them`,
    );
  }
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

/** Rows of the failing-module table shown before its "… and N more" line. */
export const FAILING_ROWS = 20;

/**
 * The modules whose run fails QC, and why: a table of at most `maxRows` rows (module, file,
 * failed cuts with value and limit), then how many more and where the full list is.
 *
 * @example
 * ```ts
 * import { formatFailing } from "./report.ts";
 * formatFailing([
 *   { file: "a.csv", status: "created", component: "20UPGM20000001", passed: true },
 *   {
 *     file: "b.csv", status: "created", component: "20UPGM20000002", passed: false,
 *     failedCuts: [{ cut: "PULL_STRENGTH_MIN", value: 2.61, limit: 4 }],
 *   },
 * ]).split("\n")[0]; // "QC: 1 of 2 modules fail: module, file, failed cuts (value and limit)"
 * ```
 */
export function formatFailing(
  items: readonly ItemOutcome[],
  opts: { maxRows?: number; reportPath?: string } = {},
): string {
  const judged = items.filter((i) => i.passed !== undefined);
  if (judged.length === 0) return "";
  const failing = judged.filter((i) => i.passed === false)
    .sort((a, b) => cmp(a.component ?? "", b.component ?? "") || cmp(a.file, b.file));
  const plural = (n: number) => (n === 1 ? "module" : "modules");
  if (failing.length === 0) return `QC: all ${judged.length} ${plural(judged.length)} pass`;
  const max = opts.maxRows ?? FAILING_ROWS;
  const rows = failing.slice(0, max).map((i) => [
    i.component ?? "?",
    i.file,
    i.failedCuts?.length
      ? i.failedCuts.map(describeCut).join(", ")
      : "passed = false in the file (no cut analysis for this test type)",
  ]);
  const width = [0, 1].map((k) => Math.max(k === 0 ? 6 : 4, ...rows.map((r) => r[k].length)));
  const line = (r: string[]) => `  ${r[0].padEnd(width[0])}  ${r[1].padEnd(width[1])}  ${r[2]}`;
  const lines = [
    `QC: ${failing.length} of ${judged.length} ${plural(judged.length)} ` +
    `${failing.length === 1 ? "fails" : "fail"}: module, file, ` +
    `failed cuts (value and limit)`,
    ...rows.map(line),
  ];
  if (failing.length > max) {
    lines.push(
      `  … and ${failing.length - max} more failing ${plural(failing.length - max)}` +
        (opts.reportPath
          ? ` (all ${failing.length} in ${opts.reportPath}: the items with "passed": false)`
          : ""),
    );
  }
  return lines.join("\n");
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The stamp of a run in file names, from its start: `2026-11-29T19-54-49Z` (UTC; colons are not
 * allowed in file names everywhere).
 *
 * @example
 * ```ts
 * import { runStamp } from "./report.ts";
 * runStamp("2026-11-29T19:54:49.123Z"); // "2026-11-29T19-54-49Z"
 * ```
 */
export function runStamp(startedAt: string): string {
  return startedAt.slice(0, 19).replaceAll(":", "-") + "Z";
}

/**
 * Writes a file of this run into `dir` under a name of its own, `<prefix>-<stamp>.json` (or
 * `…-2.json`, `…-3.json` when another run of the same second has it): the name is taken with an
 * exclusive create, so that two runs never write the same file; the content is then written
 * atomically. Returns the path.
 */
export async function writeRunFile(
  dir: string,
  prefix: "batch-report" | "batch-unregistered",
  stamp: string,
  text: string,
  what: string,
): Promise<string> {
  for (let n = 1;; n++) {
    const path = join(dir, `${prefix}-${stamp}${n > 1 ? `-${n}` : ""}.json`);
    try {
      (await Deno.open(path, { write: true, createNew: true, mode: 0o644 })).close();
    } catch (e) {
      if (e instanceof Deno.errors.AlreadyExists && n < 1000) continue;
      throw writeError(path, what, e);
    }
    try {
      await writeOutputFile(path, text, { overwrite: true });
    } catch (e) {
      await Deno.remove(path).catch(() => {});
      throw writeError(path, what, e);
    }
    return path;
  }
}

function writeError(path: string, what: string, e: unknown): Error {
  if (e instanceof Deno.errors.NotCapable) return e;
  return new InputError(`${path}: the ${what} cannot be written: ${(e as Error).message}`, [], {
    hint: what === "report"
      ? "the uploads are done (see the summary above); give --report another file path"
      : "the list is in the report",
    cause: e,
  });
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
