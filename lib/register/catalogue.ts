/**
 * What registration needs to know about the catalogue: the institutions with their projects
 * and component types, and the component type definitions (types, subprojects, stages,
 * properties, serial-number rules), fetched once and cached.
 *
 * @module
 */
import type { ItkpdClient } from "../client/client.ts";
import type { ComponentType, Institution, Stage } from "../schemas/catalogue.ts";
import type { ProjectCode } from "../schemas/common.ts";

/** The client calls registration uses (an {@link ItkpdClient} has them all). */
export type RegisterApi = Pick<
  ItkpdClient,
  | "listInstitutions"
  | "getComponentType"
  | "registerComponent"
  | "setComponentStage"
  | "getComponent"
>;

/** A type (variant) of a component type, e.g. `OUTER_SYSTEM_QUAD_MODULE`. */
export type ComponentTypeVariant = ComponentType["types"][number];

/**
 * The catalogue as registration sees it.
 *
 * @example
 * ```ts ignore
 * import { ItkpdClient } from "../client/mod.ts";
 * import { RegistrationCatalogue } from "./catalogue.ts";
 * const client = new ItkpdClient();
 * const catalogue = await RegistrationCatalogue.load(client);
 * const module = await catalogue.componentType("P", "MODULE");
 * console.log(module.types.map((t) => t.code));
 * client.close();
 * ```
 */
export class RegistrationCatalogue {
  readonly #api: Pick<RegisterApi, "getComponentType">;
  readonly #institutions: Institution[];
  readonly #types = new Map<string, Promise<ComponentType>>();

  private constructor(api: Pick<RegisterApi, "getComponentType">, institutions: Institution[]) {
    this.#api = api;
    this.#institutions = institutions;
  }

  /** Reads the institutions (one listing); component types are fetched when first asked. */
  static async load(
    api: Pick<RegisterApi, "listInstitutions" | "getComponentType">,
  ): Promise<RegistrationCatalogue> {
    return new RegistrationCatalogue(api, await api.listInstitutions());
  }

  /** Every institution, in the service's order. */
  get institutions(): readonly Institution[] {
    return this.#institutions;
  }

  /** The institution with this code (exact), if any. */
  institution(code: string): Institution | undefined {
    return this.#institutions.find((i) => i.code === code);
  }

  /** The projects an institution works on (`{code, name, itemList}`). */
  projectsOf(institution: Institution): NonNullable<Institution["componentType"]> {
    return institution.componentType ?? [];
  }

  /** The component types (`{id?, code, name?}`) an institution works on in a project. */
  componentTypesOf(
    institution: Institution,
    project: string,
  ): NonNullable<Institution["componentType"]>[number]["itemList"] {
    return this.projectsOf(institution).find((p) => p.code === project)?.itemList ?? [];
  }

  /** A component type definition, fetched once (by id when the institution listing has it). */
  componentType(project: string, code: string): Promise<ComponentType> {
    const key = `${project}/${code}`;
    let found = this.#types.get(key);
    if (!found) {
      const id = this.#institutions
        .flatMap((i) => i.componentType ?? [])
        .filter((p) => p.code === project)
        .flatMap((p) => p.itemList)
        .find((t) => t.code === code && t.id)?.id;
      found = this.#api.getComponentType(
        id ? { id } : { code, project: project as ProjectCode },
      );
      found.catch(() => this.#types.delete(key));
      this.#types.set(key, found);
    }
    return found;
  }
}

/** The stages of a component type, in order. */
export function stagesOf(ct: ComponentType): Stage[] {
  return [...(ct.stages ?? [])].sort((a, b) => (a.order ?? 0) - (b.order ?? 0));
}

/** The stage a new component is placed at (`initial`, else the first). */
export function initialStage(ct: ComponentType): Stage | undefined {
  const stages = stagesOf(ct);
  return stages.find((s) => s.initial) ?? stages[0];
}

/** The subprojects of a type (its own list, else the component type's). */
export function subprojectsOf(
  ct: ComponentType,
  variant: ComponentTypeVariant,
): { code: string; name?: string }[] {
  if (variant.subprojects?.length) return variant.subprojects;
  const shared = (ct as { subprojects?: unknown }).subprojects;
  return Array.isArray(shared)
    ? shared.filter((s): s is { code: string; name?: string } => typeof s?.code === "string")
    : [];
}
