/**
 * The stored documents in the shapes the real service answers: a component (`getComponent`),
 * a full test run (`getTestRun`, see reference/itkpd_getTestRunBulk_pixel_module.json) and a
 * run summary (`listTestRunsByComponent`).
 *
 * @module
 */
import { createHash } from "node:crypto";
import type { FieldDefinition } from "../schemas/test_type.ts";
import type { TokenUser } from "./auth.ts";
import type {
  CatalogueComponentType,
  CatalogueInstitution,
  CatalogueStage,
  CatalogueTestType,
  CatalogueVariant,
} from "./catalogue.ts";
import { PROJECTS } from "./catalogue.ts";
import { newComponentCode, newObjectId } from "./ids.ts";
import type { ComponentDoc, TestRunDoc } from "./store.ts";

/** The `user` object of a document, derived from the token's subject. */
function userRef(user: TokenUser): Record<string, string> {
  const [firstName, ...rest] = user.name.split(" ");
  return {
    id: createHash("sha256").update(user.sub).digest("hex").slice(0, 24),
    userIdentity: user.sub,
    firstName: firstName ?? "",
    middleName: "",
    lastName: rest.join(" "),
  };
}

/** `{code, name, order, initial, final}` of a stage. */
function stageRef(stage: CatalogueStage | undefined): Record<string, unknown> | null {
  if (!stage) return null;
  return {
    code: stage.code,
    name: stage.name,
    order: stage.order,
    initial: stage.initial,
    final: stage.final,
  };
}

/** `{id, code, name}` of an institution. */
function institutionRef(inst: CatalogueInstitution): Record<string, string> {
  return { id: inst.id, code: inst.code, name: inst.name };
}

/** What a new component is made of (already validated). */
export interface NewComponent {
  componentType: CatalogueComponentType;
  variant: CatalogueVariant;
  subproject: { code: string; name: string };
  institution: CatalogueInstitution;
  stage: CatalogueStage | undefined;
  serialNumber: string | null;
  alternativeIdentifier?: string | null;
  properties: Record<string, unknown>;
  user: TokenUser;
}

/** A new component document. */
export function componentDoc(c: NewComponent, now = new Date()): ComponentDoc {
  const ts = now.toISOString();
  const ct = c.componentType;
  return {
    id: newObjectId(now),
    code: newComponentCode(),
    serialNumber: c.serialNumber,
    alternativeIdentifier: c.alternativeIdentifier ?? null,
    state: "ready",
    stateTs: ts,
    stateUserIdentity: c.user.sub,
    dummy: false,
    completed: false,
    completedTs: null,
    trashed: false,
    trashedTs: null,
    assembled: false,
    reworked: false,
    project: { code: ct.project, name: PROJECTS[ct.project] ?? ct.project },
    subproject: { code: c.subproject.code, name: c.subproject.name },
    componentType: { id: ct.id, code: ct.code, name: ct.name },
    type: { code: c.variant.code, name: c.variant.name },
    institution: institutionRef(c.institution),
    currentLocation: institutionRef(c.institution),
    currentStage: c.stage ? { code: c.stage.code, name: c.stage.name } : null,
    stages: c.stage ? [{ code: c.stage.code, name: c.stage.name, dateTime: ts }] : [],
    properties: ct.properties.map((def) => propertyValue(def, c.properties[def.code])),
    user: userRef(c.user),
    children: [],
    parents: [],
    attachments: [],
    comments: [],
    defects: [],
    cts: ts,
    sys: { cts: ts, mts: ts, rev: 0 },
  };
}

/** A component property as answered: a codeTable value is answered as its label. */
function propertyValue(def: FieldDefinition, value: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {
    code: def.code,
    name: def.name ?? def.code,
    dataType: def.dataType,
    valueType: def.valueType ?? "single",
    required: def.required ?? false,
    default: def.default ?? false,
    value: value ?? null,
  };
  if (def.dataType === "codeTable") {
    out.codeTable = def.codeTable ?? [];
    const entry = def.codeTable?.find((e) => e.code === value);
    if (entry) out.value = entry.value ?? entry.code;
  }
  return out;
}

/** A component moved to `stage` (a new document; the stored one is not changed). */
export function withStage(
  doc: ComponentDoc,
  stage: CatalogueStage,
  now = new Date(),
): ComponentDoc {
  const ts = now.toISOString();
  const sys = doc.sys as { cts: string; mts: string; rev: number };
  return {
    ...doc,
    currentStage: { code: stage.code, name: stage.name },
    stages: [...(doc.stages as unknown[]), { code: stage.code, name: stage.name, dateTime: ts }],
    sys: { ...sys, mts: ts, rev: sys.rev + 1 },
  };
}

