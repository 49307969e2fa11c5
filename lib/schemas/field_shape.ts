/**
 * The shape of a field's value as its definition declares it, in words and in structure: a
 * single value, a list of values, or a list of rows; the names of a row's columns; the unit.
 * Messages (`expected a list [strength, break mode, location]`), prototypes (`[[0.0, 0, 0]]`)
 * and the prototype's explanation all read the definition through this module.
 *
 * **Rows.** ITkPD declares a list whose elements are rows of k values as `valueType: "array"`
 * with `arrayDimensions: k`, and names the columns in its description: the recorded strips
 * catalogue (`fixtures/reference/itkpd_listTestTypes_S_HYBRID.json`) has `POSITION`,
 * "Position of chip relative to expectation: [chip ID, x, y ]", and `TILT_X`, "… array with
 * [chip number, front-chip tilt, back-chip tilt ]", both `arrayDimensions: 3`, beside flat
 * lists (`HEIGHT`, one value per chip) with `arrayDimensions: 1`. So `arrayDimensions` ≥ 2 is
 * the length of each row, and a bracketed list of that many names in the field's name or
 * description names the columns (`value 1`, `value 2`, … when there is none).
 *
 * **Units** are read from a trailing `[unit]` of the name or the description
 * (`Mean pull strength [g]`, `Relative humidity [%]`).
 *
 * @module
 */
import type { FieldDefinition } from "./test_type.ts";
import { FIELD_RANGES, type PhysicalRange } from "./ranges.ts";

/** One column of a row (see the module documentation). */
export interface RowColumn {
  /** Its name, e.g. `break mode`. */
  name: string;
  /** Its data type: the field's, or `integer` where the range table says whole numbers. */
  dataType: string;
  /** Its unit, when known. */
  unit?: string;
  /** Its physical range, when the range table has one. */
  range?: PhysicalRange;
}

/** Where a field is: its test type and section, to find its ranges (`lib/schemas/ranges.ts`). */
export interface FieldPlace {
  testType?: string;
  section?: "properties" | "results";
}

/**
 * The number of values in each row of a list of rows, or `undefined` for any other field
 * (a single value, a flat list, a list of objects).
 *
 * @example
 * ```ts
 * import { rowLength } from "./field_shape.ts";
 * rowLength({ code: "D", dataType: "float", valueType: "array", arrayDimensions: 3 }); // 3
 * rowLength({ code: "V", dataType: "float", valueType: "array", arrayDimensions: 1 }); // undefined
 * ```
 */
export function rowLength(def: FieldDefinition): number | undefined {
  const k = def.arrayDimensions;
  if (def.valueType !== "array" || def.dataType === "compound") return undefined;
  return typeof k === "number" && Number.isInteger(k) && k >= 2 && k <= 64 ? k : undefined;
}

/** Splits `a (x, y), b, c` at the commas outside parentheses. */
function splitTopLevel(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === "(") depth++;
    else if (c === ")") depth = Math.max(0, depth - 1);
    else if (c === "," && depth === 0) {
      out.push(text.slice(start, i));
      start = i + 1;
    }
  }
  out.push(text.slice(start));
  return out.map((s) => s.trim());
}

/** The column names a bracketed list of `text` gives, when it has exactly `k` of them. */
function namesIn(text: string | null | undefined, k: number): string[] | undefined {
  if (!text) return undefined;
  for (const m of text.matchAll(/\[([^[\]]+)\]/g)) {
    const parts = splitTopLevel(m[1]);
    if (parts.length === k && parts.every((p) => p !== "")) return parts;
  }
  return undefined;
}

/** `strength (g)` → name `strength`, unit `g`; `strength g` stays as it is. */
function nameAndUnit(text: string): { name: string; unit?: string } {
  const m = /^(.*?)\s*\(([^()]{1,8})\)$/.exec(text);
  if (m && m[1] !== "" && !/\s/.test(m[2])) return { name: m[1], unit: m[2] };
  return { name: text.replace(/\s*\([^()]*\)$/, "") || text };
}

/**
 * The columns of a list of rows (see the module documentation): named by the bracketed list of
 * the field's name (else its description), typed by the field's data type, except where the
 * range table (`lib/schemas/ranges.ts`) of `place.testType` says a column holds whole numbers;
 * `undefined` when the field is not a list of rows.
 *
 * @example
 * ```ts
 * import { rowColumns } from "./field_shape.ts";
 * rowColumns({
 *   code: "PULL_STRENGTH_DATA", dataType: "float", valueType: "array", arrayDimensions: 3,
 *   name: "Pull data: [strength, break mode, location] per pull",
 * }, { testType: "WIREBOND_PULL_TEST", section: "results" })?.map((c) => `${c.name}:${c.dataType}`);
 * // ["strength:float", "break mode:integer", "location:integer"]
 * ```
 */
