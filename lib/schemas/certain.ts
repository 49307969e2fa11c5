/**
 * A fast yes for values that a zod schema certainly accepts unchanged: {@link certainlyValid}.
 *
 * The client checks every dtoIn before sending and every answer on arrival (lib/client): the
 * answers of a batch, and what it sends, are nearly always valid, and zod builds a copy of each
 * (a loose object is copied key by key). A check compiled once per schema from the schema's own
 * definition says "valid" for the plain shapes (strings with a minimum length, finite numbers,
 * whole numbers within bounds, booleans, enums, optional and nullable values, arrays, loose
 * objects, records of plain objects, unions of these); anything else (a refinement, a
 * transform, a default to fill in, an object that strips or refuses unknown keys, a type not
 * listed) is "not certain", and the caller asks zod, which also writes the messages. So a value
 * is never accepted that zod would refuse, and what is accepted is the value zod would give back
 * (no default, transform or stripped key in play); tests/schemas/certain_test.ts compares both
 * on random good and bad values.
 *
 * @module
 */
import type { z } from "zod";

/** A compiled check: true only when zod certainly accepts the value and gives it back as is. */
type Accepts = (value: unknown) => boolean;

const COMPILED = new WeakMap<z.ZodType, Accepts>();

/** Never certain: zod decides. */
const NEVER: Accepts = () => false;

/**
 * True when `schema` certainly accepts `value` and its output equals `value` (no default filled
 * in, no key stripped, no transform); false means "ask zod" (the value may still be valid).
 *
 * @example
 * ```ts
 * import { z } from "zod";
 * import { certainlyValid } from "./certain.ts";
 * const schema = z.looseObject({ id: z.string().min(1), n: z.number().int().optional() });
 * certainlyValid(schema, { id: "a", n: 3, extra: [1] }); // true
 * certainlyValid(schema, { id: "", n: 3 }); // false (zod says why)
 * certainlyValid(z.string().refine((s) => s !== "x"), "y"); // false: a refinement is zod's
 * ```
 */
export function certainlyValid(schema: z.ZodType, value: unknown): boolean {
  return compiled(schema)(value);
}

/** The check of `schema`, compiled once (a schema met again while compiling it: never certain). */
function compiled(schema: z.ZodType | undefined): Accepts {
  if (schema === undefined) return NEVER;
  let accepts = COMPILED.get(schema);
  if (accepts === undefined) {
    COMPILED.set(schema, NEVER);
    accepts = compile(schema);
    COMPILED.set(schema, accepts);
  }
  return accepts;
}

/** The zod v4 definition fields this module reads. */
interface Def {
  type: string;
  checks?: { _zod: { def: CheckDef } }[];
  innerType?: z.ZodType;
  element?: z.ZodType;
  keyType?: z.ZodType;
  valueType?: z.ZodType;
  shape?: Record<string, z.ZodType>;
  catchall?: z.ZodType;
  options?: z.ZodType[];
  entries?: Record<string, unknown>;
  values?: unknown[];
}

interface CheckDef {
  check: string;
  minimum?: number;
  maximum?: number;
  value?: number;
  inclusive?: boolean;
  format?: string;
}

function defOf(schema: z.ZodType): Def {
  return (schema as unknown as { _zod: { def: Def } })._zod.def;
}

function compile(schema: z.ZodType): Accepts {
  const def = defOf(schema);
  switch (def.type) {
    case "string":
      return stringCheck(def);
    case "number":
      return numberCheck(def);
    case "boolean":
      return noChecks(def) ? (v) => typeof v === "boolean" : NEVER;
    case "unknown":
    case "any":
      return noChecks(def) ? () => true : NEVER;
    case "enum": {
      if (!noChecks(def) || !def.entries) return NEVER;
      const values = new Set(Object.values(def.entries));
      return (v) => (typeof v === "string" || typeof v === "number") && values.has(v);
    }
    case "literal": {
      if (!noChecks(def) || !def.values) return NEVER;
      const values = new Set(def.values);
      return (v) => values.has(v);
    }
    case "optional":
    case "nullable": {
      // An inner type zod would give `undefined` to (a default) is zod's to decide.
      const inner = compiled(def.innerType);
      if (!noChecks(def) || inner === NEVER || defOf(def.innerType!).type === "default") {
        return NEVER;
      }
      return def.type === "optional"
        ? (v) => v === undefined || inner(v)
        : (v) => v === null || inner(v);
    }
    case "default": {
      // A value there is checked by the inner type; none: zod fills in the default.
      const inner = compiled(def.innerType);
      return noChecks(def) ? (v) => v !== undefined && inner(v) : NEVER;
    }
    case "array":
      return arrayCheck(def);
    case "object":
      return objectCheck(def);
    case "record":
      return recordCheck(def);
    case "union": {
      if (!noChecks(def) || !def.options) return NEVER;
      const options = def.options.map((o) => compiled(o));
      // zod gives back the first option that takes the value: every option must be one of
      // those whose output is the value itself.
      if (options.includes(NEVER)) return NEVER;
      return (v) => {
        for (const option of options) if (option(v)) return true;
        return false;
      };
    }
    default:
      return NEVER;
  }
}

