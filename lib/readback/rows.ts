/**
 * Tables of read-back runs (pure): one row per run, with every property and result as its own
 * column, or one row per wire pull of `WIREBOND_PULL_TEST` runs.
 *
 * @module
 */
import { BREAK_MODE_NAMES, type BreakMode } from "../analysis/break_modes.ts";
import type { RunRecord } from "./record.ts";

/** A table: its columns in order, and its rows. */
export interface RowTable {
  columns: string[];
  rows: Record<string, unknown>[];
}

/** The columns every run row starts with. */
const RUN_COLUMNS = [
  "serial",
  "institution",
  "date",
  "runNumber",
  "passed",
  "problems",
  "state",
  "stage",
  "testType",
  "id",
  "component",
  "attachments",
] as const;

/** Prefix of property columns (results are named by their code alone). */
const PROPERTY_PREFIX = "property.";

/**
 * One row per run: the run's fields (see {@link RUN_COLUMNS}; `attachments` lists the file
 * names), then `property.<CODE>` for every property and `<CODE>` for every result met in any
 * run, in order of first appearance. Values stay as they are (arrays too); writing them as
 * CSV turns arrays and objects into JSON.
 *
 * @example
 * ```ts
 * import { runRows } from "./rows.ts";
 * const t = runRows([{ id: "r1", testType: "T", serial: "20UPGM20000001", component: "c",
 *   institution: "A", date: "2024-01-08T08:00:00.000Z", runNumber: "1", passed: true,
 *   problems: false, state: "ready", stage: null, properties: { OPERATOR: "op" },
 *   results: { MEAN: 8.7 }, attachments: [] }]);
 * t.columns.slice(-2); // ["property.OPERATOR", "MEAN"]
 * ```
 */
export function runRows(runs: readonly RunRecord[]): RowTable {
  const props = new Set<string>();
  const results = new Set<string>();
  for (const r of runs) {
    for (const k of Object.keys(r.properties)) props.add(k);
    for (const k of Object.keys(r.results)) results.add(k);
  }
  const rows = runs.map((r) => {
    const row: Record<string, unknown> = {
      serial: r.serial,
      institution: r.institution,
      date: r.date,
      runNumber: r.runNumber,
      passed: r.passed,
      problems: r.problems,
      state: r.state,
      stage: r.stage,
      testType: r.testType,
      id: r.id,
      component: r.component,
      attachments: r.attachments.map((a) => a.filename ?? a.code).join("; "),
    };
    for (const k of props) row[PROPERTY_PREFIX + k] = r.properties[k] ?? null;
    for (const k of results) row[k] = r.results[k] ?? null;
    return row;
  });
  return {
    columns: [...RUN_COLUMNS, ...[...props].map((k) => PROPERTY_PREFIX + k), ...results],
    rows,
  };
}

/** The columns of a pull row. */
const PULL_COLUMNS = [
  "serial",
  "institution",
  "date",
  "runNumber",
  "runId",
  "pull",
  "strength",
  "breakMode",
  "breakModeName",
  "location",
  "bondGroup",
] as const;

/** A pull table, and the runs that had no `PULL_STRENGTH_DATA`. */
export interface PullTable extends RowTable {
  /** Ids of runs without pull data (another test type, or DATA_UNAVAILABLE). */
  withoutPulls: string[];
}

/**
 * One row per pull of every run with `PULL_STRENGTH_DATA` (`[strength g, break mode,
 * location]` triples): the run's serial, institution, date, run number and id, the pull's
 * 1-based index, strength, break mode and its name, location and the bond-group label the
 * run's `BOND_GROUPS` property gives it (`"1=r1 20g; 2=r2 20g"`), null when unknown.
 *
 * @example
 * ```ts
 * import { pullRows } from "./rows.ts";
 * const t = pullRows([{ id: "r1", testType: "WIREBOND_PULL_TEST", serial: "S", component: "c",
 *   institution: "A", date: null, runNumber: "1", passed: true, problems: false, state: "ready",
 *   stage: null, properties: { BOND_GROUPS: "1=r1 20g" }, attachments: [],
 *   results: { PULL_STRENGTH_DATA: [[8.5, 0, 1]] } }]);
 * t.rows[0].bondGroup; // "r1 20g"
 * ```
 */
export function pullRows(runs: readonly RunRecord[]): PullTable {
  const rows: Record<string, unknown>[] = [];
  const withoutPulls: string[] = [];
  for (const r of runs) {
    const data = r.results.PULL_STRENGTH_DATA;
    if (!Array.isArray(data) || data.length === 0) {
      withoutPulls.push(r.id);
      continue;
    }
    const groups = bondGroups(r.properties.BOND_GROUPS);
    data.forEach((entry, i) => {
      const [strength, mode, location] = Array.isArray(entry) ? entry : [];
      rows.push({
        serial: r.serial,
        institution: r.institution,
        date: r.date,
        runNumber: r.runNumber,
        runId: r.id,
        pull: i + 1,
        strength: typeof strength === "number" ? strength : null,
        breakMode: typeof mode === "number" ? mode : null,
        breakModeName: BREAK_MODE_NAMES[mode as BreakMode] ?? null,
        location: location ?? null,
        bondGroup: typeof location === "number" ? groups.get(location) ?? null : null,
      });
    });
  }
  return { columns: [...PULL_COLUMNS], rows, withoutPulls };
}

/**
 * The bond groups of a `BOND_GROUPS` property (`"1=r1 20g; 2=r2 20g"`): location → label.
 *
 * @example
 * ```ts
 * import { bondGroups } from "./rows.ts";
 * bondGroups("1=r1 20g; 2=r2, 24g").get(2); // "r2, 24g"
 * ```
 */
export function bondGroups(text: unknown): Map<number, string> {
  const out = new Map<number, string>();
  if (typeof text !== "string" || !text) return out;
  for (const part of text.split(/;\s*(?=\d+=)/)) {
    const m = /^\s*(\d+)=(.*)$/s.exec(part);
    if (m) out.set(Number(m[1]), m[2].trim());
  }
  return out;
}