/** What a new test run is made of (already validated). */
export interface NewTestRun {
  component: ComponentDoc;
  testType: CatalogueTestType;
  institution: CatalogueInstitution;
  stage: CatalogueStage | undefined;
  input: Record<string, unknown>;
  user: TokenUser;
}

/** A new full test run document. */
export function testRunDoc(r: NewTestRun, now = new Date()): TestRunDoc {
  const ts = now.toISOString();
  const input = r.input;
  const c = r.component;
  const date = typeof input.date === "string" ? new Date(input.date).toISOString() : ts;
  return {
    id: newObjectId(now),
    state: "ready",
    stateTs: ts,
    stateUserIdentity: r.user.sub,
    date,
    testType: {
      id: r.testType.id,
      code: r.testType.code,
      name: r.testType.name,
      state: r.testType.state,
    },
    institution: institutionRef(r.institution),
    user: userRef(r.user),
    runNumber: String(input.runNumber),
    passed: input.passed as boolean,
    problems: (input.problems as boolean | undefined) ?? false,
    isRetroactive: (input.isRetroactive as boolean | undefined) ?? false,
    stage: stageRef(r.stage),
    properties: valueList(r.testType.properties, input.properties, "property"),
    results: valueList(r.testType.parameters, input.results, "result"),
    cts: ts,
    sys: { cts: ts, mts: ts, rev: 0 },
    defects: Array.isArray(input.defects) ? input.defects : [],
    comments: input.comments ?? null,
    attachments: [],
    components: [{
      id: c.id,
      code: c.code,
      state: c.state,
      stateTs: c.stateTs,
      stateUserIdentity: c.stateUserIdentity ?? null,
      dummy: false,
      completed: false,
      completedTs: null,
      completedUserIdentity: null,
      trashed: false,
      trashedTs: null,
      trashedUserIdentity: null,
      serialNumber: c.serialNumber,
      alternativeIdentifier: c.alternativeIdentifier ?? null,
      project: c.project,
      subproject: c.subproject,
      componentType: {
        code: (c.componentType as { code: string }).code,
        name: (c.componentType as { name: string }).name,
      },
      type: c.type,
      properties: c.properties,
      testedAtStage: stageRef(r.stage),
      institution: {
        code: (c.institution as { code: string }).code,
        name: (c.institution as { name: string }).name,
      },
    }],
  };
}

/**
 * Values as the service stores them: codes the type does not define first, with
 * `dataType: null`, then every defined field in order (null when not given).
 */
function valueList(
  defs: FieldDefinition[],
  values: unknown,
  kind: "property" | "result",
): Record<string, unknown>[] {
  const given = (values && typeof values === "object" ? values : {}) as Record<string, unknown>;
  const known = new Set(defs.map((d) => d.code));
  const out: Record<string, unknown>[] = [];
  for (const [code, value] of Object.entries(given)) {
    if (known.has(code)) continue;
    out.push(
      kind === "result"
        ? {
          code,
          name: code,
          order: 0,
          dataType: null,
          valueType: null,
          arrayDimensions: null,
          additional: null,
          rangeMin: null,
          rangeMax: null,
          value,
          associateChild: null,
        }
        : { code, name: code, dataType: null, valueType: null, required: false, value },
    );
  }
  for (const def of defs) {
    const value = given[def.code] ?? null;
    out.push(
      kind === "result"
        ? {
          code: def.code,
          name: def.name ?? def.code,
          order: def.order ?? 0,
          dataType: def.dataType,
          valueType: def.valueType ?? "single",
          arrayDimensions: def.arrayDimensions ?? null,
          additional: def.additional ?? false,
          value,
          associateChild: null,
        }
        : {
          code: def.code,
          name: def.name ?? def.code,
          dataType: def.dataType,
          valueType: def.valueType ?? "single",
          required: def.required ?? false,
          value,
          rangeMin: null,
          rangeMax: null,
        },
    );
  }
  return out;
}

/** The summary of a run, as `listTestRunsByComponent` answers it. */
export function testRunSummary(run: TestRunDoc): Record<string, unknown> {
  const testType = run.testType as Record<string, unknown>;
  return {
    id: run.id,
    state: run.state,
    stateTs: run.stateTs,
    cts: run.cts,
    stage: run.stage,
    runNumber: run.runNumber,
    passed: run.passed,
    problems: run.problems,
    date: run.date,
    institution: run.institution,
    testType: { id: testType.id, code: testType.code, name: testType.name },
  };
}

/** The summary of a run with its components, as `listTestRunsByTestType` answers it. */
export function testRunListItem(run: TestRunDoc): Record<string, unknown> {
  const components = (run.components as Record<string, unknown>[]).map((c) => ({
    id: c.id,
    code: c.code,
    serialNumber: c.serialNumber,
    alternativeIdentifier: c.alternativeIdentifier,
    testedAtStage: c.testedAtStage,
  }));
  return { ...testRunSummary(run), user: run.user, components };
}
