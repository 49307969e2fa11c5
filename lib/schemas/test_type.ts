/**
 * zod shapes of test type definitions (`listTestTypes`, `getTestType`): a test type with its
 * property and result (parameter) field definitions, as the real service answers them.
 *
 * @module
 */
import { z } from "zod";
import { answer, PageInfoSchema } from "./common.ts";

/** The data types a field can have. `image` is seen in the real catalogue. */
export const DATA_TYPES = [
  "float",
  "integer",
  "boolean",
  "string",
  "codeTable",
  "compound",
  "image",
] as const;
export type DataType = (typeof DATA_TYPES)[number];

/** A code-table entry: the stored `code` and the shown `value`. */
export const CodeTableEntrySchema = z.looseObject({
  code: z.string(),
  value: z.string().optional(),
});
export type CodeTableEntry = z.infer<typeof CodeTableEntrySchema>;

/** A field (property or parameter) of a test type or component type. */
export interface FieldDefinition {
  code: string;
  name?: string | null;
  description?: string | null;
  dataType: string;
  valueType?: "single" | "array" | string | null;
  required?: boolean | null;
  order?: number | null;
  codeTable?: CodeTableEntry[] | null;
  children?: FieldDefinition[] | null;
  [key: string]: unknown;
}

/** Shape of a {@link FieldDefinition}; recursive through `children` (compound fields). */
export const FieldDefinitionSchema: z.ZodType<FieldDefinition> = z.lazy(() =>
  z.looseObject({
    code: z.string().min(1),
    name: z.string().nullish(),
    description: z.string().nullish(),
    dataType: z.string(),
    valueType: z.string().nullish(),
    required: z.boolean().nullish(),
    order: z.number().nullish(),
    codeTable: z.array(CodeTableEntrySchema).nullish(),
    children: z.array(FieldDefinitionSchema).nullish(),
  })
) as z.ZodType<FieldDefinition>;

/** A test type definition. */
export const TestTypeSchema = z.looseObject({
  id: z.string(),
  code: z.string(),
  name: z.string().optional(),
  description: z.string().nullish(),
  state: z.string().optional(),
  stages: z.array(z.unknown()).nullish(),
  properties: z.array(FieldDefinitionSchema).nullish(),
  parameters: z.array(FieldDefinitionSchema).nullish(),
});
export type TestType = z.infer<typeof TestTypeSchema>;

/** Answer of `listTestTypes`. */
export const ListTestTypesAnswerSchema = answer({
  pageItemList: z.array(TestTypeSchema),
  pageInfo: PageInfoSchema.optional(),
  componentType: z.unknown().optional(),
});