export function rowColumns(def: FieldDefinition, place: FieldPlace = {}): RowColumn[] | undefined {
  const k = rowLength(def);
  if (k === undefined) return undefined;
  const fromName = namesIn(def.name, k);
  const fromDescription = namesIn(def.description, k);
  const ranges = place.testType ? FIELD_RANGES[place.testType] ?? {} : {};
  const out: RowColumn[] = [];
  for (let i = 0; i < k; i++) {
    const described = fromDescription ? nameAndUnit(fromDescription[i]) : undefined;
    const named = fromName ? nameAndUnit(fromName[i]) : described;
    const range = ranges[`${place.section ?? "results"}.${def.code}[${i}]`];
    const column: RowColumn = {
      name: named?.name ?? `value ${i + 1}`,
      dataType: range?.integer ? "integer" : def.dataType,
    };
    const unit = named?.unit ?? described?.unit ?? range?.unit;
    if (unit) column.unit = unit;
    if (range) column.range = range;
    out.push(column);
  }
  return out;
}

/**
 * The unit of a field, from a trailing `[unit]` of its name or description (`Test load [g]`
 * → `g`); `undefined` when neither has one.
 *
 * @example
 * ```ts
 * import { unitOf } from "./field_shape.ts";
 * unitOf({ code: "HUMIDITY", dataType: "float", name: "Relative humidity [%]" }); // "%"
 * unitOf({ code: "N", dataType: "integer", name: "Wire breaks below 5 g" }); // undefined
 * ```
 */
export function unitOf(def: FieldDefinition): string | undefined {
  for (const text of [def.name, def.description]) {
    const m = text ? /\[([^[\],]{1,12})\]\s*$/.exec(text.trim()) : null;
    if (m && m[1].trim() !== "") return m[1].trim();
  }
  return undefined;
}

/** The names of a row's columns as a bracketed list: `[strength, break mode, location]`. */
export function rowShapeWords(columns: readonly RowColumn[]): string {
  return `[${columns.map((c) => c.name).join(", ")}]`;
}

/** Code tables listed in a message at most; the rest are counted. */
const MAX_CODES_SHOWN = 10;

/** The codes of a code table in words: `0 = RD53A, 1 = ITkpix_v1, …`. */
export function codesWords(def: FieldDefinition): string {
  const table = def.codeTable ?? [];
  const shown = table.slice(0, MAX_CODES_SHOWN).map((e) =>
    e.value && e.value !== e.code ? `${e.code} = ${e.value}` : e.code
  );
  if (table.length > MAX_CODES_SHOWN) shown.push(`… ${table.length} codes in all`);
  return shown.join(", ");
}

/** One value of a data type in words: `a number`, `a whole number`, `text`, … */
export function singleWords(def: FieldDefinition): string {
  switch (def.dataType) {
    case "float":
      return "a number";
    case "integer":
      return "a whole number";
    case "boolean":
      return "true or false";
    case "string":
      return "text";
    case "image":
      return "text naming an image";
    case "codeTable":
      return def.codeTable?.length ? `one of the codes ${codesWords(def)}` : "a code";
    case "compound":
      return `an object {${(def.children ?? []).map((c) => c.code).join(", ")}}`;
    default:
      return `a ${def.dataType} value`;
  }
}

/** Several values of a data type in words: `numbers`, `whole numbers`, … */
function pluralWords(def: FieldDefinition): string {
  switch (def.dataType) {
    case "float":
      return "numbers";
    case "integer":
      return "whole numbers";
    case "boolean":
      return "true or false values";
    case "string":
    case "image":
      return "texts";
    case "codeTable":
      return def.codeTable?.length ? `codes ${codesWords(def)}` : "codes";
    case "compound":
      return `objects {${(def.children ?? []).map((c) => c.code).join(", ")}}`;
    default:
      return `${def.dataType} values`;
  }
}

/**
 * What a field's value must be, in words, as messages say it after "expected":
 * `a number`, `a list of numbers`, `a list of rows [strength, break mode, location]`.
 *
 * @example
 * ```ts
 * import { expectedWords } from "./field_shape.ts";
 * expectedWords({ code: "V", dataType: "float", valueType: "array" }); // "a list of numbers"
 * expectedWords({ code: "D", dataType: "float", valueType: "array", arrayDimensions: 2,
 *   name: "[x, y]" }); // "a list of rows [x, y]"
 * ```
 */
export function expectedWords(def: FieldDefinition): string {
  if (def.valueType !== "array") return singleWords(def);
  const columns = rowColumns(def);
  if (columns) return `a list of rows ${rowShapeWords(columns)}`;
  return `a list of ${pluralWords(def)}`;
}
