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
import { jsonPathStep } from "./json_path.ts";
import { expectedWords, rowColumns, rowShapeWords, singleWords } from "./field_shape.ts";
import { describeValue, EXPECTED, problemFromIssue } from "./value_words.ts";

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
  let value: z.ZodType;
  if (def.valueType === "array") {
    // `arrayDimensions: k` (k ≥ 2) is a list of rows of k values (lib/schemas/field_shape.ts).
    const columns = rowColumns(def);
    const element = columns
      ? z.tuple(
        columns.map((c) => singleValueSchema(def, ` for ${c.name}`)) as [z.ZodType, ...z.ZodType[]],
        { error: `${EXPECTED}a list ${rowShapeWords(columns)}` },
      )
      : singleValueSchema(def);
    value = z.array(element, { error: `${EXPECTED}${expectedWords(def)}` });
  } else {
    value = singleValueSchema(def);
  }
  return def.required ? value : value.nullish();
}

/** The schema of one value; `what` names it in the message (` for break mode`). */
function singleValueSchema(def: FieldDefinition, what = ""): z.ZodType {
  const expected = `${EXPECTED}${singleWords(def)}${what}`;
  switch (def.dataType) {
    case "float":
      return z.number({ error: expected }).refine(Number.isFinite, {
        message: `${EXPECTED}a finite number${what}`,
      });
    case "integer":
      return z.number({ error: expected }).int({ message: expected });
    case "boolean":
      return z.boolean({ error: expected });
    case "string":
    case "image":
      return z.string({ error: expected });
    case "codeTable": {
      const codes = (def.codeTable ?? []).map((e) => e.code);
      if (codes.length === 0) return z.string({ error: expected });
      return z.string({ error: expected }).refine((v) => codes.includes(v), { message: expected });
    }
    case "compound":
      return valuesObjectSchema(def.children ?? [], expected);
    default:
      return z.unknown();
  }
}

/** A strict-enough object schema for a `{code: value}` map of the given fields. */
export function valuesObjectSchema(
  fields: FieldDefinition[],
  expected = `${EXPECTED}an object {code: value}`,
): z.ZodType {
  const shape: Record<string, z.ZodType> = {};
  for (const f of fields) {
    shape[f.code] = f.required ? fieldValueSchema(f) : fieldValueSchema(f).optional();
  }
  return z.looseObject(shape, { error: expected });
}

/** True for one value that the field's single-value schema certainly accepts. */
type Accepts = (value: unknown) => boolean;

/** The direct checks already made, by field definition (`null`: none, zod only). */
const DIRECT = new WeakMap<FieldDefinition, Accepts | null>();

/**
 * True when `value` (not null) is certainly valid for the field, as {@link fieldValueSchema}
 * would find it: a finite number for a float, a safe integer for an integer, a boolean, a text,
 * a code of the code table, a list of those, or a list of rows of exactly the row's length of
 * those. False means "not certain": the caller asks zod, which says what is wrong. A compound
 * field or an unknown data type is always left to zod. `tests/schemas/field_values_test.ts`
 * checks that this never accepts what zod refuses, on good and bad values.
 *
 * @example
 * ```ts
 * import { acceptsCertainly } from "./field_values.ts";
 * const def = { code: "X", dataType: "float", valueType: "array", arrayDimensions: 3 };
 * acceptsCertainly(def, [[8.5, 0, 1]]); // true
 * acceptsCertainly(def, [[8.5, 0]]); // false (zod says why)
 * ```
 */
export function acceptsCertainly(def: FieldDefinition, value: unknown): boolean {
  let accepts = DIRECT.get(def);
  if (accepts === undefined) DIRECT.set(def, accepts = directCheck(def));
  return accepts !== null && accepts(value);
}

function directCheck(def: FieldDefinition): Accepts | null {
  const single = singleCheck(def);
  if (single === null || def.valueType !== "array") return single;
  const k = rowColumns(def)?.length;
  if (k === undefined) {
    return (value) => {
      if (!Array.isArray(value)) return false;
      for (let i = 0; i < value.length; i++) if (!single(value[i])) return false;
      return true;
    };
  }
  return (value) => {
    if (!Array.isArray(value)) return false;
    for (let i = 0; i < value.length; i++) {
      const row = value[i];
      if (!Array.isArray(row) || row.length !== k) return false;
      for (let j = 0; j < k; j++) if (!single(row[j])) return false;
    }
    return true;
  };
}

function singleCheck(def: FieldDefinition): Accepts | null {
  switch (def.dataType) {
    case "float":
      return (v) => typeof v === "number" && Number.isFinite(v);
    case "integer":
      return (v) => typeof v === "number" && Number.isSafeInteger(v);
    case "boolean":
      return (v) => typeof v === "boolean";
    case "string":
    case "image":
      return (v) => typeof v === "string";
    case "codeTable": {
      const codes = new Set((def.codeTable ?? []).map((e) => e.code));
      if (codes.size === 0) return (v) => typeof v === "string";
      return (v) => typeof v === "string" && codes.has(v);
    }
    default:
      return null;
  }
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
    out.invalid.push({
      path: base,
      message: `expected an object {code: value}, got ${describeValue(values)}`,
    });
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
    // The shapes a batch sends most (numbers, lists of numbers, rows of numbers, texts) are
    // checked directly; any value they do not certainly accept gets zod's full check and words.
    if (acceptsCertainly(f, v)) continue;
    const result = fieldValueSchema(f).safeParse(v);
    if (!result.success) {
      for (const issue of result.error.issues) out.invalid.push(problemFromIssue(issue, v, path));
    }
  }
  return out;
}

export { jsonPath, jsonPathStep, jsonPathSuffix } from "./json_path.ts";
