/**
 * Preparing one input file of a batch: parse it, compute its test run, find its component,
 * and check every value against the test type's definition. Pure apart from reading the file.
 * The result is either a ready upload (`PreparedItem`) or every problem found, with file:line
 * or JSON path (`InvalidItem`). Nothing about the server is decided here.
 *
 * @module
 */
import { ItkpdError, type Problem } from "../errors.ts";
import { parseDage } from "../parsers/dage.ts";
import { parseIv } from "../parsers/iv.ts";
import type { BreakModeMapping } from "../analysis/break_modes.ts";
import { wirebondPullTest } from "../analysis/wirepull.ts";
import { legacyWirebond } from "../analysis/legacy_wirebond.ts";
import { ivTestRun } from "../analysis/iv.ts";
import { summarize } from "../analysis/stats.ts";
import {
  checkValues,
  findPlaceholders,
  SERIAL_NUMBER_PATTERN,
  type TestType,
} from "../schemas/mod.ts";
import type { InputFile } from "./discover.ts";
import type { ManifestEntry } from "./manifest.ts";

/** What the batch sends for one item: the dtoIn of `uploadTestRunResults`. */
export interface UploadDtoIn {
  component: string;
  testType: string;
  institution: string;
  runNumber: string;
  date?: string;
  passed: boolean;
  problems: boolean;
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
  failedCuts?: string[];
}

/** A file ready to upload. */
export interface PreparedItem {
  ok: true;
  file: InputFile;
  /** The identity of the run: component, test type and run number. */
  key: string;
  dtoIn: UploadDtoIn;
  /** The component's ITkPD code, once the plan has resolved it. */
  componentCode?: string;
  /**
   * True when the plan kept only the identity of the run (properties and results emptied to
   * save memory in large batches): the file is prepared again right before it is uploaded.
   */
  light?: boolean;
  summary: ItemSummary;
  /** Problems that did not stop the item (e.g. a bad line left out). */
  warnings: Problem[];
}

/** A file that cannot be uploaded, with every reason. */
export interface InvalidItem {
  ok: false;
  file: InputFile;
  problems: Problem[];
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
  /** Reads a file (defaults to Deno.readTextFile). */
  readText?: (path: string) => Promise<string>;
}

/** The identity of a test run: what the exactly-once check compares. */
export function runKey(component: string, testType: string, runNumber: string): string {
  return `${component}|${testType}|${runNumber}`;
}

const SERIAL_IN_NAME = /20U[A-Z0-9]{4}\d{7}/;

/** The component of a file: manifest, then the file's own field, then its name. */
export function componentOf(
  file: InputFile,
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

/** Prepares one file; never throws for bad input (it becomes an {@link InvalidItem}). */
export async function prepareFile(
  file: InputFile,
  ctx: PrepareContext,
): Promise<PreparedItem | InvalidItem> {
  let text: string;
  try {
    text = await (ctx.readText ?? Deno.readTextFile)(file.path);
  } catch (e) {
    return invalid(file, `${file.display}`, `cannot read the file: ${(e as Error).message}`);
  }
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
    if (e instanceof ItkpdError) {
      const problems = (e as { problems?: Problem[] }).problems;
      return {
        ok: false,
        file,
        problems: problems?.length
          ? problems
          : [{ path: file.display, message: e.message.split("\n")[0] }],
      };
    }
    throw e;
  }
}

