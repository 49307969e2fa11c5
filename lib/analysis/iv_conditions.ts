/**
 * The conditions of an IV measurement: operator, temperature (°C) and relative humidity (%),
 * from the flags (`--operator`, `--temperature`, `--humidity`) or the file's header
 * (`# Temperature [C]: -20`, see `lib/parsers/iv.ts`). A flag overrides the header, and each
 * value says where it came from. A value is a finite number in its physical range
 * (`lib/schemas/ranges.ts`) or plain text: a header value that is not is refused with its
 * file:line (unless a flag replaces it), never dropped or guessed.
 *
 * @module
 */
import { InputError, type Problem } from "../errors.ts";
import { findUnsafeChar } from "../escape.ts";
import { parseDecimal } from "../parsers/_lines.ts";
import type { IvHeaderValue, IvParseResult } from "../parsers/iv.ts";
import {
  HUMIDITY_RANGE,
  type PhysicalRange,
  rangeProblem,
  TEMPERATURE_RANGE,
} from "../schemas/ranges.ts";

/** One condition: its value and where it came from (`--temperature`, `iv.txt:2 (header)`). */
export interface IvCondition<T> {
  value: T;
  from: string;
}

/** The conditions of a run; a condition neither given nor in the header is absent. */
export interface IvConditions {
  operator?: IvCondition<string>;
  /** In °C. */
  temperature?: IvCondition<number>;
  /** Relative humidity in %. */
  humidity?: IvCondition<number>;
}

/** Conditions given by the user (flags, a manifest): they override the file's header. */
export interface IvConditionsGiven {
  operator?: string;
  temperature?: number;
  humidity?: number;
  /** Where they were given, per condition, for messages (default: the flag). */
  from?: Partial<Record<keyof IvConditions, string>>;
}

/** The conditions of a run, with the summary lines and notes. */
export interface IvConditionsResult {
  conditions: IvConditions;
  /** One line per condition for the summary: the value used and where from, or none. */
  lines: string[];
  /** A header value replaced by a flag. */
  notes: string[];
}

/** Longest operator name taken. */
const MAX_OPERATOR_LENGTH = 100;

const FLAGS: Record<keyof IvConditions, string> = {
  operator: "--operator",
  temperature: "--temperature",
  humidity: "--humidity",
};

/** Temperature units of a header, and how to get °C. */
const TO_CELSIUS: Record<string, (x: number) => number> = {
  c: (x) => x,
  "°c": (x) => x,
  degc: (x) => x,
  k: (x) => x - 273.15,
};

/** A header number with an optional unit after it (`35 %`, `-20 C`, `253.15 K`). */
function numberAndUnit(v: IvHeaderValue): { value?: number; unit?: string } {
  const m = /^(\S+?)\s*(°?[A-Za-z%]+)?$/.exec(v.text);
  const value = m ? parseDecimal(m[1]) : undefined;
  return { value, unit: v.unit ?? m?.[2] };
}

/** The header's temperature in °C, or why it cannot be used. */
function headerTemperature(v: IvHeaderValue): number | string {
  const { value, unit } = numberAndUnit(v);
  if (value === undefined) return `temperature ${JSON.stringify(v.text)} is not a number`;
  const convert = TO_CELSIUS[(unit ?? "C").toLowerCase()];
  if (!convert) return `temperature unit ${JSON.stringify(unit)} unknown (C or K)`;
  return checked("temperature", convert(value), TEMPERATURE_RANGE);
}

/** The header's humidity in %, or why it cannot be used. */
function headerHumidity(v: IvHeaderValue): number | string {
  const { value, unit } = numberAndUnit(v);
  if (value === undefined) return `humidity ${JSON.stringify(v.text)} is not a number`;
  if (unit !== undefined && !/^%(rh)?$/i.test(unit)) {
    return `humidity unit ${JSON.stringify(unit)} unknown (%)`;
  }
  return checked("humidity", value, HUMIDITY_RANGE);
}

function checked(what: string, value: number, range: PhysicalRange): number | string {
  const bad = rangeProblem(Number(value.toPrecision(12)), range);
  return bad ? `${what}: ${bad}` : Number(value.toPrecision(12));
}

