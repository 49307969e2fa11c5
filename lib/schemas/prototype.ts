/**
 * Prototype test-run documents built from a test type definition, as the original
 * `test_prototype` step wrote them (SPEC §2.3): placeholders the user replaces before upload.
 *
 * @module
 */
import type { FieldDefinition, TestType } from "./test_type.ts";
import { jsonPathStep } from "./json_path.ts";
import { type FieldPlace, rowColumns } from "./field_shape.ts";

/** The placeholder the original used for strings; an upload refuses a file still holding it. */
export const STRING_PLACEHOLDER = "some_string";

/**
 * The placeholder value of one field, in the shape its definition declares: a single value, a
 * list of one value, or a list of one row (`[[0.0, 0, 0]]` for PULL_STRENGTH_DATA, whose break
 * mode and location are whole numbers: see lib/schemas/field_shape.ts). `place` names the test
 * type and section, whose range table says which columns of a row are whole numbers.
 *
 * @example
 * ```ts
 * import { placeholderFor } from "./prototype.ts";
 * placeholderFor({ code: "D", dataType: "float", valueType: "array", arrayDimensions: 3,
 *   name: "[strength, break mode, location]" },
 *   { testType: "WIREBOND_PULL_TEST", section: "results" }); // [[0, 0, 0]]
 * placeholderFor({ code: "V", dataType: "float", valueType: "array" }); // [0]
 * ```
 */
export function placeholderFor(def: FieldDefinition, place: FieldPlace = {}): unknown {
  if (def.valueType !== "array") return singlePlaceholder(def);
  const columns = rowColumns(def, place);
  if (columns) return [columns.map((c) => singlePlaceholder({ ...def, dataType: c.dataType }))];
  return [singlePlaceholder(def)];
}

function singlePlaceholder(def: FieldDefinition): unknown {
  switch (def.dataType) {
    case "float":
      return 0.0;
    case "integer":
      return 0;
    case "boolean":
      return false;
    case "compound":
      return placeholders(def.children ?? []);
    case "codeTable":
      return def.codeTable?.[0]?.code ?? STRING_PLACEHOLDER;
    default:
      return STRING_PLACEHOLDER;
  }
}

/** `{code: placeholder}` for a list of fields (of `place`: see {@link placeholderFor}). */
export function placeholders(
  fields: FieldDefinition[] | null | undefined,
  place: FieldPlace = {},
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of fields ?? []) out[f.code] = placeholderFor(f, place);
  return out;
}

/** A prototype test run (`prototype_<CODE>.json`) for a test type. */
export interface TestRunPrototype {
  component: string | null;
  testType: string;
  institution: string | null;
  runNumber: string;
  passed: boolean;
  problems: boolean;
  properties: Record<string, unknown>;
  results: Record<string, unknown>;
  [key: string]: unknown;
}

/** Builds the prototype of SPEC §2.3; with `verbose`, the raw definitions are kept too. */
export function prototypeFor(testType: TestType, verbose = false): TestRunPrototype {
  const proto: TestRunPrototype = {
    component: null,
    testType: testType.code,
    institution: null,
    runNumber: "0-0",
    passed: false,
    problems: false,
    properties: placeholders(testType.properties, {
      testType: testType.code,
      section: "properties",
    }),
    results: placeholders(testType.parameters, { testType: testType.code, section: "results" }),
  };
  if (verbose) proto.definition = testType;
  return proto;
}

/** Deepest nesting {@link findPlaceholders} and {@link isPrototypeDefault} look into. */
export const MAX_WALK_DEPTH = 64;

/**
 * JSON paths of every leftover string placeholder in a document (in document order). The walk
 * keeps its own stack and stops at {@link MAX_WALK_DEPTH} levels: a deeper document cannot
 * overflow the call stack (the JSON reader refuses it anyway).
 *
 * @example
 * ```ts
 * import { findPlaceholders } from "./prototype.ts";
 * findPlaceholders({ results: { A: "some_string", B: [1, "some_string"] } });
 * // ["$.results.A", "$.results.B[1]"]
 * ```
 */
