/**
 * The modules of a batch that ITkPD does not know, as a file that `register-component --from`
 * reads: one object per serial number with the keys of a registration (institution, project,
 * componentType, type, subproject, serialNumber, properties). What the serial number says is
 * filled in (its subproject and the type whose identifier it carries, as the component type's
 * definition gives them); what only the user knows is left `null` (the required properties,
 * and the type or subproject when the serial number does not tell): filling those in is the one
 * edit, and `register-component --from FILE` the one command.
 *
 * @module
 */
import type { ItkpdClient } from "../client/client.ts";
import type { ComponentType } from "../schemas/catalogue.ts";
import { SERIAL_NUMBER_PATTERN } from "../schemas/mod.ts";
import type { BatchPlan } from "./plan.ts";

/** One registration to complete: the keys of `register-component --from`, `null` to fill in. */
export interface RegistrationDraft {
  institution: string;
  project: string;
  componentType: string;
  type: string | null;
  subproject: string | null;
  serialNumber: string;
  properties: Record<string, null>;
}

/** The serial numbers (or other identifiers) of the plan's components not in ITkPD, in order. */
export function unregisteredOf(plan: BatchPlan): { component: string; institution: string }[] {
  const seen = new Map<string, string>();
  for (const item of plan.invalid) {
    if (item.reason?.kind !== "not registered") continue;
    if (!seen.has(item.reason.component)) {
      seen.set(item.reason.component, item.reason.institution);
    }
  }
  return [...seen].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .map(([component, institution]) => ({ component, institution }));
}

/**
 * The registrations to complete for the plan's modules not in ITkPD (serial numbers only: an
 * identifier that is not one cannot be registered under it). The component type's definition is
 * read once; when it cannot be, type and subproject are left to fill in.
 */
export async function registrationDrafts(
  client: Pick<ItkpdClient, "getComponentType">,
  plan: BatchPlan,
): Promise<RegistrationDraft[]> {
  const missing = unregisteredOf(plan).filter((m) => SERIAL_NUMBER_PATTERN.test(m.component));
  if (missing.length === 0) return [];
  const project = plan.project ?? "P";
  const componentType = plan.componentType ?? "MODULE";
  const definition = await client.getComponentType({ code: componentType, project: project as "P" })
    .catch(() => undefined);
  return missing.map(({ component, institution }) => ({
    institution,
    project,
    componentType,
    ...typeOfSerial(definition, component),
    serialNumber: component,
    properties: Object.fromEntries(
      (definition?.properties ?? []).filter((p) => p.required).map((p) => [p.code, null]),
    ),
  }));
}

/**
 * The type and subproject a serial number says (`20U` + subproject + the type's identifier + 7
 * digits), when the definition has exactly one type with that identifier and subproject.
 */
function typeOfSerial(
  definition: ComponentType | undefined,
  serial: string,
): { type: string | null; subproject: string | null } {
  const subproject = serial.slice(3, 5);
  const identifier = serial.slice(5, 7);
  const types = (definition?.types ?? []).filter((t) =>
    (t.snComponentIdentifier ?? definition?.snComponentIdentifier) === identifier
  );
  if (types.length !== 1) return { type: null, subproject: null };
  const own = (definition as { subprojects?: { code: string }[] | null } | undefined)?.subprojects;
  const subprojects = (types[0].subprojects ?? own ?? []).map((s) => s.code);
  return {
    type: types[0].code,
    subproject: subprojects.includes(subproject) ? subproject : null,
  };
}

/** The keys left `null` in the drafts, for the line that says what to fill in. */
export function fieldsToFill(drafts: readonly RegistrationDraft[]): string[] {
  const keys = new Set<string>();
  for (const d of drafts) {
    if (d.type === null) keys.add("type");
    if (d.subproject === null) keys.add("subproject");
    for (const code of Object.keys(d.properties)) keys.add(`properties.${code}`);
  }
  return [...keys];
}
