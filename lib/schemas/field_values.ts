/**
 * Builds zod schemas from field definitions at run time: the values a test run (or a component)
 * gives for the fields of its type are checked against exactly what the type defines. The
 * client uses this before sending; the sandbox uses it to answer like the service does.
 *
 * @module
 */
import { z } from "zod";
import type { Problem } from "../errors.ts";
import type { FieldDefinition } from "./test_type.ts";
import { jsonPathStep, jsonPathSuffix } from "./json_path.ts";

/**
 * Schemas already built, by field definition: a definition is fetched once (a batch fetches its
 * test types once) and checked against for every item, so its schema is built once too. A
 * definition is taken as it was when first seen: definitions are answers, never edited.
 */
const SCHEMAS = new WeakMap<FieldDefinition, z.ZodType>();

/**
 * The zod schema of one value of a field (a single value, or an array when `valueType` is
 * array); built once per definition object.
 */
export function fieldValueSchema(def: FieldDefinition): z.ZodType {
  let schema = SCHEMAS.get(def);
  if (schema === undefined) SCHEMAS.set(def, schema = buildFieldValueSchema(def));
  return schema;
}

function buildFieldValueSchema(def: FieldDefinition): z.ZodType {
  let value = singleValueSchema(def);
  if (def.valueType === "array") {
    // `arrayDimensions: 2` is a list of lists (e.g. PULL_STRENGTH_DATA rows).
    const dims = typeof def.arrayDimensions === "number" && def.arrayDimensions > 1
      ? def.arrayDimensions
      : 1;
    for (let i = 0; i < dims; i++) {
      const what = i < dims - 1 ? `a list (one row of ${def.code})` : "a list";
      value = z.array(value, { error: `The value must be ${what}.` });
    }
  }
  return def.required ? value : value.nullish();
}

function singleValueSchema(def: FieldDefinition): z.ZodType {
  switch (def.dataType) {
    case "float":
      return z.number({ error: "The value must be a number." }).refine(Number.isFinite, {
        message: "The value must be a finite number.",
      });
    case "integer":
      return z.number({ error: "The value must be an integer." }).int({
        message: "The value must be an integer.",
      });
    case "boolean":
      return z.boolean({ error: "The value must be true or false." });
    case "string":
    case "image":
      return z.string({ error: "The value must be a string." });
    case "codeTable": {
      const codes = (def.codeTable ?? []).map((e) => e.code);
      if (codes.length === 0) return z.string({ error: "The value must be a code." });
      return z.string({ error: `The value must be one of ${JSON.stringify(codes)}.` }).refine(
        (v) => codes.includes(v),
        { message: `The value must be one of ${JSON.stringify(codes)}.` },
      );
    }
    case "compound":
      return valuesObjectSchema(def.children ?? []);
    default:
      return z.unknown();
  }
}

/** A strict-enough object schema for a `{code: value}` map of the given fields. */
export function valuesObjectSchema(fields: FieldDefinition[]): z.ZodType {
  const shape: Record<string, z.ZodType> = {};
  for (const f of fields) {
    shape[f.code] = f.required ? fieldValueSchema(f) : fieldValueSchema(f).optional();
  }
  return z.looseObject(shape);
}

/** What is wrong with a `{code: value}` map against its field definitions. */
export interface ValuesCheck {
  /** Required fields that are absent or null (JSON paths). */
  missing: string[];
  /** Fields with a value of the wrong type or outside the code table. */
  invalid: Problem[];
  /** Keys that the definition does not know (JSON paths). */
  unknown: string[];
}

/**
 * Checks `values` against `fields`; `base` is the JSON path of the map (e.g. `$.results`).
 * Every problem is reported, not just the first.
 */
export function checkValues(
  fields: FieldDefinition[],
  values: unknown,
  base: string,
): ValuesCheck {
  const out: ValuesCheck = { missing: [], invalid: [], unknown: [] };
  if (values === undefined || values === null) {
    for (const f of fields) if (f.required) out.missing.push(`${base}.${f.code}`);
    return out;
  }
  if (typeof values !== "object" || Array.isArray(values)) {
    out.invalid.push({ path: base, message: "The value must be an object of {code: value}." });
    return out;
  }
  const record = values as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    if (!fields.some((f) => f.code === key)) out.unknown.push(`${base}${jsonPathStep(key)}`);
  }
  for (const f of fields) {
    const path = `${base}.${f.code}`;
    const v = record[f.code];
    if (v === undefined || v === null) {
      if (f.required) out.missing.push(path);
      continue;
    }
    const result = fieldValueSchema(f).safeParse(v);
    if (!result.success) {
      for (const issue of result.error.issues) {
        out.invalid.push({ path: path + jsonPathSuffix(issue.path), message: issue.message });
      }
    }
  }
  return out;
}

export { jsonPath, jsonPathStep, jsonPathSuffix } from "./json_path.ts";
