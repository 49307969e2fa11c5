/**
 * The `upload_wirebond_results` step as a library: read one or more DAGE wire-pull files of a
 * module, merge them into one run, build the `WIREBOND_PULL_TEST` (current) or `WIREBOND`
 * (the original's, obsolete) test run, and describe what was found.
 *
 * @module
 */
import { InputError, type Problem, problemLine } from "../errors.ts";
import { escapeControls } from "../escape.ts";
import {
  BREAK_MODE_NAMES,
  type BreakModeMapping,
  breakModesOf,
  DEFAULT_BREAK_MODE_MAPPING,
  describeMapping,
} from "../analysis/break_modes.ts";
import { legacyWirebond, type LegacyWirebondRun } from "../analysis/legacy_wirebond.ts";
import {
  type GivenDate,
  LEGACY_MIN_LOAD,
  type RunDate,
  runDateOf,
  runNumber as dataRunNumber,
  testDate,
} from "../analysis/run_number.ts";
import { breakdown, type GroupSummary, summarize, type Summary } from "../analysis/stats.ts";
import {
  type FailedCut,
  WIREBOND_PULL_CUTS,
  WIREBOND_PULL_TEST,
  wirebondPullTest,
  type WirebondPullTestRun,
} from "../analysis/wirepull.ts";
import { dageSerial, parseDage, requireTests } from "../parsers/dage.ts";
import { SERIAL_NUMBER_PATTERN } from "../schemas/component.ts";
import type { DageParseResult } from "../parsers/dage_types.ts";
import { loadHistogram } from "../notebook/plots/histogram.ts";
import { loadsByGroup } from "../notebook/plots/by_group.ts";
import type { Plot } from "../notebook/plots/plot.ts";
import { readInputText } from "./files.ts";
import { runFileName } from "./prototypes.ts";

/** The legacy test type of the original script. */
export const LEGACY_WIREBOND = "WIREBOND";

/** The test types the wire-bond step writes. */
export const WIREBOND_TEST_TYPES = [WIREBOND_PULL_TEST, LEGACY_WIREBOND] as const;
/** One of {@link WIREBOND_TEST_TYPES}. */
export type WirebondTestType = (typeof WIREBOND_TEST_TYPES)[number];

/**
 * The original script's output file of each test type (`WIREBOND`: `prototype_WIREBOND_DAGE.json`),
 * available with `--out`; the default is {@link runFileName}, which cannot collide between modules.
 */
export const WIREBOND_OUTPUT_FILES: Readonly<Record<WirebondTestType, string>> = {
  WIREBOND_PULL_TEST: "prototype_WIREBOND_PULL_TEST.json",
  WIREBOND: "prototype_WIREBOND_DAGE.json",
};

/** The original's pass cut of the `WIREBOND` test (one constant, in the analysis). */
export { LEGACY_MIN_LOAD };

/** A DAGE file to read: where it is, and the name to use in messages. */
export interface InputFile {
  /** Path to read. */
  path: string;
  /** Name in messages (default `path`), e.g. as the user typed it. */
  name?: string;
}

/**
 * Reads and parses DAGE files (bad lines do not throw: see each result's `errors`). The same
 * file given twice (the same path, or the same content under another name) is an
 * {@link InputError}: its pulls would be counted twice. A missing read permission is rethrown
 * as is; an unreadable file is an {@link InputError}.
 *
 * @example
 * ```ts ignore
 * const parts = await readDageInputs([{ path: "/data/a.csv", name: "a.csv" }]);
 * ```
 */
export async function readDageInputs(files: readonly InputFile[]): Promise<DageParseResult[]> {
  const out: DageParseResult[] = [];
  const byPath = new Map<string, string>();
  const byContent = new Map<string, string>();
  for (const f of files) {
    const name = f.name ?? f.path;
    const real = await Deno.realPath(f.path).catch(() => f.path);
    const before = byPath.get(real);
    if (before !== undefined) {
      throw new InputError(
        `${name}: the same file is given twice (${before} and ${name}): its pulls would be ` +
          "counted twice",
        [],
        { hint: "give each file once" },
      );
    }
    byPath.set(real, name);
    const text = await readInputText(f.path, "DAGE file", name);
    const twin = byContent.get(text);
    if (twin !== undefined) {
      throw new InputError(
        `${name}: the same content as ${twin}: its pulls would be counted twice`,
        [],
        { hint: "give each export once (a copy of a file is the same file)" },
      );
    }
    byContent.set(text, name);
    out.push(parseDage(text, name));
  }
  return out;
}

