/**
 * Planning a batch: every file prepared and validated against the test type definitions
 * (fetched once), every component resolved (bulk lookups, 100 per call), and every run looked
 * up on the server, so that the plan says exactly what will be created, what is already there
 * (a run of the same component, test type and run number: a re-run creates nothing even when
 * its journal is lost) and what is invalid, with file:line and reason.
 *
 * @module
 */
import type { ItkpdClient } from "../client/client.ts";
import { mapLimit } from "../_pool.ts";
import { chunk } from "../client/bulk.ts";
import { BULK_LIMIT } from "../client/commands.ts";
import { checkAnswer } from "../client/errors_map.ts";
import { InputError, type Problem, UsageError } from "../errors.ts";
import { suggest } from "../suggest.ts";
import { z } from "zod";
import { answer } from "../schemas/common.ts";
import type { TestType } from "../schemas/mod.ts";
import {
  compareRuns,
  isPresentRunOf,
  type ListedRun,
  PRESENT_STATES,
} from "../upload/upload_once.ts";
import type { BatchInputFile } from "./discover.ts";
import {
  type InvalidItem,
  type PrepareContext,
  type PreparedItem,
  prepareFile,
  runKey,
  type UploadDtoIn,
} from "./prepare_item.ts";

/** An item already on the server. */
export interface PresentItem {
  item: PreparedItem;
  /** The id of the run the server has (the earliest, when it has several). */
  existingId: string;
  /** Every present run of this identity, earliest first (more than one: a duplicate). */
  runIds: string[];
}

/** What a batch would do. */
export interface BatchPlan {
  /** Items to upload (component resolved to its code, checked). */
  toCreate: PreparedItem[];
  /** Items the server already has. */
  present: PresentItem[];
  /** Items that cannot be uploaded, with every reason. */
  invalid: InvalidItem[];
  /** Test types by code, as fetched. */
  testTypes: ReadonlyMap<string, TestType>;
  /** How the files were prepared (to prepare a light item again before its upload). */
  context: PrepareContext;
  /** Things to know that stop nothing (e.g. manifest rows naming no input file). */
  warnings: Problem[];
  /** Project and component type of the runs (default P / MODULE). */
  project?: string;
  componentType?: string;
}

/** Options of {@link planBatch}. */
export interface PlanOptions extends Omit<PrepareContext, "testTypes"> {
  /** Project of the components (default P). */
  project?: string;
  /** Component type of the components (default MODULE). */
  componentType?: string;
  /** Files prepared at the same time (default 8). */
  prepareConcurrency?: number;
  /** The institution codes of the site, when already fetched (else listed here). */
  institutions?: readonly string[];
  /** Above this many components, runs are looked up per test type rather than per component. */
  perComponentLimit?: number;
  /** Called as files are prepared (count so far, total). */
  onPrepared?: (done: number, total: number) => void;
  /**
   * Keep each run's values as compact JSON text rather than objects, within
   * {@link PlanOptions.keptBytes}; beyond, only the run's identity is kept and the file is
   * prepared again right before its upload: memory stays flat however many files (default:
   * above 200 files).
   */
  light?: boolean;
  /**
   * A light plan's budget for runs kept as JSON text, in characters (default
   * {@link KEPT_RUNS_BUDGET}); a run above {@link MAX_KEPT_RUN} is never kept.
   */
  keptBytes?: number;
}

/**
 * Characters of runs a light plan keeps as JSON text: 32 Mi (a 60-pull module's run is about
 * 1.7 KB: 10,000 modules take 17 MB). Runs beyond it are prepared again before their upload.
 */
export const KEPT_RUNS_BUDGET = 32 * 1024 * 1024;
/** The largest run a light plan keeps as text (64 Ki characters, about 2,000 pulls). */
export const MAX_KEPT_RUN = 64 * 1024;

/**
 * The answer of `getComponentBulk` as the plan reads it: of each component, only what it uses
 * (code, serial number, id), checked as the client's full schema checks them. The rest of a
 * component (properties, stages, attachments: a few KB each) is neither checked nor copied,
 * which made most of the plan's cost once the files were prepared.
 */
export const COMPONENT_REFS = answer({
  itemList: z.array(z.object({
    id: z.string().optional(),
    code: z.string(),
    serialNumber: z.string().nullish(),
  })),
});

/** A component as the plan reads it (see {@link COMPONENT_REFS}). */
export type ComponentRef = { id?: string; code: string; serialNumber?: string | null };