function noChecks(def: Def): boolean {
  return def.checks === undefined || def.checks.length === 0;
}

function stringCheck(def: Def): Accepts {
  let min = 0;
  let max = Infinity;
  for (const check of def.checks ?? []) {
    const c = check._zod.def;
    if (c.check === "min_length" && typeof c.minimum === "number") min = Math.max(min, c.minimum);
    else if (c.check === "max_length" && typeof c.maximum === "number") {
      max = Math.min(max, c.maximum);
    } else return NEVER;
  }
  return (v) => typeof v === "string" && v.length >= min && v.length <= max;
}

function numberCheck(def: Def): Accepts {
  let whole = false;
  let low = -Infinity;
  let lowInclusive = true;
  let high = Infinity;
  let highInclusive = true;
  for (const check of def.checks ?? []) {
    const c = check._zod.def;
    if (c.check === "number_format" && c.format === "safeint") whole = true;
    else if (c.check === "greater_than" && typeof c.value === "number" && low === -Infinity) {
      low = c.value;
      lowInclusive = c.inclusive === true;
    } else if (c.check === "less_than" && typeof c.value === "number" && high === Infinity) {
      high = c.value;
      highInclusive = c.inclusive === true;
    } else return NEVER;
  }
  return (v) =>
    typeof v === "number" && Number.isFinite(v) && (!whole || Number.isSafeInteger(v)) &&
    (lowInclusive ? v >= low : v > low) && (highInclusive ? v <= high : v < high);
}

function arrayCheck(def: Def): Accepts {
  if (!noChecks(def)) return NEVER;
  const element = compiled(def.element);
  return (v) => {
    if (!Array.isArray(v)) return false;
    for (let i = 0; i < v.length; i++) if (!element(v[i])) return false;
    return true;
  };
}

/**
 * A loose object (unknown keys kept: its catchall is `unknown`); an object that strips or
 * refuses unknown keys is certain only without them.
 */
function objectCheck(def: Def): Accepts {
  if (!noChecks(def) || !def.shape) return NEVER;
  const keys = Object.keys(def.shape);
  const checks = keys.map((k) => compiled(def.shape![k]));
  const present = keys.map((k) => ["unknown", "any"].includes(defOf(def.shape![k]).type));
  const loose = def.catchall !== undefined && defOf(def.catchall).type === "unknown";
  if (def.catchall !== undefined && !loose) return NEVER;
  const known = new Set(keys);
  return (v) => {
    // zod's copy is a plain object: so must the value be, to be that copy.
    if (typeof v !== "object" || v === null || Object.getPrototypeOf(v) !== Object.prototype) {
      return false;
    }
    const o = v as Record<string, unknown>;
    // An own `__proto__` key (JSON.parse makes one) and symbol keys are left out of zod's copy.
    if (Object.hasOwn(o, "__proto__") || Object.getOwnPropertySymbols(o).length > 0) return false;
    for (let i = 0; i < keys.length; i++) {
      if (!checks[i](o[keys[i]])) return false;
      // zod takes any value for an `unknown` key, but the key must be there.
      if (present[i] && !(keys[i] in o)) return false;
    }
    if (!loose) {
      for (const k in o) if (Object.hasOwn(o, k) && !known.has(k)) return false;
    }
    return true;
  };
}

/** A record with string keys, of a plain object (what zod's record takes). */
function recordCheck(def: Def): Accepts {
  if (!noChecks(def) || !def.keyType || !def.valueType) return NEVER;
  const key = defOf(def.keyType);
  if (key.type !== "string" || !noChecks(key)) return NEVER;
  const value = compiled(def.valueType);
  return (v) => {
    if (!isPlainObject(v) || Object.getPrototypeOf(v) !== Object.prototype) return false;
    if (Object.hasOwn(v, "__proto__")) return false;
    if (Object.getOwnPropertySymbols(v).length > 0) return false;
    for (const k in v) if (!value(v[k])) return false;
    return true;
  };
}

/** zod's test of a record's object: its constructor is `Object`'s kind (or there is none). */
function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== "object" || v === null || Array.isArray(v)) return false;
  const ctor = (v as { constructor?: unknown }).constructor;
  if (ctor === undefined) return true;
  if (typeof ctor !== "function") return true;
  const proto: unknown = ctor.prototype;
  if (typeof proto !== "object" || proto === null) return false;
  return Object.hasOwn(proto, "isPrototypeOf");
}