/**
 * Checks that DAGE files belong to `component`: every `Serial Number` they give must be that
 * component (and they must agree with each other). A file without any serial number cannot be
 * checked and is refused unless `allowMissingSerial` (the user says the file is that module's).
 * Throws {@link InputError} listing every mismatch with its file:line.
 *
 * @example
 * ```ts
 * import { parseDage } from "../parsers/dage.ts";
 * import { checkSerials } from "./wirebond.ts";
 * const a = parseDage('"Serial Number","20UPGM20000011"\n"LOADUNIT","g"\n"TEST",1,"1",9,0,"0","r1"\n', "a.csv");
 * try {
 *   checkSerials([a], "20UPGM20000013");
 * } catch (e) {
 *   (e as Error).message; // "the files are not all of module 20UPGM20000013 …"
 * }
 * ```
 */
export function checkSerials(
  parts: readonly DageParseResult[],
  component: string | null | undefined,
  opts: { allowMissingSerial?: boolean } = {},
): void {
  const problems: Problem[] = [];
  let first: { serial: string; where: string } | undefined;
  const missing: string[] = [];
  for (const p of parts) {
    const s = dageSerial(p);
    problems.push(...s.problems);
    if (s.serial === undefined || s.where === undefined) {
      missing.push(p.file);
      continue;
    }
    if (component && s.serial !== component) {
      problems.push({
        path: s.where,
        message: `Serial Number ${JSON.stringify(s.serial)} is not the module given ` +
          `(${component})` +
          (SERIAL_NUMBER_PATTERN.test(component)
            ? ""
            : `; if ${component} is that module's code, give its serial number instead`),
      });
    } else if (!component && first && s.serial !== first.serial) {
      problems.push({
        path: s.where,
        message: `Serial Number ${JSON.stringify(s.serial)} differs from ` +
          `${JSON.stringify(first.serial)} (${first.where}): the files are of two modules`,
      });
    }
    first ??= { serial: s.serial, where: s.where };
  }
  if (problems.length > 0) {
    throw new InputError(
      `the files are not all of module ${component ?? first?.serial ?? "?"}: nothing is written`,
      problems,
      { hint: "give the files of one module, and its serial number with --component" },
    );
  }
  if (component && missing.length > 0 && !opts.allowMissingSerial) {
    throw new InputError(
      `${missing.join(", ")}: no Serial Number in the file, so it cannot be checked to be ` +
        `${component}`,
      [],
      { hint: `if it is that module's export, run again with --allow-missing-serial` },
    );
  }
}

/**
 * Merges the parse results of several files of one module into one: the tests of every file
 * (files ordered by their first test's date and time, then name, so the order they are given in
 * does not matter), their header blocks, and their problems (each keeping its own file:line).
 *
 * @example
 * ```ts
 * import { parseDage } from "../parsers/dage.ts";
 * import { mergeDage } from "./wirebond.ts";
 * const line = '"LOADUNIT","g"\n"TEST",1,"1",10.5,0.02,"0","r1 20g"\n';
 * mergeDage([parseDage(line, "a.csv"), parseDage(line, "b.csv")]).tests.length; // 2
 * ```
 */
export function mergeDage(parts: readonly DageParseResult[]): DageParseResult {
  if (parts.length === 1) return parts[0];
  const key = (p: DageParseResult) => `${testDate(p) ?? "~"}\u0000${p.file}`;
  const sorted = [...parts].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  return {
    file: sorted.map((p) => p.file).join(" + "),
    tests: sorted.flatMap((p) => p.tests),
    headers: sorted.flatMap((p) => p.headers),
    warnings: sorted.flatMap((p) => p.warnings),
    errors: sorted.flatMap((p) => p.errors),
  };
}

/** Options of {@link buildWirebondRun}. */
export interface WirebondBuildOptions {
  /** `WIREBOND_PULL_TEST` (default) or the original's `WIREBOND`. */
  testType?: WirebondTestType;
  /** Grade code → break mode (default {@link DEFAULT_BREAK_MODE_MAPPING}). */
  mapping?: BreakModeMapping;
  /** Component serial number or code. */
  component?: string | null;
  /** Institution code. */
  institution?: string | null;
  /** Overrides the file's OPERATOR. */
  operator?: string;
  /** Overrides the run number derived from the data. */
  runNumber?: string;
  /** `WIREBOND` only: passed when MIN_LOAD > minLoad (default 15.0, as the original). */
  minLoad?: number;
  /** The date to use instead of the files' DATE/TIME (`--date`). */
  date?: GivenDate;
  /**
   * Accept files without a `Serial Number` for `component` (a mismatch is always refused).
   * Without `component`, serial numbers are only checked to agree.
   */
  allowMissingSerial?: boolean;
}