/**
 * The components of a `getComponentBulk` answer as {@link COMPONENT_REFS} gives them: read
 * directly when the answer is plainly valid (no `uuAppErrorMap`, a list of objects each with a
 * text `code`, an `id` that is text or absent, a `serialNumber` that is text, null or absent),
 * else checked by the schema, which accepts or refuses it and says what is wrong. The result is
 * the schema's either way (a test compares both on random answers).
 *
 * @example
 * ```ts
 * import { componentRefs } from "./plan.ts";
 * componentRefs({ itemList: [{ code: "abc", serialNumber: "20UPGM20000001", state: "ready" }] });
 * // [{ code: "abc", serialNumber: "20UPGM20000001" }]
 * ```
 */
export function componentRefs(answer: unknown): ComponentRef[] {
  return plainComponentRefs(answer) ??
    checkAnswer("getComponentBulk", 200, COMPONENT_REFS, answer).itemList;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** {@link componentRefs} of a plainly valid answer; `undefined` for any other. */
function plainComponentRefs(answer: unknown): ComponentRef[] | undefined {
  if (!isRecord(answer) || answer.uuAppErrorMap !== undefined) return undefined;
  const list = answer.itemList;
  if (!Array.isArray(list)) return undefined;
  const out: ComponentRef[] = [];
  for (const c of list) {
    if (!isRecord(c)) return undefined;
    const { id, code, serialNumber } = c;
    if (typeof code !== "string" || (id !== undefined && typeof id !== "string")) return undefined;
    if (serialNumber !== undefined && serialNumber !== null && typeof serialNumber !== "string") {
      return undefined;
    }
    const ref: ComponentRef = id === undefined ? { code } : { id, code };
    if (serialNumber !== undefined) ref.serialNumber = serialNumber;
    out.push(ref);
  }
  return out;
}

/** Fetches the test types of a component type once, by code. */
export async function fetchTestTypes(
  client: ItkpdClient,
  project = "P",
  componentType = "MODULE",
): Promise<Map<string, TestType>> {
  const list = await client.listTestTypes({
    project: project as "P",
    componentType,
  });
  return new Map(list.map((t) => [t.code, t]));
}

/** Builds the plan of a batch. Sends nothing that writes. */
export async function planBatch(
  client: ItkpdClient,
  files: BatchInputFile[],
  opts: PlanOptions,
): Promise<BatchPlan> {
  const project = opts.project ?? "P";
  const componentType = opts.componentType ?? "MODULE";
  const [testTypes, institutionList] = await Promise.all([
    fetchTestTypes(client, project, componentType),
    opts.institutions ?? client.listInstitutions().then((list) => list.map((i) => i.code)),
  ]);
  const institutions = new Set(institutionList);
  checkInstitutionFlag(opts.institution, institutions);
  const ctx: PrepareContext = { ...opts, testTypes };

  // 1. Prepare every file (parse, analyse, validate). Only the dtoIn is kept, not the text.
  let done = 0;
  const light = opts.light ?? files.length > 200;
  let budget = opts.keptBytes ?? KEPT_RUNS_BUDGET;
  const prepared = await mapLimit(files, opts.prepareConcurrency ?? 8, async (file) => {
    const item = await prepareFile(file, ctx, { light });
    opts.onPrepared?.(++done, files.length);
    if (!item.ok) return item;
    const text = item.text;
    delete item.text;
    // A light item: the run as one string, a fraction of the memory of its objects, and nothing
    // to read, parse or check again before the upload. Beyond the budget, only the identity.
    if (light && text !== undefined && text.length <= MAX_KEPT_RUN && text.length <= budget) {
      item.values = text;
      budget -= text.length;
    } else delete item.checked; // prepared again before its upload, and checked then

    return item;
  });
  const invalid: InvalidItem[] = [];
  const valid: PreparedItem[] = [];
  const seen = new Map<string, PreparedItem>();
  const without = opts.institution
    ? []
    : prepared.filter((i) => !i.ok && i.reason?.kind === "no institution");
  if (without.length) throw noInstitution(without.map((i) => i.file.display), prepared.length);
  for (const item of prepared) {
    if (!item.ok) {
      invalid.push(item);
      continue;
    }
    if (!institutions.has(item.dtoIn.institution)) {
      const close = suggest(item.dtoIn.institution, [...institutions]);
      invalid.push({
        ok: false,
        file: item.file,
        problems: [{
          path: `${item.file.display} $.institution`,
          message: `unknown institution ${JSON.stringify(item.dtoIn.institution)}` +
            (close ? ` (did you mean ${close}?)` : ""),
        }],
        reason: {
          kind: "unknown institution",
          institution: item.dtoIn.institution,
          ...(close ? { suggestion: close } : {}),
        },
      });
      continue;
    }
    valid.push(item);
  }

  // 2. Resolve components: serial numbers or codes → the component's code (bulk, 100 a call).
  const ids = [...new Set(valid.map((i) => i.dtoIn.component))];
  // Only each component's code and serial number are kept, taken from each answer as it comes:
  // the whole answers of thousands of components (a few KB each) never sit in memory at once.
  const codeOf = new Map<string, { code: string; serialNumber?: string | null }>();
  await mapLimit(chunk(ids, BULK_LIMIT), 3, async (part) => {
    for (const c of componentRefs(await client.call("getComponentBulk", { component: part }))) {
      const ref = { code: c.code, serialNumber: c.serialNumber ?? null };
      for (const k of [c.code, c.serialNumber, c.id]) if (k) codeOf.set(k, ref);
    }
  });
  const resolved: PreparedItem[] = [];
  for (const item of valid) {
    const c = codeOf.get(item.dtoIn.component);
    if (!c) {
      invalid.push({
        ok: false,
        file: item.file,
        problems: [{
          path: item.file.display,
          message: `component ${item.dtoIn.component} does not exist in ITkPD`,
        }],
        reason: {
          kind: "not registered",
          component: item.dtoIn.component,
          institution: item.dtoIn.institution,
        },
      });
      continue;
    }
    const serial = c.serialNumber ?? item.dtoIn.component;
    const key = runKey(serial, item.dtoIn.testType, item.dtoIn.runNumber);
    const twin = seen.get(key);
    if (twin) {
      invalid.push({
        ok: false,
        file: item.file,
        problems: [{
          path: item.file.display,
          message: `the same run (${key}) as ${twin.file.display}: only one is uploaded`,
        }],
        reason: { kind: "same run", as: twin.file.display },
      });
      continue;
    }
    const ready: PreparedItem = {
      ...item,
      key,
      componentCode: c.code,
      dtoIn: { ...item.dtoIn, component: serial },
    };
    // The checked text with the component it is uploaded with (checked too); else parsed back.
    // It replaces the kept text (one copy of each run in memory, not two).
    const checked = item.checked?.with("component", item.dtoIn.component, serial);
    if (checked) {
      ready.checked = checked;
      delete ready.values;
    } else delete ready.checked;
    seen.set(key, ready);
    resolved.push(ready);
  }

  // 3. Look up runs the server already has (same component, test type and run number).
  const existing = await existingRuns(client, resolved.map(runRefOf), {
    project,
    componentType,
    perComponentLimit: opts.perComponentLimit ?? 50,
  });
  const toCreate: PreparedItem[] = [];
  const present: PresentItem[] = [];
  for (const item of resolved) {
    const runs = existing.get(item.key);
    if (runs?.length) {
      present.push({ item, existingId: runs[0].id, runIds: runs.map((r) => r.id) });
    } else toCreate.push(item);
  }
  invalid.sort((a, b) => (a.file.path < b.file.path ? -1 : a.file.path > b.file.path ? 1 : 0));
  const warnings: Problem[] = [];
  if (opts.manifest) {
    const inputs = new Set(files.map((f) => f.path));
    for (const [path, entry] of opts.manifest) {
      if (inputs.has(path)) continue;
      warnings.push({
        path: entry.where ?? path,
        message: `${entry.file ?? path} is not among the input files (the manifest's file ` +
          `names are relative to the manifest's own folder)`,
      });
    }
  }
  return { toCreate, present, invalid, testTypes, context: ctx, warnings, project, componentType };
}

/**
 * Refuses an `--institution` the site does not know (a usage error, one line with a did-you-mean),
 * before any file is sent.
 */
export function checkInstitutionFlag(
  institution: string | undefined,
  known: ReadonlySet<string>,
): void {
  if (institution === undefined || known.has(institution)) return;
  const close = suggest(institution, [...known]);
  throw new UsageError(
    `--institution ${institution}: not an institution of ITkPD` +
      (close ? ` (did you mean ${close}?)` : ""),
  );
}

/**
 * The usage error of files that get no institution from anywhere: no `--institution`, and
 * neither the file nor the manifest gives one. One line, whatever the number of files.
 */
export function noInstitution(files: readonly string[], of: number): UsageError {
  const which = files.length === of && of > 1
    ? `none of the ${of} input files gives one`
    : files.length === 1
    ? `${files[0]} gives none`
    : `${files.length} of ${of} input files give none (${files.slice(0, 3).join(", ")}${
      files.length > 3 ? ", …" : ""
    })`;
  return new UsageError(
    `--institution is missing: ${which}, nor does a manifest; give --institution CODE`,
  );
}

/** One run identity to look up: its key, the component (serial and code), type, number. */
export interface RunRef {
  key: string;
  /** Serial number (or code when it has none): what the key holds. */
  serial: string;
  /** The component's code (for look-ups by component). */
  componentCode: string;
  testType: string;
  runNumber: string;
  /** Run numbers the same data had before (see `RunIdentity.formerRunNumbers`). */
  formerRunNumbers?: readonly string[];
}

/** The {@link RunRef} of a planned item. */
export function runRefOf(item: PreparedItem): RunRef {
  return {
    key: item.key,
    serial: item.dtoIn.component,
    componentCode: item.componentCode ?? item.dtoIn.component,
    testType: item.dtoIn.testType,
    runNumber: item.dtoIn.runNumber,
    ...(item.formerRunNumbers?.length ? { formerRunNumbers: item.formerRunNumbers } : {}),
  };
}

/**
 * The present runs the server has for each identity (key → runs, earliest first; keys with
 * none are left out), by the one identity and state rule of lib/upload/upload_once.ts. Few
 * components: one `listTestRunsByComponent` per component; many: `listTestRunsByTestType`
 * (pages of 1000, each let go before the next: memory stays flat). A failed look-up throws.
 */
export async function existingRuns(
  client: ItkpdClient,
  refs: RunRef[],
  opts: { project: string; componentType: string; perComponentLimit: number },
): Promise<Map<string, ListedRun[]>> {
  const out = new Map<string, ListedRun[]>();
  if (refs.length === 0) return out;
  // Each identity by its key, and by the keys of its former run numbers (the same data).
  const wanted = new Map(refs.map((r) => [r.key, r]));
  for (const r of refs) {
    for (const n of r.formerRunNumbers ?? []) wanted.set(runKey(r.serial, r.testType, n), r);
  }
  const testTypes = [...new Set(refs.map((r) => r.testType))];
  const codes = new Map<string, string>(); // component code → serial (the key's part)
  for (const r of refs) codes.set(r.componentCode, r.serial);
  const add = (serial: string, run: ListedRun) => {
    let key = runKey(serial, run.testType?.code ?? "", String(run.runNumber ?? ""));
    const ref = wanted.get(key);
    if (!ref || !isPresentRunOf(ref, run)) return;
    key = ref.key;
    const list = out.get(key) ?? [];
    if (!list.some((r) => r.id === run.id)) {
      list.push({
        id: run.id,
        state: run.state,
        cts: run.cts,
        runNumber: run.runNumber,
        testType: run.testType ? { code: run.testType.code } : null,
      });
    }
    out.set(key, list);
  };
  if (codes.size <= opts.perComponentLimit) {
    await mapLimit([...codes], 8, async ([code, serial]) => {
      const runs = await client.listTestRunsByComponent({
        filterMap: { code, testType: testTypes, state: [...PRESENT_STATES] },
      });
      for (const r of runs) add(serial, r);
    });
  } else {
    // Page by page, keeping only the few fields of the runs wanted: a site's whole list of a
    // test type can be tens of thousands of runs, which must not sit in memory at once.
    for (const testType of testTypes) {
      const pages = client.paginate("listTestRunsByTestType", {
        project: opts.project,
        componentType: opts.componentType,
        testType,
        state: [...PRESENT_STATES],
      }, { pageSize: 1000 });
      for await (const item of pages) {
        const r = item as ListedRun & {
          components?: { code: string; serialNumber?: string | null }[] | null;
        };
        for (const c of r.components ?? []) {
          const serial = c.serialNumber ?? codes.get(c.code) ?? c.code;
          add(serial, r);
        }
      }
    }
  }
  for (const list of out.values()) list.sort(compareRuns);
  return out;
}

/**
 * The dtoIn to send for an item: its own; for a light item, its checked text or its values kept
 * as text by the plan, or else the file prepared again (and checked to be still the same run: a
 * file changed since the plan is refused).
 */
export async function dtoInFor(plan: BatchPlan, item: PreparedItem): Promise<UploadDtoIn> {
  if (!item.light) return item.dtoIn;
  if (item.checked !== undefined) return JSON.parse(item.checked.text) as UploadDtoIn;
  if (item.values !== undefined) {
    return { ...JSON.parse(item.values) as UploadDtoIn, component: item.dtoIn.component };
  }
  const again = await prepareFile(item.file, plan.context);
  if (!again.ok) {
    throw new InputError(`${item.file.display}: the file changed since the plan`, again.problems);
  }
  const same = again.dtoIn.testType === item.dtoIn.testType &&
    again.dtoIn.runNumber === item.dtoIn.runNumber;
  if (!same) {
    throw new InputError(
      `${item.file.display}: the file changed since the plan (now run ${again.dtoIn.runNumber})`,
      [],
      { hint: "run the command again to plan it anew" },
    );
  }
  return { ...again.dtoIn, component: item.dtoIn.component };
}
