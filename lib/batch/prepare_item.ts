/**
 * Preparing one input file of a batch: parse it, compute its test run, find its component,
 * and check every value against the test type's definition. Pure apart from reading the file.
 * The result is either a ready upload (`PreparedItem`) or every problem found, with file:line
 * or JSON path (`InvalidItem`). Nothing about the server is decided here.
 *
 * @module
 */
import type { InputOf, TestRunUploadInput } from "../client/commands.ts";
import { checkDtoIn, type CheckedDtoIn } from "../client/checked_dtoin.ts";
import { InputError, ItkpdError, type Problem, summarizeProblems } from "../errors.ts";
import { dageSerial, parseDage } from "../parsers/dage.ts";
import { parseIv } from "../parsers/iv.ts";
import { parseJsonDocument } from "../parsers/json.ts";
import { isoDate } from "../parsers/date.ts";
import type { BreakModeMapping } from "../analysis/break_modes.ts";
import {
  type FailedCut,
  wirebondPullTest,
  type WirebondPullTestRun,
} from "../analysis/wirepull.ts";
import {
  legacyFailedCuts,
  legacyWirebond,
  type LegacyWirebondRun,
} from "../analysis/legacy_wirebond.ts";
import { ivRunNumber, ivTestRun } from "../analysis/iv.ts";
import { summarize } from "../analysis/stats.ts";
import {
  decodeText,
  MAX_INPUT_BYTES,
  MAX_JSON_BYTES,
  readInputBytesSync,
} from "../io/read_input.ts";
import { defaultValuesProblem } from "../upload/checks.ts";
import { FREE_TEXT_KEYS } from "../upload/files.ts";
import { runValueProblems } from "../upload/guard.ts";
import {
  checkValues,
  findPlaceholders,
  SERIAL_NUMBER_PATTERN,
  type TestType,
} from "../schemas/mod.ts";
import type { BatchInputFile } from "./discover.ts";
import type { ManifestEntry } from "./manifest.ts";
import { type CutResult, cutResult, fileRunCuts } from "./qc.ts";

/**
 * What the batch sends for one item: the dtoIn of `uploadTestRunResults`, its properties and
 * results as the `{code: value}` maps the batch checked.
 */
export interface UploadDtoIn extends TestRunUploadInput {
  properties: Record<string, unknown>;
  results: Record<string, unknown>;
}

/** Short numbers of an item, for plans, tables and plots. */
export interface ItemSummary {
  pulls?: number;
  mean?: number;
  min?: number;
  max?: number;
  points?: number;
  /** The failed cuts in words (display). */
  failedCuts?: string[];
  /** The failed cuts as `{cut, value, limit}` (the report's `failedCuts`). */
  cuts?: CutResult[];
}

/** A file ready to upload. */
export interface PreparedItem {
  ok: true;
  file: BatchInputFile;
  /** The identity of the run: component, test type and run number. */
  key: string;
  dtoIn: UploadDtoIn;
  /** The component's ITkPD code, once the plan has resolved it. */
  componentCode?: string;
  /**
   * True when the plan emptied the run's properties and results to save memory in a large
   * batch: they are in {@link PreparedItem.checked} or {@link PreparedItem.values}, or else the
   * file is prepared again right before it is uploaded.
   */
  light?: boolean;
  /** The dtoIn as JSON text, as prepared (the plan keeps it for a light item, or lets it go). */
  text?: string;
  /** A light item's dtoIn as JSON text, kept by the plan (its component as prepared). */
  values?: string;
  /**
   * A light item's dtoIn checked by the client's input check when it was prepared (after the
   * plan, with the component resolved, in place of {@link PreparedItem.values}): sent as it is.
   * Absent when the check refused it (the upload then checks the parsed dtoIn, and says why).
   */
  checked?: CheckedDtoIn<"uploadTestRunResults">;
  summary: ItemSummary;
  /** Problems that did not stop the item (e.g. a bad line left out). */
  warnings: Problem[];
  /** Run numbers the same data had before (see `RunIdentity.formerRunNumbers`). */
  formerRunNumbers?: string[];
}

/**
 * The kind of problem shared by many files, so that they are said once as a group ("10 modules
 * are not registered in ITkPD: …"), with the detail each needs.
 */
export type InvalidReason =
  | { kind: "not registered"; component: string; institution: string }
  | { kind: "unknown institution"; institution: string; suggestion?: string }
  | { kind: "no institution" }
  | { kind: "same run"; as: string };