/** A grade code's pulls with the break mode it maps to. */
export interface GradeSummary extends GroupSummary {
  /** The break mode of the grade code. */
  mode: number;
  /** What the break mode means. */
  modeName: string;
}

/** Everything the wire-bond step found and built. */
export interface WirebondBuild {
  testType: WirebondTestType;
  /** The test run to write and upload. */
  testRun: WirebondPullTestRun | LegacyWirebondRun;
  /** The default output file name: `<component>_<TESTTYPE>_<runNumber>.json`. */
  fileName: string;
  /** The merged parse result (all valid tests). */
  parsed: DageParseResult;
  /** The files read, with their number of valid tests and rejected lines. */
  files: { file: string; tests: number; rejected: number }[];
  /** Count, mean, sample std, min, max of every valid pull's load (g). */
  summary: Summary;
  /** The same per bond group (label), in order of appearance. */
  byLabel: GroupSummary[];
  /** The same per grade code, with the break mode each maps to. */
  byGrade: GradeSummary[];
  /** The mapping used, as one line. */
  mapping: string;
  /** The pass cuts that failed (empty: passed). */
  failedCuts: FailedCut[];
  /** The per-pull cut drawn on the plot (g). */
  threshold: number;
  /** TEST lines left out, with file:line. */
  rejected: Problem[];
  /** Things to check that did not exclude a pull (index gaps, missing header fields, …). */
  warnings: Problem[];
  /** The date of the run and where it came from. */
  date: RunDate;
}

/**
 * Builds the test run of one module from the parse results of its DAGE file(s). Throws
 * ParseError when no file holds a valid TEST line, {@link InputError} when a grade code has no
 * break mode in the mapping (every such code, with the file:line of its first use), when the
 * files' serial numbers are not all `component` (see {@link checkSerials}), and when the date
 * of the first test is not a real date and none is given.
 *
 * @example
 * ```ts
 * import { parseDage } from "../parsers/dage.ts";
 * import { buildWirebondRun } from "./wirebond.ts";
 * const b = buildWirebondRun([parseDage('"LOADUNIT","g"\n"TEST",1,"1",10.5,0.02,"0","r1"\n', "a.csv")],
 *   { component: "20UPGM20000001", institution: "SANDBOX_A", allowMissingSerial: true });
 * b.testRun.testType; // "WIREBOND_PULL_TEST"
 * b.fileName; // "20UPGM20000001_WIREBOND_PULL_TEST_undated-….json"
 * ```
 */
export function buildWirebondRun(
  parts: readonly DageParseResult[],
  opts: WirebondBuildOptions = {},
): WirebondBuild {
  if (parts.length === 0) throw new InputError("no DAGE file given");
  const testType = opts.testType ?? WIREBOND_PULL_TEST;
  const mapping = opts.mapping ?? DEFAULT_BREAK_MODE_MAPPING;
  const unmapped: Problem[] = [];
  const warnings: Problem[] = [];
  for (const p of parts) {
    try {
      breakModesOf(p.tests, mapping, p.file);
    } catch (e) {
      if (!(e instanceof InputError)) throw e;
      unmapped.push(...e.problems);
    }
    if (p.tests.length === 0 && parts.length > 1) {
      warnings.push({ path: p.file, message: "no valid TEST line in this file" });
    }
  }
  if (unmapped.length) {
    throw new InputError("grade codes without a break mode", unmapped, {
      hint: "give a mapping file with --break-modes (known grade codes: " +
        `${Object.keys(mapping.gradeCodes).join(", ")}), e.g. {"gradeCodes": {"1": 0, "2": 1}}`,
    });
  }
  const parsed = requireTests(mergeDage(parts));
  checkSerials(parts, opts.component, { allowMissingSerial: opts.allowMissingSerial });
  warnings.push(...parsed.warnings);
  const date = runDateOf(parsed, opts.date);
  const runNumber = opts.runNumber ??
    dataRunNumber(parsed, {
      mapping,
      minLoad: testType === LEGACY_WIREBOND ? opts.minLoad ?? LEGACY_MIN_LOAD : undefined,
      date: date.parts ?? null,
    });
  const mappingText = describeMapping(mapping);
  let testRun: WirebondPullTestRun | LegacyWirebondRun;
  let failedCuts: FailedCut[];
  let threshold: number;
  if (testType === LEGACY_WIREBOND) {
    const minLoad = opts.minLoad ?? LEGACY_MIN_LOAD;
    testRun = legacyWirebond(parsed, mapping, {
      minLoad,
      component: opts.component ?? null,
      institution: opts.institution ?? null,
      runNumber,
      operator: opts.operator,
      date: opts.date,
    });
    const min = testRun.results.MIN_LOAD;
    failedCuts = testRun.passed ? [] : [{
      code: "MIN_LOAD",
      value: min,
      requirement: `> ${minLoad}`,
      message: `minimum load ${min} g is not above ${minLoad} g (--min-load)`,
    }];
    threshold = minLoad;
  } else {
    const outcome = wirebondPullTest(parsed, mapping, {
      component: opts.component ?? null,
      institution: opts.institution ?? null,
      runNumber,
      operator: opts.operator,
      date: opts.date,
    });
    testRun = outcome.testRun;
    failedCuts = outcome.failedCuts;
    threshold = WIREBOND_PULL_CUTS.PULL_STRENGTH_MIN_MIN;
  }
  const modes = mapping.gradeCodes;
  return {
    testType,
    testRun,
    fileName: runFileName(testRun),
    parsed,
    files: parts.map((p) => ({ file: p.file, tests: p.tests.length, rejected: p.errors.length })),
    summary: summarize(parsed.tests.map((t) => t.load)),
    byLabel: breakdown(parsed.tests, "label"),
    byGrade: breakdown(parsed.tests, "gradeCode")
      .sort((a, b) => a.key.localeCompare(b.key, "en", { numeric: true }))
      .map((g) => ({ ...g, mode: modes[g.key], modeName: BREAK_MODE_NAMES[modes[g.key]] })),
    mapping: mappingText,
    failedCuts,
    threshold,
    rejected: parsed.errors,
    warnings,
    date,
  };
}

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