export function findPlaceholders(doc: unknown, base = "$"): string[] {
  const out: string[] = [];
  const stack: [unknown, string, number][] = [[doc, base, 0]];
  while (stack.length > 0) {
    const [value, path, depth] = stack.pop()!;
    if (value === STRING_PLACEHOLDER) {
      out.push(path);
      continue;
    }
    if (!value || typeof value !== "object" || depth >= MAX_WALK_DEPTH) continue;
    const entries: [string | number, unknown][] = Array.isArray(value)
      ? value.map((v, i) => [i, v])
      : Object.entries(value as Record<string, unknown>);
    for (let k = entries.length - 1; k >= 0; k--) {
      stack.push([entries[k][1], path + jsonPathStep(entries[k][0]), depth + 1]);
    }
  }
  return out;
}

/**
 * True when `value` is still what a prototype holds before it is filled in: `0`, `0.0`,
 * `false`, `"some_string"`, or a list or object of such values only (an empty one too).
 *
 * @example
 * ```ts
 * import { isPrototypeDefault } from "./prototype.ts";
 * isPrototypeDefault([0.0]); // true
 * isPrototypeDefault({ A: 0, B: [false] }); // true
 * isPrototypeDefault(8.7); // false
 * ```
 */
export function isPrototypeDefault(value: unknown): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (v === 0 || v === false || v === STRING_PLACEHOLDER) continue;
    if (!v || typeof v !== "object" || depth >= MAX_WALK_DEPTH) return false;
    for (const child of Array.isArray(v) ? v : Object.values(v)) stack.push([child, depth + 1]);
  }
  return true;
}

const FLOAT_ZERO = "@@itkpd-float-zero@@";

/** The data type of each element of a field's value: per column for a list of rows. */
function elementTypes(f: FieldDefinition, place: FieldPlace): string | string[] {
  const columns = f.valueType === "array" ? rowColumns(f, place) : undefined;
  return columns ? columns.map((c) => c.dataType) : f.dataType;
}

function markFloats(
  fields: FieldDefinition[] | null | undefined,
  values: unknown,
  place: FieldPlace,
): unknown {
  if (!values || typeof values !== "object" || Array.isArray(values)) return values;
  const out: Record<string, unknown> = { ...(values as Record<string, unknown>) };
  for (const f of fields ?? []) {
    const v = out[f.code];
    const types = elementTypes(f, place);
    const mark = (x: unknown, type: string): unknown =>
      type === "float" && x === 0
        ? FLOAT_ZERO
        : type === "compound"
        ? markFloats(f.children, x, place)
        : x;
    const markElement = (x: unknown): unknown =>
      Array.isArray(types)
        ? (Array.isArray(x) ? x.map((y, k) => mark(y, types[k] ?? f.dataType)) : x)
        : mark(x, types);
    out[f.code] = Array.isArray(v) ? v.map(markElement) : mark(v, f.dataType);
  }
  return out;
}

/**
 * The prototype as the JSON text of a `prototype_<CODE>.json` file, 2-space indented, with
 * float placeholders written `0.0` (as the original did) so that the type shows in the file.
 *
 * @example
 * ```ts
 * import { prototypeFor, prototypeJson } from "./prototype.ts";
 * const t = { id: "1", code: "X", parameters: [{ code: "MEAN", dataType: "float" }] };
 * prototypeJson(t, prototypeFor(t)).includes('"MEAN": 0.0'); // true
 * ```
 */
export function prototypeJson(testType: TestType, proto: TestRunPrototype): string {
  const marked = {
    ...proto,
    properties: markFloats(testType.properties, proto.properties, {
      testType: testType.code,
      section: "properties",
    }),
    results: markFloats(testType.parameters, proto.results, {
      testType: testType.code,
      section: "results",
    }),
  };
  return JSON.stringify(marked, null, 2).replaceAll(`"${FLOAT_ZERO}"`, "0.0") + "\n";
}