/** A file that cannot be uploaded, with every reason. */
export interface InvalidItem {
  ok: false;
  file: BatchInputFile;
  problems: Problem[];
  /** Set when the item's one problem is of a kind said once for all files (see formatPlan). */
  reason?: InvalidReason;
}

/** Settings of a batch that apply to every file. */
export interface PrepareContext {
  /** Test types by code (fetched once per batch). */
  testTypes: ReadonlyMap<string, TestType>;
  /** Grade code → break mode. */
  mapping: BreakModeMapping;
  /** Default institution (a file or manifest may say otherwise). */
  institution?: string;
  /** Default operator. */
  operator?: string;
  /** Test type written for DAGE files: the current one (default) or the original's. */
  dageTestType?: "WIREBOND_PULL_TEST" | "WIREBOND";
  /** Minimum load for the original WIREBOND pass rule. */
  minLoad?: number;
  /** Test type for IV tables. */
  ivTestType?: string;
  /** The manifest entry for each file (by absolute path). */
  manifest?: ReadonlyMap<string, ManifestEntry>;
  /**
   * Reads a file. By default: bounded ({@link MAX_INPUT_BYTES}, {@link MAX_JSON_BYTES} for
   * JSON; FIFOs and devices refused), strictly decoded, and in the same synchronous step as its
   * preparation, so that memory stays flat whatever the files hold (see {@link prepareFile}).
   */
  readText?: (path: string) => Promise<string>;
  /** Accept test-run JSON files whose every value is still a prototype default. */
  allowDefaultValues?: boolean;
}

/** The identity of a test run: what the exactly-once check compares. */
export function runKey(component: string, testType: string, runNumber: string): string {
  return `${component}|${testType}|${runNumber}`;
}

const SERIAL_IN_NAME = /20U[A-Z0-9]{4}\d{7}/;

/** The component of a file: manifest, then the file's own field, then its name. */
function componentOf(
  file: BatchInputFile,
  fromContent: string | null | undefined,
  manifest?: ReadonlyMap<string, ManifestEntry>,
): string | undefined {
  const entry = manifest?.get(file.path);
  if (entry?.component) return entry.component;
  const own = fromContent?.trim();
  if (own) return own;
  const name = file.path.split(/[\\/]/).pop() ?? "";
  return SERIAL_IN_NAME.exec(name)?.[0];
}

/**
 * Where the component of a file is said, when two places say different serial numbers: the
 * file's own serial (`Serial Number`, a test run's `component`) against the manifest, and
 * against a serial number in the file's name. A manifest naming a component code (not a serial
 * number) cannot be compared here; the plan resolves it.
 */
function componentConflicts(
  file: BatchInputFile,
  fromContent: { serial: string; where: string } | undefined,
  manifest?: ReadonlyMap<string, ManifestEntry>,
): Problem[] {
  if (!fromContent) return [];
  const out: Problem[] = [];
  const entry = manifest?.get(file.path);
  if (
    entry?.component && SERIAL_NUMBER_PATTERN.test(entry.component) &&
    entry.component !== fromContent.serial
  ) {
    out.push({
      path: fromContent.where,
      message: `the file says it is ${fromContent.serial}, the manifest (${entry.where}) says ` +
        `${entry.component}: not uploaded (fix the manifest or check the file)`,
    });
  }
  const name = file.path.split(/[\\/]/).pop() ?? "";
  const inName = SERIAL_IN_NAME.exec(name)?.[0];
  if (!entry?.component && inName && inName !== fromContent.serial) {
    out.push({
      path: fromContent.where,
      message: `the file says it is ${fromContent.serial}, its name says ${inName}: not ` +
        "uploaded (rename the file, or say which module it is in a manifest)",
    });
  }
  return out;
}

/** Reads a batch input, bounded and decoded. */
function readBatchInput(file: BatchInputFile): string {
  const max = file.kind === "testrun" ? MAX_JSON_BYTES : MAX_INPUT_BYTES;
  const bytes = readInputBytesSync(file.path, { name: file.display, maxBytes: max });
  return decodeText(bytes, file.display).text;
}

/** Options of {@link prepareFile}. */
export interface PrepareFileOptions {
  /**
   * Keep only the run's identity in `dtoIn` (its properties and results emptied, `light` set):
   * the run is in `text`, as JSON. A large plan keeps items so (see `PlanOptions.light`).
   */
  light?: boolean;
}

