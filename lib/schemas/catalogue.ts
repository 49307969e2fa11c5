/**
 * zod shapes of catalogue objects: institutions (with their projects and component types) and
 * component type definitions (types, subprojects, stages, properties, serial-number rules).
 *
 * @module
 */
import { z } from "zod";
import { answer, PageInfoSchema } from "./common.ts";
import { FieldDefinitionSchema } from "./test_type.ts";

/** A component type as listed under an institution's project. */
export const InstitutionComponentTypeSchema = z.looseObject({
  id: z.string().optional(),
  code: z.string(),
  name: z.string().optional(),
});

/** A project of an institution with the component types it works on. */
export const InstitutionProjectSchema = z.looseObject({
  code: z.string(),
  name: z.string().optional(),
  itemList: z.array(InstitutionComponentTypeSchema).default([]),
});

/** An institution (`listInstitutions`). */
export const InstitutionSchema = z.looseObject({
  id: z.string().optional(),
  code: z.string(),
  name: z.string().optional(),
  componentType: z.array(InstitutionProjectSchema).nullish(),
});
export type Institution = z.infer<typeof InstitutionSchema>;

/** A subproject of a type. */
export const SubprojectSchema = z.looseObject({ code: z.string(), name: z.string().optional() });

/** A type (variant) of a component type, e.g. `OUTER_SYSTEM_QUAD_MODULE`. */
export const ComponentTypeVariantSchema = z.looseObject({
  code: z.string(),
  name: z.string().optional(),
  existing: z.boolean().optional(),
  subprojects: z.array(SubprojectSchema).nullish(),
  snComponentIdentifier: z.string().nullish(),
});

/** A stage of a component type. */
export const StageSchema = z.looseObject({
  code: z.string(),
  name: z.string().optional(),
  order: z.number().nullish(),
  initial: z.boolean().nullish(),
  final: z.boolean().nullish(),
  testTypes: z.array(z.unknown()).nullish(),
});
export type Stage = z.infer<typeof StageSchema>;

/** A component type definition (`getComponentType`). */
export const ComponentTypeSchema = z.looseObject({
  id: z.string(),
  code: z.string(),
  name: z.string().optional(),
  project: z.string().optional(),
  types: z.array(ComponentTypeVariantSchema).default([]),
  stages: z.array(StageSchema).nullish(),
  properties: z.array(FieldDefinitionSchema).nullish(),
  snAutomatically: z.boolean().nullish(),
  snRequired: z.boolean().nullish(),
  snComponentIdentifier: z.string().nullish(),
});
export type ComponentType = z.infer<typeof ComponentTypeSchema>;

/** Answer of `listInstitutions`. */
export const ListInstitutionsAnswerSchema = answer({
  pageItemList: z.array(InstitutionSchema),
  pageInfo: PageInfoSchema.optional(),
});
