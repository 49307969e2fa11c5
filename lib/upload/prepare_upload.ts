/**
 * From a test-run document to an upload: the original's checks, the test type definition
 * fetched for the component, validation of every value, the dtoIn, and the dry-run rendering.
 * The upload itself, exactly once, is upload_once.ts.
 *
 * @module
 */
import { InputError, NotFoundError, type Problem } from "../errors.ts";
import { suggest } from "../suggest.ts";
import type { ItkpdClient } from "../client/client.ts";
import type { Component } from "../schemas/component.ts";
import type { ProjectCode } from "../schemas/common.ts";
import type { TestType } from "../schemas/test_type.ts";
import { checkTestRun, toDtoIn } from "./checks.ts";
import { formatJson, type JsonObject } from "./files.ts";
import { validateTestRun } from "./schema.ts";
import { runValueProblems } from "./guard.ts";
import { describeValue } from "../schemas/value_words.ts";
import { serialNumberProblem, upperSerial } from "../schemas/serial_number.ts";

/** The component and the definition of its test type. */
export interface ResolvedTestType {
  component: Component;
  /** Project code of the component, e.g. `P`. */
  project: ProjectCode;
  /** Component type code, e.g. `MODULE`. */
  componentType: string;
  testType: TestType;
}

function codeOf(v: unknown): string | undefined {
  if (typeof v === "string") return v;
  if (v && typeof v === "object" && typeof (v as { code?: unknown }).code === "string") {
    return (v as { code: string }).code;
  }
  return undefined;
}

/**
 * Looks up the component (code or serial number) and the definition of `testType` for its
 * project and component type. Unknown component or test type: an {@link InputError} at
 * `$.component` / `$.testType` (the latter listing the test types that exist).
 *
 * @example
 * ```ts ignore
 * const { testType } = await resolveTestType(client, "20UPGM20000001", "IV_MEASURE");
 * ```
 */
export async function resolveTestType(
  client: ItkpdClient,
  component: string,
  testType: string,
): Promise<ResolvedTestType> {
  let found: Component;
  try {
    found = await client.getComponent({ component });
  } catch (e) {
    if (!(e instanceof NotFoundError)) throw e;
    throw await unknownComponent(client, component, e);
  }
  const project = codeOf(found.project) as ProjectCode | undefined;
  const componentType = codeOf(found.componentType);
  if (!project || !componentType) {
    throw new InputError(
      `component ${component}: the database did not say its project and component type`,
    );
  }
  try {
    const def = await client.getTestType({ code: testType, project, componentType });
    return { component: found, project, componentType, testType: def };
  } catch (e) {
    if (!(e instanceof NotFoundError)) throw e;
    const known = (await client.listTestTypes({ project, componentType })).map((t) => t.code);
    const close = suggest(testType, known);
    throw new InputError(`test type ${JSON.stringify(testType)} does not exist`, [{
      path: "$.testType",
      message: `not a test type of ${project}/${componentType}` +
        (close ? ` (did you mean ${close}?)` : "") + `; available: ${known.join(", ")}`,
    }], { cause: e });
  }
}

/**
 * The error for a component the database does not know, in words: a serial number typed in
 * another case gets the one the database has (`did you mean 20UPGM20000001?`; nothing is
 * guessed: the user gives it), a malformed one says what is wrong with it.
 */
async function unknownComponent(
  client: ItkpdClient,
  component: string,
  cause: NotFoundError,
): Promise<InputError> {
  const upper = upperSerial(component);
  let message = "no component with this serial number or code: check it, or register the " +
    "component first (register-component)";
  const notSerial = serialNumberProblem(component);
  if (notSerial) message = `${JSON.stringify(component)} is not a serial number: ${notSerial}`;
  else if (upper !== component) {
    try {
      await client.getComponent({ component: upper });
      message = `no component ${JSON.stringify(component)}; did you mean ${upper}? ` +
        "Serial numbers are written in upper case";
    } catch (e) {
      if (!(e instanceof NotFoundError)) throw e;
    }
  }
  return new InputError(`component ${JSON.stringify(component)} is not known to the database`, [
    { path: "$.component", message },
  ], { hint: "check the serial number (--component-id / --component)", cause });
}

