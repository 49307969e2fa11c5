/**
 * The sandbox's seed catalogue: institutions, component types and test types, loaded from the
 * JSON data files in `catalogue/` (a STAND-IN, not the real ITkPD catalogue) and indexed for
 * look-up by the commands.
 *
 * @module
 */
import institutionsData from "./catalogue/institutions.json" with { type: "json" };
import componentTypesData from "./catalogue/component_types.json" with { type: "json" };
import testTypesData from "./catalogue/test_types.json" with { type: "json" };
import type { FieldDefinition } from "../schemas/test_type.ts";

/** The ITkPD project codes (strips, pixels, common mechanics, common electronics). */
export const PROJECTS: Record<string, string> = {
  S: "Strips",
  P: "Pixels",
  CM: "Common Mechanics",
  CE: "Common Electronics",
};

/** A stage of a component type, with its test types as `{testType: <id>, nextStage, order}`. */
export interface CatalogueStage {
  code: string;
  name: string;
  order: number;
  alternative?: unknown;
  initial: boolean;
  final: boolean;
  testTypes: { testType: string; nextStage: boolean; order: number }[] | null;
}

/** A type (variant) of a component type. */
export interface CatalogueVariant {
  code: string;
  name: string;
  existing: boolean;
  subprojects: { code: string; name: string }[];
  snComponentIdentifier: string | null;
}

/** A component type definition, as `getComponentType` answers it. */
export interface CatalogueComponentType {
  id: string;
  code: string;
  name: string;
  project: string;
  snRequired: boolean;
  snAutomatically: boolean;
  subprojects: { code: string; name: string }[];
  types: CatalogueVariant[];
  stages: CatalogueStage[];
  properties: FieldDefinition[];
  [key: string]: unknown;
}

/** A test type definition, as `listTestTypes` answers it. */
export interface CatalogueTestType {
  id: string;
  code: string;
  name: string;
  description: string;
  state: string;
  stages: string[] | null;
  properties: FieldDefinition[];
  parameters: FieldDefinition[];
}

/** An institution, as `listInstitutions` answers it. */
export interface CatalogueInstitution {
  id: string;
  code: string;
  name: string;
  componentType: {
    code: string;
    name: string;
    itemList: { id: string; code: string; name: string }[];
  }[];
  [key: string]: unknown;
}

/** The indexed seed catalogue. */
export class Catalogue {
  /** Every institution, in file order. */
  readonly institutions: CatalogueInstitution[];
  /** Every component type, in file order. */
  readonly componentTypes: CatalogueComponentType[];
  readonly #testTypes = new Map<string, CatalogueTestType[]>();
  readonly #testTypeOwner = new Map<string, CatalogueComponentType>();

  /** Builds the index from raw documents (the JSON files by default). */
  constructor(
    raw: { institutions: unknown; componentTypes: unknown; testTypes: unknown } = {
      institutions: institutionsData,
      componentTypes: componentTypesData,
      testTypes: testTypesData,
    },
  ) {
    this.componentTypes = structuredClone(
      (raw.componentTypes as { componentTypes: CatalogueComponentType[] }).componentTypes,
    );
    const groups = (raw.testTypes as {
      testTypes: { project: string; componentType: string; itemList: CatalogueTestType[] }[];
    }).testTypes;
    for (const g of groups) {
      const ct = this.componentType(g.project, g.componentType);
      if (!ct) throw new Error(`catalogue: test types for unknown ${g.project}/${g.componentType}`);
      const list = structuredClone(g.itemList);
      this.#testTypes.set(key(g.project, ct.code), list);
      for (const tt of list) this.#testTypeOwner.set(tt.id, ct);
    }
    // Stages name their test types by code in the data file; the service answers ids.
    for (const ct of this.componentTypes) {
      for (const stage of ct.stages) {
        for (const ref of stage.testTypes ?? []) {
          const tt = this.testType(ct.project, ct.code, ref.testType);
          if (!tt) throw new Error(`catalogue: stage ${stage.code} names unknown ${ref.testType}`);
          ref.testType = tt.id;
        }
      }
    }
    const rawInst = (raw.institutions as {
      institutions: {
        id: string;
        code: string;
        name: string;
        componentType: { code: string; name: string; itemList: string[] }[];
      }[];
    }).institutions;
    this.institutions = rawInst.map((inst) => ({
      ...structuredClone(inst),
      componentType: inst.componentType.map((p) => ({
        code: p.code,
        name: p.name,
        itemList: p.itemList.map((code) => {
          const ct = this.componentType(p.code, code);
          if (!ct) throw new Error(`catalogue: institution ${inst.code} names unknown ${code}`);
          return { id: ct.id, code: ct.code, name: ct.name };
        }),
      })),
    }));
  }

  /** The institution with this code (or id), if any. */
  institution(codeOrId: string): CatalogueInstitution | undefined {
    return this.institutions.find((i) => i.code === codeOrId || i.id === codeOrId);
  }

  /** The component type of a project by code or id (project optional when an id is given). */
  componentType(project: string | undefined, codeOrId: string): CatalogueComponentType | undefined {
    return this.componentTypes.find((ct) =>
      ct.id === codeOrId ||
      (ct.code === codeOrId && (project === undefined || ct.project === project))
    );
  }

  /** The test types of a component type (empty when it has none). */
  testTypes(project: string, componentType: string): CatalogueTestType[] {
    return this.#testTypes.get(key(project, componentType)) ?? [];
  }

  /** A test type by code or id within a component type. */
  testType(
    project: string,
    componentType: string,
    codeOrId: string,
  ): CatalogueTestType | undefined {
    return this.testTypes(project, componentType).find((t) =>
      t.code === codeOrId || t.id === codeOrId
    );
  }

  /** A test type by id, with the component type that owns it. */
  testTypeById(
    id: string,
  ): { testType: CatalogueTestType; componentType: CatalogueComponentType } | undefined {
    const ct = this.#testTypeOwner.get(id);
    if (!ct) return undefined;
    const tt = this.testTypes(ct.project, ct.code).find((t) => t.id === id);
    return tt && { testType: tt, componentType: ct };
  }

  /** A stage of a component type, by code. */
  stage(ct: CatalogueComponentType, code: string): CatalogueStage | undefined {
    return ct.stages.find((s) => s.code === code);
  }

  /** The initial stage of a component type (the first one when none is marked initial). */
  initialStage(ct: CatalogueComponentType): CatalogueStage | undefined {
    return ct.stages.find((s) => s.initial) ?? ct.stages[0];
  }
}

function key(project: string, componentType: string): string {
  return `${project}/${componentType}`;
}
