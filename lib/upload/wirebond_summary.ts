/**
 * The summary the wire-bond step prints: files read, lines left out (file:line), warnings, load
 * statistics overall, per bond group and per grade code, the mapping, the results, and every
 * pass cut with its measured value, its limit and ✓ or ✗.
 *
 * @module
 */
import { problemLine } from "../errors.ts";
import { escapeControls } from "../escape.ts";
import type { LegacyWirebondRun } from "../analysis/legacy_wirebond.ts";
import type { Summary } from "../analysis/stats.ts";
import { WIREBOND_PULL_CUTS, type WirebondPullTestRun } from "../analysis/wirepull.ts";
import { LEGACY_WIREBOND, type WirebondBuild } from "./wirebond.ts";

/** A number for the summary: 4 decimals, `-` when not a number. */
function num(x: number): string {
  return Number.isFinite(x) ? x.toFixed(4) : "-";
}

function statsTable(
  rows: readonly (Summary & { key: string; extra?: string })[],
  keyTitle: string,
): string[] {
  const head = [keyTitle, "count", "mean", "std", "min", "max", ""];
  const body = rows.map((r) => [
    escapeControls(r.key),
    String(r.count),
    num(r.mean),
    num(r.std),
    num(r.min),
    num(r.max),
    r.extra ?? "",
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells: string[]) =>
    "  " + cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i])))
      .slice(0, 6).join("  ") +
    (cells[6] ? `  ${cells[6]}` : "");
  return [line(head), ...body.map(line)];
}

/** A value with its unit as the cut lines write it: 2 decimals, "%" for shares. */
function measured(value: number, unit: string): string {
  return `${value.toFixed(2)}${unit === "%" ? " %" : ` ${unit}`}`;
}

/**
 * Every pass cut of the run, one line each: the result, its measured value, the limit and ✓ or
 * ✗, e.g. `PULL_STRENGTH 8.70 g >= 7 g ✓` (a failing one adds what failed, in words).
 */
function cutLines(build: WirebondBuild): string[] {
  const failed = new Map(build.failedCuts.map((c) => [c.code, c]));
  const rows: { code: string; value: string; limit: string }[] = [];
  if (build.testType === LEGACY_WIREBOND) {
    const r = (build.testRun as LegacyWirebondRun).results;
    rows.push({
      code: "MIN_LOAD",
      value: measured(r.MIN_LOAD, "g"),
      limit: `> ${build.threshold} g`,
    });
  } else {
    const r = (build.testRun as WirebondPullTestRun).results;
    const c = WIREBOND_PULL_CUTS;
    if (r.DATA_UNAVAILABLE) {
      rows.push({ code: "DATA_UNAVAILABLE", value: "true", limit: "= false" });
    } else {
      rows.push(
        {
          code: "PULL_STRENGTH",
          value: measured(r.PULL_STRENGTH, "g"),
          limit: `>= ${c.PULL_STRENGTH_MIN_MEAN} g`,
        },
        {
          code: "PULL_STRENGTH_MIN",
          value: measured(r.PULL_STRENGTH_MIN, "g"),
          limit: `>= ${c.PULL_STRENGTH_MIN_MIN} g`,
        },
        {
          code: "LIFT_OFFS_LESS_THAN_7G",
          value: measured(r.LIFT_OFFS_LESS_THAN_7G, "%"),
          limit: `<= ${c.LIFT_OFFS_LESS_THAN_7G_MAX} %`,
        },
      );
    }
  }
  const width = (k: "code" | "value" | "limit") => Math.max(...rows.map((r) => r[k].length));
  return rows.map((r) => {
    const cut = failed.get(r.code);
    return `  ${r.code.padEnd(width("code"))}  ${r.value.padStart(width("value"))}  ` +
      `${r.limit.padEnd(width("limit"))}  ${cut ? `✗ ${cut.message}` : "✓"}`;
  });
}

/**
 * The summary printed by the step: files read, lines left out (file:line), warnings, load
 * statistics overall, per label and per grade code (with its break mode), the mapping used, the
 * results, and every pass cut with its measured value, its limit and ✓ or ✗.
 *
 * @example
 * ```ts ignore
 * console.log(renderWirebondSummary(buildWirebondRun(parts)));
 * ```
 */
export function renderWirebondSummary(build: WirebondBuild): string {
  const out: string[] = [];
  for (const f of build.files) {
    out.push(
      `read ${escapeControls(f.file)}: ${f.tests} pull${f.tests === 1 ? "" : "s"}` +
        (f.rejected ? `, ${f.rejected} line${f.rejected === 1 ? "" : "s"} left out` : ""),
    );
  }
  if (build.rejected.length) {
    out.push(`left out (${build.rejected.length}):`);
    for (const p of build.rejected) out.push(problemLine(p));
  }
  if (build.warnings.length) {
    out.push(`warnings (${build.warnings.length}):`);
    for (const p of build.warnings) out.push(problemLine(p));
  }
  const s = build.summary;
  out.push(
    `pulls: ${s.count}  mean ${num(s.mean)} g  std ${num(s.std)} g  ` +
      `min ${num(s.min)} g  max ${num(s.max)} g`,
  );
  out.push("by label:", ...statsTable(build.byLabel, "label"));
  out.push(
    "by grade code:",
    ...statsTable(
      build.byGrade.map((g) => ({ ...g, extra: `→ break mode ${g.mode} ${g.modeName}` })),
      "grade",
    ),
  );
  out.push(`break modes: ${build.mapping}`);
  const run = build.testRun;
  out.push(`test type ${run.testType}, run number ${escapeControls(run.runNumber)}`);
  out.push(escapeControls(build.date.description));
  for (const n of build.date.notes) out.push(`  note: ${escapeControls(n)}`);
  out.push("results:");
  for (const [code, value] of Object.entries(run.results)) {
    out.push(
      `  ${code} = ${
        Array.isArray(value)
          ? `[${value.length} entries]`
          : typeof value === "number"
          ? String(Number(value.toFixed(6)))
          : String(value)
      }`,
    );
  }
  const failed = build.failedCuts.length;
  out.push(
    failed ? `failed cuts (${failed}): passed = false` : "every pass cut met: passed = true",
    ...cutLines(build),
  );
  return out.join("\n");
}