/** A header value read: the value, or why it cannot be used. */
function readHeader(
  key: keyof IvConditions,
  v: IvHeaderValue,
): { value?: string | number; problem?: string } {
  if (key === "operator") {
    const problem = operatorProblem(v.text);
    return problem ? { problem } : { value: v.text.trim() };
  }
  const r = key === "temperature" ? headerTemperature(v) : headerHumidity(v);
  return typeof r === "string" ? { problem: r } : { value: r };
}

/** Why an operator's name cannot be used, or `undefined`. */
function operatorProblem(text: string): string | undefined {
  if (text.trim() === "") return "the operator is empty";
  const bad = findUnsafeChar(text);
  if (bad) return `the operator contains ${bad.name}: control characters are not accepted`;
  if (text.length > MAX_OPERATOR_LENGTH) {
    return `the operator has ${text.length} characters (at most ${MAX_OPERATOR_LENGTH})`;
  }
  return undefined;
}

/**
 * The conditions of an IV run: each given one, else the file header's, checked. Throws
 * {@link InputError} listing every header value that cannot be used (file:line) and every
 * given one that is not valid.
 *
 * @example
 * ```ts
 * import { parseIv } from "../parsers/iv.ts";
 * import { ivConditions } from "./iv_conditions.ts";
 * const parsed = parseIv("# Temperature [C]: -20\n# Humidity: 35 %\nU[V] I[uA]\n-2 -0.1\n", "iv.txt");
 * const r = ivConditions(parsed, { temperature: -25 });
 * r.conditions.temperature; // { value: -25, from: "--temperature" }
 * r.conditions.humidity; // { value: 35, from: "iv.txt:2 (header)" }
 * ```
 */
export function ivConditions(
  parsed: Pick<IvParseResult, "file" | "header">,
  given: IvConditionsGiven = {},
): IvConditionsResult {
  const conditions: IvConditions = {};
  const problems: Problem[] = [];
  const lines: string[] = [];
  const notes: string[] = [];
  const units = { operator: "", temperature: " °C", humidity: " %" };
  const header = parsed.header ?? {};
  for (const key of ["operator", "temperature", "humidity"] as const) {
    const own = header[key];
    const where = own ? `${parsed.file}:${own.line}` : undefined;
    const read = own ? readHeader(key, own) : undefined;
    const value = given[key];
    if (value !== undefined) {
      const flag = given.from?.[key] ?? FLAGS[key];
      const bad = typeof value === "string"
        ? operatorProblem(value)
        : rangeProblem(value, key === "temperature" ? TEMPERATURE_RANGE : HUMIDITY_RANGE);
      if (bad) {
        problems.push({ path: flag, message: bad });
        continue;
      }
      const shown = typeof value === "string" ? value.trim() : value;
      (conditions as Record<string, IvCondition<unknown>>)[key] = { value: shown, from: flag };
      if (own && read?.value !== shown) {
        notes.push(
          `${where}: the header's ${key} ${JSON.stringify(own.text)} is replaced by ` +
            `${shown}${units[key]} (${flag})`,
        );
      }
      continue;
    }
    if (!read) continue;
    if (read.problem !== undefined) {
      problems.push({ path: where!, message: read.problem });
      continue;
    }
    (conditions as Record<string, IvCondition<unknown>>)[key] = {
      value: read.value,
      from: `${where} (header)`,
    };
  }
  if (problems.length > 0) {
    throw new InputError(
      `${parsed.file}: the conditions of the measurement cannot be used`,
      problems,
      {
        hint: "correct the header line, or give the value with --operator, --temperature (°C) or " +
          "--humidity (%)",
      },
    );
  }
  for (const key of ["operator", "temperature", "humidity"] as const) {
    const c = conditions[key];
    lines.push(
      c
        ? `${key} ${c.value}${units[key]} from ${c.from}`
        : `no ${key}: none in the file's header and no ${FLAGS[key]}`,
    );
  }
  return { conditions, lines, notes };
}
