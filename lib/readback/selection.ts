/**
 * Which test runs to read back: a test type (or several) of a project's component type, and
 * optionally stages, states, institutions, components and a date range. The parts that
 * `listTestRunsByTestType` takes (project, component type, test types, stages, states) go to
 * the server; the others are applied here to each run's summary, because the command is not
 * known to filter by them: institution (the run's `institution.code`), components (serial
 * number or code of the run's tested component) and the date range (the run's `date`).
 *
 * @module
 */
import { UsageError } from "../errors.ts";
import { type ProjectCode, ProjectCodeSchema } from "../schemas/common.ts";

/** The runs to read back. */
export interface RunSelection {
  /** Project code: S, P, CM or CE. */
  project: string;
  /** Component type code, e.g. `MODULE`. */
  componentType: string;
  /** Test type codes, e.g. `["WIREBOND_PULL_TEST"]`. */
  testTypes: string[];
  /** Stage codes (server side); none: every stage. */
  stages?: string[];
  /** Run states (server side); default `["ready"]` (deleted runs left out). */
  states?: string[];
  /** Institution codes (applied locally). */
  institutions?: string[];
  /** Serial numbers or component codes (applied locally). */
  components?: string[];
  /** First day included, `YYYY-MM-DD` (applied locally, UTC). */
  from?: string;
  /** Last day included, `YYYY-MM-DD` (applied locally, UTC). */
  to?: string;
}

/** The input of `listTestRunsByTestType` for a selection (without `pageInfo`). */
export interface ServerQuery {
  project: ProjectCode;
  componentType: string;
  testType: string[];
  stage?: string[];
  state: string[];
}

/** What a run summary must have for the local filters. */
export interface SummaryForFilter {
  date?: string | null;
  institution?: { code: string } | null;
  components?: { code: string; serialNumber?: string | null }[] | null;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * Checks a selection; throws a {@link UsageError} naming the first mistake.
 *
 * @example
 * ```ts
 * import { checkSelection } from "./selection.ts";
 * checkSelection({ project: "P", componentType: "MODULE", testTypes: ["WIREBOND_PULL_TEST"] });
 * ```
 */
export function checkSelection(sel: RunSelection): RunSelection {
  if (!ProjectCodeSchema.safeParse(sel.project).success) {
    throw new UsageError(`the project must be one of S, P, CM, CE, got '${sel.project}'`);
  }
  if (!sel.componentType) throw new UsageError("a component type is needed (e.g. MODULE)");
  if (!sel.testTypes.length || sel.testTypes.some((t) => !t)) {
    throw new UsageError("at least one test type is needed (e.g. WIREBOND_PULL_TEST)");
  }
  for (const [name, day] of [["from", sel.from], ["to", sel.to]] as const) {
    if (day !== undefined && (!DAY.test(day) || Number.isNaN(Date.parse(`${day}T00:00:00Z`)))) {
      throw new UsageError(`--${name} must be a day YYYY-MM-DD, got '${day}'`);
    }
  }
  if (sel.from && sel.to && sel.from > sel.to) {
    throw new UsageError(`--from ${sel.from} is after --to ${sel.to}`);
  }
  return sel;
}

/**
 * The server part of a selection: the `listTestRunsByTestType` input, lists sorted so that the
 * same selection always gives the same query.
 *
 * @example
 * ```ts
 * import { serverQuery } from "./selection.ts";
 * serverQuery({ project: "P", componentType: "MODULE", testTypes: ["WIREBOND_PULL_TEST"] });
 * // { project: "P", componentType: "MODULE", testType: ["WIREBOND_PULL_TEST"], state: ["ready"] }
 * ```
 */
export function serverQuery(sel: RunSelection): ServerQuery {
  const sorted = (list: string[]) => [...new Set(list)].sort();
  const query: ServerQuery = {
    project: sel.project as ProjectCode,
    componentType: sel.componentType,
    testType: sorted(sel.testTypes),
    state: sorted(sel.states?.length ? sel.states : ["ready"]),
  };
  if (sel.stages?.length) query.stage = sorted(sel.stages);
  return query;
}

/**
 * True when a run summary passes the local filters (institution, components, date range).
 *
 * @example
 * ```ts
 * import { matchesLocally } from "./selection.ts";
 * const sel = { project: "P", componentType: "MODULE", testTypes: ["T"], institutions: ["A"] };
 * matchesLocally({ institution: { code: "B" } }, sel); // false
 * ```
 */
export function matchesLocally(run: SummaryForFilter, sel: RunSelection): boolean {
  if (sel.institutions?.length && !sel.institutions.includes(run.institution?.code ?? "")) {
    return false;
  }
  if (sel.components?.length) {
    const wanted = new Set(sel.components);
    const hit = (run.components ?? []).some((c) =>
      wanted.has(c.code) || (c.serialNumber != null && wanted.has(c.serialNumber))
    );
    if (!hit) return false;
  }
  if (sel.from || sel.to) {
    const day = dayOf(run.date);
    if (day === undefined) return false;
    if (sel.from && day < sel.from) return false;
    if (sel.to && day > sel.to) return false;
  }
  return true;
}

/** The UTC day (`YYYY-MM-DD`) of an ISO date-time, or undefined. */
function dayOf(date: string | null | undefined): string | undefined {
  if (!date) return undefined;
  const t = Date.parse(date);
  return Number.isNaN(t) ? undefined : new Date(t).toISOString().slice(0, 10);
}
