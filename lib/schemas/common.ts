/**
 * zod shapes shared by every ITkPD answer: the uuAppErrorMap, page info, and the helper that
 * keeps unknown keys (the service adds fields over time; we never drop what it sends).
 *
 * @module
 */
import { z } from "zod";

/** One uuAppErrorMap entry: `{type, message, paramMap, …}`. */
export const UuAppErrorEntrySchema = z.looseObject({
  type: z.string().optional(),
  message: z.string().optional(),
  id: z.string().optional(),
  timestamp: z.string().optional(),
  paramMap: z.record(z.string(), z.unknown()).optional(),
});

/** `uuAppErrorMap`: error code → entry; `{}` on success. */
export const UuAppErrorMapSchema = z.record(z.string(), UuAppErrorEntrySchema);

/** `pageInfo` of a list answer. */
export const PageInfoSchema = z.looseObject({
  pageIndex: z.number().int().nonnegative(),
  pageSize: z.number().int().positive(),
  total: z.number().int().nonnegative().optional(),
});
export type PageInfo = z.infer<typeof PageInfoSchema>;

/** `{code, name}` reference, as in `project`, `subproject`, `type` of a component. */
export const CodeNameSchema = z.looseObject({
  code: z.string(),
  name: z.string().optional(),
});
export type CodeName = z.infer<typeof CodeNameSchema>;

/** `{id, code, name}` reference, as in a test run's `institution` or `testType`. */
export const IdCodeNameSchema = z.looseObject({
  id: z.string(),
  code: z.string(),
  name: z.string().optional(),
});
export type IdCodeName = z.infer<typeof IdCodeNameSchema>;

/** The ITkPD projects: strips, pixels, common mechanics, common electronics. */
export const ProjectCodeSchema = z.enum(["S", "P", "CM", "CE"]);
export type ProjectCode = z.infer<typeof ProjectCodeSchema>;

/** Wraps an answer shape with the `uuAppErrorMap` every answer carries. */
export function answer<T extends z.ZodRawShape>(shape: T) {
  return z.looseObject({ ...shape, uuAppErrorMap: UuAppErrorMapSchema.optional() });
}
