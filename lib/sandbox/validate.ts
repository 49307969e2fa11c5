/**
 * dtoIn validation answered the way the service answers it: HTTP 400 with a
 * `cern-itkpd-main/<command>/invalidDtoIn` entry whose `paramMap` holds `missingKeyMap`,
 * `invalidValueKeyMap` and `unsupportedKeyList` (keys are JSON paths), and a
 * `cern-itkpd-main/<command>/unsupportedKeys` warning for keys the command does not know (alone,
 * a warning only: the call succeeds).
 *
 * @module
 */
import type { UuAppErrorMap } from "../errors.ts";
import { checkValues } from "../schemas/field_values.ts";
import type { FieldDefinition } from "../schemas/test_type.ts";
import { CommandError, errorEntry } from "./command_error.ts";
import { PROJECTS } from "./catalogue.ts";

/** A check of one dtoIn value: `null` when fine, else `{errorCode: message}`. */
export type Check = (value: unknown) => Record<string, string> | null;

/** The keys a command takes: required and optional, each with its check. */
export interface DtoInSpec {
  required?: Record<string, Check>;
  optional?: Record<string, Check>;
}

const MISSING = { "isRequired.e001": "The value is required but missing." };

/** Collects the problems of one command's dtoIn, then answers or lets the call go on. */
export class DtoIn {
  readonly missing: Record<string, Record<string, string>> = {};
  readonly invalid: Record<string, Record<string, string>> = {};
  readonly unsupported: string[] = [];
  /** The input as an object (empty when it was not one). */
  readonly input: Record<string, unknown>;

  constructor(readonly command: string, input: unknown, spec: DtoInSpec) {
    if (input === null || typeof input !== "object" || Array.isArray(input)) {
      this.input = {};
      this.invalid["$"] = { "type.e001": "The dtoIn must be an object." };
      return;
    }
    this.input = input as Record<string, unknown>;
    const required = spec.required ?? {};
    const optional = spec.optional ?? {};
    for (const key of Object.keys(this.input)) {
      if (!(key in required) && !(key in optional)) this.unsupported.push(`$.${key}`);
    }
    for (const [key, check] of Object.entries(required)) {
      const v = this.input[key];
      if (v === undefined || v === null) this.missing[`$.${key}`] = MISSING;
      else this.#check(key, check, v);
    }
    for (const [key, check] of Object.entries(optional)) {
      const v = this.input[key];
      if (v !== undefined && v !== null) this.#check(key, check, v);
    }
  }

  #check(key: string, check: Check, value: unknown) {
    const problem = check(value);
    if (problem) this.invalid[`$.${key}`] = problem;
  }

  /** True when nothing is missing or invalid so far. */
  get ok(): boolean {
    return Object.keys(this.missing).length === 0 && Object.keys(this.invalid).length === 0;
  }

  /** True when `key` was given and passed its check. */
  valid(key: string): boolean {
    const path = `$.${key}`;
    return this.input[key] !== undefined && this.input[key] !== null && !this.invalid[path] &&
      !this.missing[path];
  }

  /** Adds the problems of a `{code: value}` map checked against field definitions. */
  addValues(fields: FieldDefinition[], values: unknown, base: string): string[] {
    const check = checkValues(fields.map(lenient), values, base);
    for (const path of check.missing) this.missing[path] = MISSING;
    for (const p of check.invalid) {
      this.invalid[p.path] = { ...(this.invalid[p.path] ?? {}), "type.e001": p.message };
    }
    return check.unknown;
  }

  /** Marks `path` invalid with a reason. */
  addInvalid(path: string, code: string, message: string) {
    this.invalid[path] = { ...(this.invalid[path] ?? {}), [code]: message };
  }

  /** Throws the 400 invalidDtoIn answer when something is missing or invalid. */
  throwIfInvalid(): void {
    if (this.ok) return;
    const paramMap: Record<string, unknown> = {};
    if (this.unsupported.length) paramMap.unsupportedKeyList = [...this.unsupported];
    paramMap.invalidValueKeyMap = {
      "$": { "shape.e002": "The content of shape must be valid." },
      ...this.invalid,
    };
    paramMap.missingKeyMap = { ...this.missing };
    const map: UuAppErrorMap = {
      [`cern-itkpd-main/${this.command}/invalidDtoIn`]: errorEntry("DtoIn is not valid.", paramMap),
      ...this.warnings(),
    };
    throw new CommandError(400, map);
  }

  /** The unsupportedKeys warning (empty when every key is known). */
  warnings(): UuAppErrorMap {
    if (!this.unsupported.length) return {};
    return {
      [`cern-itkpd-main/${this.command}/unsupportedKeys`]: {
        type: "warning",
        message: "DtoIn contains unsupported keys.",
        paramMap: { unsupportedKeyList: [...this.unsupported] },
      },
    };
  }
}

