/**
 * A production at a glance, from read-back `WIREBOND_PULL_TEST` runs (pure): pass rate per
 * week and institution, each run's mean and minimum pull strength with its failed cuts, the
 * worst modules, break-mode fractions per site, and one module's history.
 *
 * @module
 */
import { BREAK_MODE_NAMES, type BreakMode } from "../analysis/break_modes.ts";
import { cutsFailedBy } from "../analysis/wirepull.ts";
import type { RunRecord } from "./record.ts";

/** One week (starting Monday, UTC) of one institution's runs. */
export interface WeeklyPassRate {
  /** The Monday, `YYYY-MM-DD`. */
  week: string;
  institution: string;
  runs: number;
  passed: number;
  /** Passed / runs, in % (0..100). */
  passRate: number;
}

/**
 * The Monday (UTC) of the week of an ISO date-time, as `YYYY-MM-DD`; undefined when it does
 * not parse.
 *
 * @example
 * ```ts
 * import { weekOf } from "./overview.ts";
 * weekOf("2024-02-08T10:00:00Z"); // "2024-02-05"
 * ```
 */
export function weekOf(date: string | null | undefined): string | undefined {
  const t = date ? Date.parse(date) : NaN;
  if (Number.isNaN(t)) return undefined;
  const d = new Date(t);
  const back = (d.getUTCDay() + 6) % 7;
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() - back))
    .toISOString().slice(0, 10);
}

/**
 * Pass rate per week and institution, sorted by week then institution. Runs without a date or
 * a `passed` value are left out.
 *
 * @example
 * ```ts
 * import { weeklyPassRates } from "./overview.ts";
 * weeklyPassRates([
 *   { date: "2024-02-05T10:00:00Z", institution: "A", passed: true },
 *   { date: "2024-02-06T10:00:00Z", institution: "A", passed: false },
 * ]); // [{ week: "2024-02-05", institution: "A", runs: 2, passed: 1, passRate: 50 }]
 * ```
 */
export function weeklyPassRates(
  runs: readonly Pick<RunRecord, "date" | "institution" | "passed">[],
): WeeklyPassRate[] {
  const cells = new Map<string, WeeklyPassRate>();
  for (const r of runs) {
    const week = weekOf(r.date);
    if (!week || typeof r.passed !== "boolean") continue;
    const institution = r.institution ?? "(none)";
    const key = `${week}\u0000${institution}`;
    const cell = cells.get(key) ?? { week, institution, runs: 0, passed: 0, passRate: 0 };
    cell.runs++;
    if (r.passed) cell.passed++;
    cells.set(key, cell);
  }
  return [...cells.values()]
    .map((c) => ({ ...c, passRate: (100 * c.passed) / c.runs }))
    .sort((a, b) => a.week.localeCompare(b.week) || a.institution.localeCompare(b.institution));
}

/** One wire-pull run's strengths and cuts. */
export interface RunStrength {
  serial: string;
  institution: string;
  date: string;
  runId: string;
  runNumber: string | null;
  /** PULL_STRENGTH (mean of valid pulls), g. */
  mean: number;
  /** PULL_STRENGTH_MIN, g. */
  min: number;
  /** PULL_STRENGTH_MAX, g. */
  max: number;
  passed: boolean;
  /** The cuts the results fail, in words (empty when none). */
  failedCuts: string[];
  /** The run's attachments. */
  attachments: RunRecord["attachments"];
}

/**
 * The strengths of every run that has them (PULL_STRENGTH, _MIN, _MAX as numbers), with the
 * cuts its results fail, sorted by date.
 *
 * @example
 * ```ts ignore
 * const points = runStrengths(runs); // [{ serial, date, mean, min, failedCuts, … }]
 * ```
 */
