/**
 * zod shapes of components: the input of `registerComponent` and the component objects the
 * service answers with.
 *
 * @module
 */
import { z } from "zod";
import { AttachmentSchema } from "./attachment.ts";
import { CodeNameSchema, ProjectCodeSchema } from "./common.ts";
import { SERIAL_NUMBER_PATTERN } from "./serial_number.ts";

export { SERIAL_NUMBER_PATTERN };

/** A 14-character ATLAS serial number. */
export const SerialNumberSchema = z.string().regex(
  SERIAL_NUMBER_PATTERN,
  "a serial number is 20U + 2-letter subproject + 2-character identifier + 7 digits",
);

/** Input of `registerComponent`. */
export const RegisterComponentInputSchema = z.object({
  project: ProjectCodeSchema,
  subproject: z.string().min(1),
  institution: z.string().min(1),
  componentType: z.string().min(1),
  type: z.string().min(1),
  serialNumber: SerialNumberSchema.optional(),
  properties: z.record(z.string(), z.unknown()).default({}),
});
export type RegisterComponentInput = z.input<typeof RegisterComponentInputSchema>;

/** A property of a stored component, as answered. */
export const ComponentPropertySchema = z.looseObject({
  code: z.string(),
  name: z.string().nullish(),
  dataType: z.string().nullish(),
  value: z.unknown(),
});

/** A stored component as `getComponent` answers it. */
export const ComponentSchema = z.looseObject({
  id: z.string().optional(),
  code: z.string(),
  serialNumber: z.string().nullish(),
  state: z.string().optional(),
  project: z.union([CodeNameSchema, z.string()]).optional(),
  subproject: z.union([CodeNameSchema, z.string()]).nullish(),
  componentType: z.union([CodeNameSchema, z.string()]).optional(),
  type: z.union([CodeNameSchema, z.string()]).nullish(),
  institution: z.union([CodeNameSchema, z.string()]).nullish(),
  currentStage: z.union([CodeNameSchema, z.string()]).nullish(),
  properties: z.array(ComponentPropertySchema).nullish(),
  attachments: z.array(AttachmentSchema).nullish(),
});
export type Component = z.infer<typeof ComponentSchema>;