/**
 * A compound field without children takes any JSON (the sandbox's PULL_STRENGTH_DATA holds
 * `[strength, mode, location]` triples); everything else is checked as defined.
 */
function lenient(f: FieldDefinition): FieldDefinition {
  let out = LENIENT.get(f);
  if (out === undefined) LENIENT.set(f, out = makeLenient(f));
  return out;
}

/** The lenient copy of each definition, made once (so that its checks are built once). */
const LENIENT = new WeakMap<FieldDefinition, FieldDefinition>();

function makeLenient(f: FieldDefinition): FieldDefinition {
  if (f.dataType === "compound" && !f.children?.length) {
    return { ...f, dataType: "any", valueType: "single" };
  }
  if (f.children?.length) return { ...f, children: f.children.map(lenient) };
  return f;
}

// ---- checks -------------------------------------------------------------------------------

/** A non-empty string. */
export const isString: Check = (v) =>
  typeof v === "string" && v.length > 0
    ? null
    : { "type.e001": "The value must be a non-empty string." };

/** A boolean. */
export const isBoolean: Check = (v) =>
  typeof v === "boolean" ? null : { "type.e001": "The value must be a boolean." };

/** A JSON object (not an array). */
export const isObject: Check = (v) =>
  v !== null && typeof v === "object" && !Array.isArray(v)
    ? null
    : { "type.e001": "The value must be an object." };

/** Anything (the command reads it as it likes). */
export const isAny: Check = () => null;

/** One of the ITkPD projects. */
export const isProject: Check = (v) =>
  typeof v === "string" && v in PROJECTS ? null : {
    "oneOf.e001": `The value must be one of [${
      Object.keys(PROJECTS).map((p) => `'${p}'`).join(", ")
    }].`,
  };

/** A date-time string that parses. */
export const isDate: Check = (v) =>
  typeof v === "string" && !Number.isNaN(Date.parse(v))
    ? null
    : { "type.e001": "The value must be a date-time string (ISO 8601)." };

/** A string or a list of strings. */
export const isStringOrList: Check = (v) =>
  (typeof v === "string" && v.length > 0) ||
    (Array.isArray(v) && v.every((s) => typeof s === "string"))
    ? null
    : { "type.e001": "The value must be a string or a list of strings." };

/** A list of 1..`max` strings. */
export function isStringList(max: number): Check {
  return (v): Record<string, string> | null => {
    if (!Array.isArray(v) || !v.every((s) => typeof s === "string" && s.length > 0)) {
      return { "type.e001": "The value must be a list of strings." };
    }
    if (v.length > max) {
      return { "maxItems.e001": `The list must have at most ${max} items, it has ${v.length}.` };
    }
    return null;
  };
}

/** `pageInfo {pageIndex?, pageSize?}` with non-negative / positive integers. */
export const isPageInfo: Check = (v) => {
  if (v === null || typeof v !== "object" || Array.isArray(v)) {
    return { "type.e001": "The value must be an object {pageIndex, pageSize}." };
  }
  const { pageIndex, pageSize } = v as Record<string, unknown>;
  if (pageIndex !== undefined && !(Number.isInteger(pageIndex) && (pageIndex as number) >= 0)) {
    return { "type.e001": "pageIndex must be an integer >= 0." };
  }
  if (pageSize !== undefined && !(Number.isInteger(pageSize) && (pageSize as number) >= 1)) {
    return { "type.e001": "pageSize must be an integer >= 1." };
  }
  return null;
};