function prepareDage(file: InputFile, text: string, ctx: PrepareContext) {
  const parsed = parseDage(text, file.display);
  const problems: Problem[] = [...parsed.errors];
  if (parsed.tests.length === 0) {
    problems.push({ path: file.display, message: "no valid TEST line: nothing to upload" });
    return { ok: false as const, file, problems };
  }
  const header = parsed.tests[0].header;
  const serialInFile = header.serialNumber && SERIAL_NUMBER_PATTERN.test(header.serialNumber.trim())
    ? header.serialNumber
    : undefined;
  const component = componentOf(file, serialInFile, ctx.manifest);
  const entry = ctx.manifest?.get(file.path);
  const institution = entry?.institution ?? ctx.institution;
  const operator = entry?.operator ?? ctx.operator;
  const pulls = summarize(parsed.tests.map((t) => t.load));
  let run: Record<string, unknown>;
  let failedCuts: string[] = [];
  if ((ctx.dageTestType ?? "WIREBOND_PULL_TEST") === "WIREBOND") {
    run = legacyWirebond(parsed, ctx.mapping, {
      minLoad: ctx.minLoad,
      component: component ?? null,
      institution: institution ?? null,
      operator,
    }) as unknown as Record<string, unknown>;
  } else {
    const outcome = wirebondPullTest(parsed, ctx.mapping, {
      component: component ?? null,
      institution: institution ?? null,
      operator,
    });
    run = outcome.testRun as unknown as Record<string, unknown>;
    failedCuts = outcome.failedCuts.map((c) => c.message);
  }
  return finish(file, run, ctx, problems, parsed.warnings, {
    pulls: pulls.count,
    mean: pulls.mean,
    min: pulls.min,
    max: pulls.max,
    failedCuts,
  }, component);
}

function prepareIv(file: InputFile, text: string, ctx: PrepareContext) {
  const parsed = parseIv(text, file.display);
  const entry = ctx.manifest?.get(file.path);
  const component = componentOf(file, undefined, ctx.manifest);
  const run = ivTestRun(parsed, {
    component: component ?? null,
    institution: entry?.institution ?? ctx.institution ?? null,
    operator: entry?.operator ?? ctx.operator,
    testType: ctx.ivTestType,
  }) as unknown as Record<string, unknown>;
  return finish(
    file,
    run,
    ctx,
    [...parsed.errors],
    [],
    { points: parsed.voltage.length },
    component,
  );
}

function prepareTestRunJson(file: InputFile, text: string, ctx: PrepareContext) {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    return invalid(file, file.display, `not valid JSON: ${(e as Error).message}`);
  }
  if (!doc || typeof doc !== "object" || Array.isArray(doc)) {
    return invalid(file, file.display, "a test-run file holds one JSON object");
  }
  const run = { ...(doc as Record<string, unknown>) };
  delete run.definition;
  const entry = ctx.manifest?.get(file.path);
  const component = componentOf(
    file,
    typeof run.component === "string" ? run.component : undefined,
    ctx.manifest,
  );
  if (entry?.institution) run.institution = entry.institution;
  else if (!run.institution && ctx.institution) run.institution = ctx.institution;
  const problems: Problem[] = findPlaceholders(run).map((path) => ({
    path: `${file.display} ${path}`,
    message: 'still holds the prototype placeholder "some_string": fill it in',
  }));
  return finish(file, run, ctx, problems, [], {}, component);
}

function finish(
  file: InputFile,
  run: Record<string, unknown>,
  ctx: PrepareContext,
  problems: Problem[],
  warnings: Problem[],
  summary: ItemSummary,
  component: string | undefined,
): PreparedItem | InvalidItem {
  const where = file.display;
  if (!component) {
    problems.push({
      path: where,
      message: "no component: give it in a manifest, the file, or a serial number in the name",
    });
  }
  const institution = typeof run.institution === "string" ? run.institution : "";
  if (!institution) {
    problems.push({ path: where, message: "no institution: use --institution or a manifest" });
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
      const check = checkValues([...fields], values, base);
      for (const m of check.missing) {
        problems.push({ path: `${where} ${m}`, message: "required by the test type but missing" });
      }
      for (const p of check.invalid) {
        problems.push({ path: `${where} ${p.path}`, message: p.message });
      }
      for (const u of check.unknown) {
        warnings.push({ path: `${where} ${u}`, message: `not a field of ${testType.code}` });
      }
    }
  }
  if (problems.length) return { ok: false, file, problems };
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
  // A fresh copy: values taken from the file (operator, labels) are slices of its whole text,
  // and would keep every file of a large batch in memory.
  const copy = JSON.parse(JSON.stringify(dtoIn)) as UploadDtoIn;
  return {
    ok: true,
    file,
    key: runKey(copy.component, copy.testType, copy.runNumber),
    dtoIn: copy,
    summary,
    warnings: JSON.parse(JSON.stringify(warnings)),
  };
}

function invalid(file: InputFile, path: string, message: string): InvalidItem {
  return { ok: false, file, problems: [{ path, message }] };
}