/** A checked upload, ready to send. */
export interface PreparedUpload {
  /** What `uploadTestRunResults` gets. */
  dtoIn: JsonObject;
  /** The definition it was checked against, and the component. */
  resolved: ResolvedTestType;
  /** Things the user should know, by JSON path (keys left out, unknown codes, defaults). */
  notices: Problem[];
}

/** Options of {@link prepareUpload}. */
export interface PrepareOptions {
  /** Named in the error message (e.g. the file the document came from). */
  source?: string;
  /** Accept a run whose every value is still a prototype default (`--allow-default-values`). */
  allowDefaultValues?: boolean;
}

/**
 * Checks a test-run document completely before anything is sent: the original's checks (keys
 * present, no placeholder left, not every value a prototype default), the guard of every value
 * (finite, in range, no control characters), then — when component and test type are given —
 * the test type definition, against which every value is validated (problems of one kind in
 * many list elements are summarised). Throws one {@link InputError} listing every problem with
 * its JSON path; nothing is sent by this function but reads. Linear in the size of the run.
 *
 * @example
 * ```ts ignore
 * const prepared = await prepareUpload(client, doc, { source: "run.json" });
 * console.log(renderDryRun(prepared));
 * ```
 */
export async function prepareUpload(
  client: ItkpdClient,
  doc: JsonObject,
  opts: PrepareOptions = {},
): Promise<PreparedUpload> {
  const problems: Problem[] = checkTestRun(doc, { allowDefaultValues: opts.allowDefaultValues });
  const { dtoIn, notices } = toDtoIn(doc);
  // The last guard: nothing non-finite, out of range or with control characters is sent.
  problems.push(...runValueProblems(dtoIn));
  let resolved: ResolvedTestType | undefined;
  const component = doc.component;
  const testType = doc.testType;
  for (const [key, v] of [["component", component], ["testType", testType]] as const) {
    if (v !== undefined && v !== null && (typeof v !== "string" || v === "")) {
      problems.push({
        path: `$.${key}`,
        message: `expected a non-empty text, got ${describeValue(v)}`,
      });
    }
  }
  if (typeof component === "string" && component && typeof testType === "string" && testType) {
    try {
      resolved = await resolveTestType(client, component, testType);
    } catch (e) {
      if (!(e instanceof InputError) || problems.length === 0) throw e;
      problems.push(...e.problems);
    }
  }
  const institution = doc.institution;
  if (typeof institution === "string" && institution) {
    const known = (await client.listInstitutions()).map((i) => i.code);
    if (!known.includes(institution)) {
      const guess = suggest(institution, known);
      problems.push({
        path: "$.institution",
        message: `unknown institution ${JSON.stringify(institution)}` +
          (guess ? ` (did you mean ${guess}?)` : ""),
      });
    }
  }
  if (resolved) {
    const validation = validateTestRun(dtoIn, resolved.testType);
    const seen = new Set(problems.map((p) => p.path));
    for (const p of validation.problems) {
      if (!seen.has(p.path)) problems.push(p);
    }
    notices.push(...validation.unknown);
  }
  if (problems.length > 0 || !resolved) {
    const where = opts.source ? `${opts.source}: ` : "";
    throw new InputError(
      `${where}not uploaded: ${problems.length} problem${problems.length === 1 ? "" : "s"}` +
        (resolved ? ` (checked against test type ${resolved.testType.code})` : ""),
      [
        ...problems,
        ...notices.filter((n) => n.path !== "$.problems").map((n) => ({
          path: n.path,
          message: `(note) ${n.message}`,
        })),
      ],
      { hint: "fix every listed key and run again; nothing was sent" },
    );
  }
  return { dtoIn, resolved, notices };
}

/**
 * The dry-run text: the dtoIn that would be sent, as pretty JSON.
 *
 * @example
 * ```ts
 * import { renderDryRun } from "./prepare_upload.ts";
 * renderDryRun({ testType: "X" }); // '{\n  "testType": "X"\n}\n'
 * ```
 */
export function renderDryRun(dtoIn: JsonObject): string {
  return formatJson(dtoIn);
}