/**
 * Prepares one file; never throws for bad input (it becomes an {@link InvalidItem}): a file
 * that cannot be read (too large, a FIFO or device, not UTF-8), a file too deep or too large to
 * be a test run, even a fault while preparing it, is one invalid item and the batch goes on.
 *
 * A prepared item holds nothing of the file's text (values taken from it, such as an operator
 * or a serial number, would otherwise be slices of the whole text, and keep every file of a
 * large batch in memory): its `text` is JSON made from the run, and its `dtoIn` is read back
 * from JSON, wholly, or only its identity when `opts.light`.
 *
 * Memory: with the default reader, a file is read and prepared in one synchronous step (the
 * reads are synchronous already: see `lib/io/read_input.ts`), so however many files a caller
 * prepares at once, one file is in preparation at a time, and nothing of its text outlives its
 * step (a byte budget used to let files of up to 8 MiB in all be prepared at once, and a larger
 * one alone: the largest case, one file at its size limit, is the same).
 */
export async function prepareFile(
  file: BatchInputFile,
  ctx: PrepareContext,
  opts: PrepareFileOptions = {},
): Promise<PreparedItem | InvalidItem> {
  let text: string;
  try {
    text = ctx.readText ? await ctx.readText(file.path) : readBatchInput(file);
  } catch (e) {
    if (e instanceof ItkpdError) return invalidOf(file, e);
    return invalid(file, file.display, `cannot read the file: ${firstLine(e)}`);
  }
  const item = prepareText(file, text, ctx);
  if (!item.ok) return item;
  if (opts.light) {
    // Checked once here, by the client's input check, as the text the upload sends (the run's
    // JSON: the check gives a valid run back as it is).
    const checked = checkedUpload(item.dtoIn);
    if (checked) item.checked = checked;
    item.text = checked?.text ?? JSON.stringify(item.dtoIn);
    const { properties: _p, results: _r, ...identity } = item.dtoIn;
    const copy = JSON.parse(JSON.stringify(identity)) as UploadDtoIn;
    const { date, ...rest } = copy;
    item.dtoIn = { ...rest, properties: {}, results: {}, ...(date === undefined ? {} : { date }) };
    item.light = true;
  } else {
    item.text = JSON.stringify(item.dtoIn);
    item.dtoIn = JSON.parse(item.text);
  }
  item.key = runKey(item.dtoIn.component, item.dtoIn.testType, item.dtoIn.runNumber);
  return item;
}

/** The client's input check of a run to upload, as its text; undefined when refused. */
function checkedUpload(dtoIn: UploadDtoIn): CheckedDtoIn<"uploadTestRunResults"> | undefined {
  try {
    return checkDtoIn("uploadTestRunResults", dtoIn as InputOf<"uploadTestRunResults">);
  } catch (e) {
    if (e instanceof InputError) return undefined;
    throw e;
  }
}

/** The item of a file's text (its dtoIn still made of the text's values). */
function prepareText(
  file: BatchInputFile,
  text: string,
  ctx: PrepareContext,
): PreparedItem | InvalidItem {
  try {
    switch (file.kind) {
      case "dage":
        return prepareDage(file, text, ctx);
      case "iv":
        return prepareIv(file, text, ctx);
      case "testrun":
        return prepareTestRunJson(file, text, ctx);
    }
  } catch (e) {
    if (e instanceof Deno.errors.NotCapable) throw e;
    if (e instanceof ItkpdError) return invalidOf(file, e);
    // A fault while preparing one file must not stop the others: it is this item's problem.
    return invalid(file, file.display, `not prepared: internal error: ${firstLine(e)}`);
  }
}

function firstLine(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split("\n")[0];
}