export function runStrengths(runs: readonly RunRecord[]): RunStrength[] {
  const out: RunStrength[] = [];
  for (const r of runs) {
    const res = r.results;
    const [mean, min, max] = [res.PULL_STRENGTH, res.PULL_STRENGTH_MIN, res.PULL_STRENGTH_MAX];
    if (!isFiniteNumber(mean) || !isFiniteNumber(min) || !isFiniteNumber(max)) continue;
    if (!r.date || !r.serial) continue;
    const lift = res.LIFT_OFFS_LESS_THAN_7G;
    const cuts = typeof lift === "number"
      ? cutsFailedBy({
        PULL_STRENGTH: mean,
        PULL_STRENGTH_MIN: min,
        LIFT_OFFS_LESS_THAN_7G: lift,
        DATA_UNAVAILABLE: Boolean(res.DATA_UNAVAILABLE),
      }).map((c) => c.message)
      : [];
    out.push({
      serial: r.serial,
      institution: r.institution ?? "(none)",
      date: r.date,
      runId: r.id,
      runNumber: r.runNumber,
      mean,
      min,
      max,
      passed: r.passed ?? cuts.length === 0,
      failedCuts: cuts,
      attachments: r.attachments,
    });
  }
  return out.sort((a, b) => a.date.localeCompare(b.date) || a.serial.localeCompare(b.serial));
}

/**
 * The `n` worst modules: each module's weakest run (lowest minimum strength) among its failing
 * runs, weakest first.
 *
 * @example
 * ```ts ignore
 * const worst = worstModules(runStrengths(runs), 10);
 * ```
 */
export function worstModules(points: readonly RunStrength[], n: number): RunStrength[] {
  const byModule = new Map<string, RunStrength>();
  for (const p of points) {
    if (p.passed) continue;
    const seen = byModule.get(p.serial);
    if (!seen || p.min < seen.min || (p.min === seen.min && p.mean < seen.mean)) {
      byModule.set(p.serial, p);
    }
  }
  return [...byModule.values()].sort((a, b) => a.min - b.min || a.mean - b.mean).slice(0, n);
}

/** How often one break mode occurs at one site. */
export interface BreakModeShare {
  institution: string;
  mode: number;
  /** What the mode means. */
  name: string;
  pulls: number;
  /** Of the site's pulls, in % (0..100). */
  share: number;
}

/**
 * Break-mode shares per institution, from every run's `PULL_STRENGTH_DATA`
 * (`[strength, mode, location]`), sorted by institution then mode.
 *
 * @example
 * ```ts
 * import { breakModeShares } from "./overview.ts";
 * const shares = breakModeShares([{ institution: "A",
 *   results: { PULL_STRENGTH_DATA: [[8, 0, 1], [7, 1, 1]] } }]);
 * shares.map((s) => s.share); // [50, 50]
 * ```
 */
export function breakModeShares(
  runs: readonly Pick<RunRecord, "institution" | "results">[],
): BreakModeShare[] {
  const counts = new Map<string, Map<number, number>>();
  for (const r of runs) {
    const data = r.results.PULL_STRENGTH_DATA;
    if (!Array.isArray(data)) continue;
    const site = r.institution ?? "(none)";
    const modes = counts.get(site) ?? new Map<number, number>();
    for (const entry of data) {
      const mode = Array.isArray(entry) ? entry[1] : undefined;
      if (typeof mode === "number") modes.set(mode, (modes.get(mode) ?? 0) + 1);
    }
    counts.set(site, modes);
  }
  const out: BreakModeShare[] = [];
  for (const [institution, modes] of counts) {
    const total = [...modes.values()].reduce((a, b) => a + b, 0);
    for (const [mode, pulls] of modes) {
      out.push({
        institution,
        mode,
        name: BREAK_MODE_NAMES[mode as BreakMode] ?? `mode ${mode}`,
        pulls,
        share: total ? (100 * pulls) / total : 0,
      });
    }
  }
  return out.sort((a, b) => a.institution.localeCompare(b.institution) || a.mode - b.mode);
}

/**
 * Every run of one module (by serial number), oldest first.
 *
 * @example
 * ```ts ignore
 * const history = moduleHistory(runStrengths(runs), "20UPGM21000042");
 * ```
 */
export function moduleHistory(points: readonly RunStrength[], serial: string): RunStrength[] {
  return points.filter((p) => p.serial === serial).sort((a, b) => a.date.localeCompare(b.date));
}

function isFiniteNumber(v: unknown): v is number {
  return typeof v === "number" && Number.isFinite(v);
}