/** Options of {@link wirebondPlot}. */
export interface WirebondPlotOptions {
  /** A logarithmic count axis, so that the few pulls below the cut are seen. */
  logCount?: boolean;
}

/**
 * The load histogram of the pulls with the cuts: `WIREBOND_PULL_TEST`, the minimum-strength cut
 * (4 g, bins below it red) and the cut on the mean (7 g); `WIREBOND`, the `--min-load` cut.
 *
 * @example
 * ```ts ignore
 * await (await wirebondPlot(build, { logCount: true })).save("loads.png");
 * ```
 */
export async function wirebondPlot(
  build: WirebondBuild,
  options: WirebondPlotOptions = {},
): Promise<Plot> {
  const who = build.testRun.component ? `${build.testRun.component}: ` : "";
  return await loadHistogram(build.parsed.tests.map((t) => t.load), {
    threshold: build.threshold,
    meanCut: build.testType === LEGACY_WIREBOND
      ? undefined
      : WIREBOND_PULL_CUTS.PULL_STRENGTH_MIN_MEAN,
    logCount: options.logCount,
    title: `${who}wire pull loads (${build.testType})`,
  });
}

/**
 * Axis labels of grade codes: each code with the break mode it means in `mapping`, on two
 * lines (`"2\nheel break on hybrid"`), for {@link loadsByGroup}'s `labels`.
 *
 * @example
 * ```ts
 * import { DEFAULT_BREAK_MODE_MAPPING } from "../analysis/break_modes.ts";
 * import { gradeCodeLabels } from "./wirebond.ts";
 * gradeCodeLabels(DEFAULT_BREAK_MODE_MAPPING)["2"]; // "2\nheel break on hybrid"
 * ```
 */
export function gradeCodeLabels(mapping: BreakModeMapping): Record<string, string> {
  return Object.fromEntries(
    Object.entries(mapping.gradeCodes).map(([code, mode]) => [
      code,
      `${code}\n${BREAK_MODE_NAMES[mode]}`,
    ]),
  );
}

/**
 * The loads of a wire-bond build per bond group (`label`, in the order of the file) or per grade
 * code (named by the break mode each means in the mapping of the build), with the cut.
 *
 * @example
 * ```ts ignore
 * await (await wirebondGroupPlot(build, "gradeCode")).save("by_grade.svg");
 * ```
 */
export async function wirebondGroupPlot(
  build: WirebondBuild,
  by: "label" | "gradeCode",
): Promise<Plot> {
  const who = build.testRun.component ? `${build.testRun.component}: ` : "";
  const labels = Object.fromEntries(build.byGrade.map((g) => [g.key, `${g.key}\n${g.modeName}`]));
  return await loadsByGroup(
    build.parsed.tests.map((t) => ({ load: t.load, label: t.label, gradeCode: t.gradeCode })),
    {
      by,
      threshold: build.threshold,
      labels: by === "gradeCode" ? labels : undefined,
      title: `${who}loads by ${by === "label" ? "bond group" : "grade code (break mode)"}`,
    },
  );
}