function invalidOf(file: BatchInputFile, e: ItkpdError): InvalidItem {
  const problems = (e as { problems?: Problem[] }).problems;
  if (problems?.length) return { ok: false, file, problems };
  // "name: what" or "name:line: what": the place is the problem's path, said once.
  const line = firstLine(e);
  const place = new RegExp(`^(${escapeRegExp(file.display)}(?::\\d+)?): `).exec(line);
  return {
    ok: false,
    file,
    problems: [
      place
        ? { path: place[1], message: line.slice(place[0].length) }
        : { path: file.display, message: line },
    ],
  };
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

function prepareDage(file: BatchInputFile, text: string, ctx: PrepareContext) {
  const parsed = parseDage(text, file.display);
  const entry = ctx.manifest?.get(file.path);
  const problems: Problem[] = [];
  for (const p of parsed.errors) {
    // A date given by the manifest replaces the file's: its DATE/TIME lines are not used.
    if (entry?.date && /^(DATE|TIME) /.test(p.message)) {
      parsed.warnings.push({
        ...p,
        message: `${p.message} (not used: the manifest gives the date, ${entry.date.from})`,
      });
    } else problems.push(p);
  }
  if (parsed.tests.length === 0) {
    problems.push({ path: file.display, message: "no valid TEST line: nothing to upload" });
    return { ok: false as const, file, problems };
  }
  const serial = dageSerial(parsed);
  problems.push(...serial.problems);
  const serialInFile = serial.serial && SERIAL_NUMBER_PATTERN.test(serial.serial)
    ? serial.serial
    : undefined;
  problems.push(
    ...componentConflicts(
      file,
      serialInFile ? { serial: serialInFile, where: serial.where! } : undefined,
      ctx.manifest,
    ),
  );
  if (problems.length > 0) return { ok: false as const, file, problems };
  const component = componentOf(file, serialInFile, ctx.manifest);
  const institution = entry?.institution ?? ctx.institution;
  const operator = entry?.operator ?? ctx.operator;
  const pulls = summarize(parsed.tests.map((t) => t.load));
  let run: WirebondPullTestRun | LegacyWirebondRun;
  let failed: FailedCut[];
  if ((ctx.dageTestType ?? "WIREBOND_PULL_TEST") === "WIREBOND") {
    const legacy = legacyWirebond(parsed, ctx.mapping, {
      minLoad: ctx.minLoad,
      component: component ?? null,
      institution: institution ?? null,
      operator,
      date: entry?.date,
    });
    run = legacy;
    failed = legacyFailedCuts(legacy, ctx.minLoad);
  } else {
    const outcome = wirebondPullTest(parsed, ctx.mapping, {
      component: component ?? null,
      institution: institution ?? null,
      operator,
      date: entry?.date,
    });
    run = outcome.testRun;
    failed = outcome.failedCuts;
  }
  return finish(file, run, ctx, problems, parsed.warnings, {
    pulls: pulls.count,
    mean: pulls.mean,
    min: pulls.min,
    max: pulls.max,
    failedCuts: failed.map((c) => c.message),
    cuts: failed.map(cutResult),
  }, component);
}

function prepareIv(file: BatchInputFile, text: string, ctx: PrepareContext) {
  const parsed = parseIv(text, file.display);
  const entry = ctx.manifest?.get(file.path);
  const component = componentOf(file, undefined, ctx.manifest);
  const run = ivTestRun(parsed, {
    component: component ?? null,
    institution: entry?.institution ?? ctx.institution ?? null,
    operator: entry?.operator ?? ctx.operator,
    testType: ctx.ivTestType,
    date: entry?.date?.parts,
    conditionsFrom: { operator: entry?.operator ? "the manifest" : "--operator" },
  });
  const item = finish(
    file,
    run,
    ctx,
    [...parsed.errors],
    [],
    { points: parsed.voltage.length },
    component,
  );
  // Before IV run numbers were dated, a dated table was numbered iv-<hash>: that run is this one.
  const undated = ivRunNumber(parsed);
  if (item.ok && run.runNumber !== undated) item.formerRunNumbers = [undated];
  return item;
}

function prepareTestRunJson(file: BatchInputFile, text: string, ctx: PrepareContext) {
  // Throws ParseError (syntax, too deep, too many values): caught by prepareFile.
  const { value: doc, problems: jsonProblems } = parseJsonDocument(text, file.display, {
    freeTextKeys: FREE_TEXT_KEYS,
  });
  const problems: Problem[] = jsonProblems.map((p) => ({
    path: `${file.display} ${p.path}`,
    message: p.message,
  }));
  if (!doc || typeof doc !== "object" || Array.isArray(doc)) {
    return invalid(file, file.display, "a test-run file holds one JSON object");
  }
  if (problems.length > 0) return { ok: false as const, file, problems };
  const run = { ...(doc as Record<string, unknown>) };
  delete run.definition;
  const entry = ctx.manifest?.get(file.path);
  const own = typeof run.component === "string" && SERIAL_NUMBER_PATTERN.test(run.component)
    ? { serial: run.component, where: `${file.display} $.component` }
    : undefined;
  problems.push(...componentConflicts(file, own, ctx.manifest));
  const component = componentOf(
    file,
    typeof run.component === "string" ? run.component : undefined,
    ctx.manifest,
  );
  if (entry?.institution) run.institution = entry.institution;
  else if (!run.institution && ctx.institution) run.institution = ctx.institution;
  if (entry?.date) run.date = isoDate(entry.date.parts);
  const placeholders = findPlaceholders(run);
  for (const path of placeholders.slice(0, 100)) {
    problems.push({
      path: `${file.display} ${path}`,
      message: 'still holds the prototype placeholder "some_string": fill it in',
    });
  }
  if (placeholders.length > 100) {
    problems.push({
      path: file.display,
      message: `… and ${placeholders.length - 100} more "some_string" placeholders`,
    });
  }
  if (placeholders.length === 0 && !ctx.allowDefaultValues) {
    const unedited = defaultValuesProblem(run);
    if (unedited) problems.push({ ...unedited, path: `${file.display} ${unedited.path}` });
  }
  return finish(file, run, ctx, problems, [], {
    cuts: fileRunCuts(run.testType, run.results),
  }, component);
}

function finish(
  file: BatchInputFile,
  doc: object,
  ctx: PrepareContext,
  problems: Problem[],
  warnings: Problem[],
  summary: ItemSummary,
  component: string | undefined,
): PreparedItem | InvalidItem {
  // Whatever built it (the analysis, or a user's JSON file), the run is checked key by key here.
  const run: Record<string, unknown> = { ...doc };
  const where = file.display;
  if (!component) {
    problems.push({
      path: where,
      message: "no component: give it in a manifest, the file, or a serial number in the name",
    });
  }
  const institution = typeof run.institution === "string" ? run.institution : "";
  let reason: InvalidReason | undefined;
  if (!institution) {
    problems.push({ path: where, message: "no institution: use --institution or a manifest" });
    reason = { kind: "no institution" };
  }
  const testTypeCode = typeof run.testType === "string" ? run.testType : "";
  const runNumber = typeof run.runNumber === "string" ? run.runNumber : String(run.runNumber ?? "");
  if (!runNumber) problems.push({ path: `${where} $.runNumber`, message: "missing" });
  for (const key of ["passed", "problems"] as const) {
    if (typeof run[key] !== "boolean") {
      problems.push({ path: `${where} $.${key}`, message: "must be true or false" });
    }
  }
  const testType = ctx.testTypes.get(testTypeCode);
  if (!testType) {
    problems.push({
      path: `${where} $.testType`,
      message: `unknown test type ${JSON.stringify(testTypeCode)}; known: ${
        [...ctx.testTypes.keys()].join(", ")
      }`,
    });
  } else {
    for (
      const [fields, values, base] of [
        [testType.properties ?? [], run.properties ?? {}, "$.properties"],
        [testType.parameters ?? [], run.results, "$.results"],
      ] as const
    ) {
      const check = checkValues(fields, values, base);
      for (const m of check.missing) {
        problems.push({ path: `${where} ${m}`, message: "required by the test type but missing" });
      }
      const invalid = summarizeProblems(check.invalid);
      for (const p of invalid) {
        problems.push({ path: `${where} ${p.path}`, message: p.message });
      }
      for (const u of check.unknown.slice(0, 100)) {
        warnings.push({ path: `${where} ${u}`, message: `not a field of ${testType.code}` });
      }
    }
  }
  // The last guard: nothing non-finite, out of range or with control characters is sent.
  for (const p of runValueProblems(run)) {
    problems.push({ path: `${where} ${p.path}`, message: p.message });
  }
  if (problems.length) return { ok: false, file, problems, ...(reason ? { reason } : {}) };
  const dtoIn: UploadDtoIn = {
    component: component!,
    testType: testTypeCode,
    institution,
    runNumber,
    passed: run.passed as boolean,
    problems: run.problems as boolean,
    properties: (run.properties ?? {}) as Record<string, unknown>,
    results: run.results as Record<string, unknown>,
  };
  if (typeof run.date === "string") dtoIn.date = run.date;
  // prepareFile makes the run's JSON and gives the dtoIn read back from it (nothing of the file's
  // text), or keeps the JSON of a light item.
  return {
    ok: true,
    file,
    key: "",
    dtoIn,
    summary,
    warnings: JSON.parse(JSON.stringify(warnings)),
  };
}

function invalid(file: BatchInputFile, path: string, message: string): InvalidItem {
  return { ok: false, file, problems: [{ path, message }] };
}
