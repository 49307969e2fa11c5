/**
 * The last check of every test run before it is written to a file or sent: whatever built it
 * (a parser, a user's JSON file, a notebook), no `NaN`, `Infinity`, `null` where a value is
 * required, number outside its physical range (`lib/schemas/ranges.ts`), control character in
 * a text, or nesting deeper than {@link MAX_JSON_DEPTH} ever leaves the toolkit. `JSON.stringify`
 * would silently turn `NaN` and `Infinity` into `null`; this guard refuses them instead.
 *
 * @module
 */
import { InputError, type Problem } from "../errors.ts";
import { findUnsafeChar } from "../escape.ts";
import { MAX_JSON_DEPTH } from "../parsers/json.ts";
import { jsonPathStep } from "../schemas/json_path.ts";
import {
  ANY_NUMBER_RANGE,
  FIELD_RANGES,
  inRange,
  type PhysicalRange,
  rangeProblem,
} from "../schemas/ranges.ts";
import { FREE_TEXT_KEYS } from "./files.ts";

/** Options of {@link runValueProblems}. */
export interface GuardOptions {
  /**
   * Every value of `results` is required (no `null`): true for the runs built from data files,
   * whose every result is computed. Default false (a JSON file may leave an optional one null).
   */
  completeResults?: boolean;
}

/** Problems listed at most; more are counted. */
const MAX_GUARD_PROBLEMS = 100;

/** Where a value is: the field it belongs to (`results.CODE`) and its ranges, looked up once. */
interface FieldRanges {
  /** `results` / `properties`, and the field's code. */
  section: string;
  key: string;
  /** `results.CODE` / `properties.CODE`, once made. */
  name: string | undefined;
  /** The field's own range. */
  range: PhysicalRange;
  /** The range of each column of its rows (`results.CODE[k]`), looked up when first needed. */
  columns: (PhysicalRange | undefined)[];
}

/** The state of one walk: the problems, and the keys from the root to the value visited. */
interface Walk {
  problems: Problem[];
  more: number;
  /** Keys (and indices) from the run to the current value: its JSON path, made when needed. */
  keys: (string | number)[];
  ranges: Readonly<Record<string, PhysicalRange>>;
  completeResults: boolean;
}

/**
 * Every value of `run` that must not be written or sent, each with its JSON path.
 *
 * @example
 * ```ts
 * import { runValueProblems } from "./guard.ts";
 * runValueProblems({ testType: "WIREBOND_PULL_TEST", results: { PULL_STRENGTH: NaN } });
 * // [{ path: "$.results.PULL_STRENGTH", message: "NaN is not a finite number" }]
 * ```
 */
export function runValueProblems(run: unknown, opts: GuardOptions = {}): Problem[] {
  const testType = run && typeof run === "object" && !Array.isArray(run)
    ? (run as Record<string, unknown>).testType
    : undefined;
  const walk: Walk = {
    problems: [],
    more: 0,
    keys: [],
    ranges: typeof testType === "string" ? FIELD_RANGES[testType] ?? {} : {},
    completeResults: opts.completeResults === true,
  };
  // The walk goes depth first in key order, and stops at MAX_JSON_DEPTH: its recursion is
  // bounded whatever the run holds. Paths are made only for the values refused.
  visit(walk, run, 0, undefined, -1, false);
  if (walk.more > 0) {
    walk.problems.push({
      path: "$",
      message: `… and ${walk.more.toLocaleString("en")} more values like these`,
    });
  }
  return walk.problems;
}

function add(walk: Walk, message: string, last?: string | number): void {
  if (walk.problems.length >= MAX_GUARD_PROBLEMS) {
    walk.more++;
    return;
  }
  let path = "$";
  for (const key of walk.keys) path += jsonPathStep(key);
  if (last !== undefined) path += jsonPathStep(last);
  walk.problems.push({ path, message });
}

/** A number's problem in its range, if any. */
function checkNumber(walk: Walk, value: number, range: PhysicalRange): void {
  if (inRange(value, range)) return;
  const bad = rangeProblem(value, range);
  if (bad) add(walk, bad);
}

/**
 * Checks `value` (at the path `walk.keys`, `depth` levels down): `field` is the field it is
 * under, `column` its index within a row of that field (-1 outside a row), `freeText` whether
 * line breaks are allowed in its texts.
 */
function visit(
  walk: Walk,
  value: unknown,
  depth: number,
  field: FieldRanges | undefined,
  column: number,
  freeText: boolean,
): void {
  if (typeof value === "number") {
    let range = ANY_NUMBER_RANGE;
    if (field !== undefined) {
      range = column >= 0 ? columnRange(walk, field, column) : field.range;
    }
    checkNumber(walk, value, range);
    return;
  }
  if (typeof value === "string") {
    const unsafe = findUnsafeChar(value, freeText ? LINE_BREAKS : NO_LINE_BREAKS);
    if (unsafe) add(walk, `text holding ${unsafe.name}: control characters are not stored`);
    return;
  }
  if (value === null || typeof value !== "object") {
    if (typeof value === "bigint" || typeof value === "function" || typeof value === "symbol") {
      add(walk, `a ${typeof value} is not a JSON value`);
    }
    return;
  }
  if (depth >= MAX_JSON_DEPTH) {
    add(walk, `nested deeper than ${MAX_JSON_DEPTH} levels`);
    return;
  }
  const keys = walk.keys;
  // A container's null values are said first (last to first), then its other values are
  // visited in order: the order in which the problems have always been listed.
  if (Array.isArray(value)) {
    for (let i = value.length - 1; i >= 0; i--) {
      if (value[i] === null) add(walk, "null where a value is required (in a list)", i);
    }
    // An element of a row: a list inside the field's list (the field's value is at depth 2).
    const row = field !== undefined && depth === 3;
    for (let i = 0; i < value.length; i++) {
      const child = value[i];
      if (child === undefined || child === null) continue;
      if (typeof child === "number") {
        // Inline, as visit would: the bulk of a run is lists of numbers.
        const range = field === undefined
          ? ANY_NUMBER_RANGE
          : row
          ? columnRange(walk, field, i)
          : column >= 0
          ? columnRange(walk, field, column)
          : field.range;
        if (inRange(child, range)) continue;
      }
      keys.push(i);
      visit(walk, child, depth + 1, field, row ? i : column, freeText);
      keys.pop();
    }
    return;
  }
  const record = value as Record<string, unknown>;
  const section = depth === 1 && keys.length === 1 &&
    (keys[0] === "results" || keys[0] === "properties");
  const names = Object.keys(record);
  if (walk.completeResults && section && keys[0] === "results") {
    for (let k = names.length - 1; k >= 0; k--) {
      if (record[names[k]] === null) add(walk, "null where a result is required", names[k]);
    }
  }
  for (const key of names) {
    const child = record[key];
    if (child === undefined || child === null) continue;
    const childField = section ? fieldRanges(walk, keys[0] as string, key) : field;
    keys.push(key);
    visit(
      walk,
      child,
      depth + 1,
      childField,
      column,
      freeText || (depth === 0 && FREE_TEXT_KEYS.includes(key)),
    );
    keys.pop();
  }
}

const LINE_BREAKS = { allowLineBreaks: true };
const NO_LINE_BREAKS = { allowLineBreaks: false };

/**
 * The ranges of the field `key` of `section` (`results`, `properties`): its own range is
 * `ranges["section.key"]`, looked up by the key alone in the section's map of the ranges (made
 * once for each set of ranges), without making the name.
 */
function fieldRanges(walk: Walk, section: string, key: string): FieldRanges {
  const range = sectionRanges(walk.ranges, section).get(key);
  return { section, key, name: undefined, range: range ?? ANY_NUMBER_RANGE, columns: [] };
}

/** For each set of ranges, the ranges of each section by key (`results.X` → X). */
const SECTION_RANGES = new WeakMap<object, Map<string, Map<string, PhysicalRange>>>();

function sectionRanges(
  ranges: Readonly<Record<string, PhysicalRange>>,
  section: string,
): ReadonlyMap<string, PhysicalRange> {
  let sections = SECTION_RANGES.get(ranges);
  if (sections === undefined) {
    sections = new Map();
    for (const name of Object.keys(ranges)) {
      const dot = name.indexOf(".");
      if (dot < 0) continue;
      const head = name.slice(0, dot);
      let map = sections.get(head);
      if (map === undefined) sections.set(head, map = new Map());
      map.set(name.slice(dot + 1), ranges[name]);
    }
    SECTION_RANGES.set(ranges, sections);
  }
  return sections.get(section) ?? NO_RANGES;
}

const NO_RANGES: ReadonlyMap<string, PhysicalRange> = new Map();

/** `results.CODE`: the name of a field's ranges (made when a column's range is looked up). */
function nameOf(field: FieldRanges): string {
  return field.name ??= `${field.section}.${field.key}`;
}

/** The range of column `k` of the field's rows: its own, else the field's. */
function columnRange(walk: Walk, field: FieldRanges, k: number): PhysicalRange {
  let range = field.columns[k];
  if (range === undefined) {
    const name = nameOf(field);
    range = walk.ranges[`${name}[${k}]`] ?? walk.ranges[name] ?? ANY_NUMBER_RANGE;
    if (k < 64) field.columns[k] = range;
  }
  return range;
}

/**
 * Throws {@link InputError} naming `source` and every problem of {@link runValueProblems}:
 * the run is neither written nor sent.
 *
 * @example
 * ```ts
 * import { assertSafeRun } from "./guard.ts";
 * assertSafeRun({ testType: "IV_MEASURE", results: { VOLTAGE: [-2], CURRENT: [-0.1] } }, "iv.txt");
 * ```
 */
export function assertSafeRun(run: unknown, source: string, opts: GuardOptions = {}): void {
  const problems = runValueProblems(run, opts);
  if (problems.length === 0) return;
  throw new InputError(
    `${source}: not written and not sent: ${problems.length} value${
      problems.length === 1 ? "" : "s"
    } that cannot be stored`,
    problems,
    { hint: "fix the input (a value out of range, not a number, or a control character)" },
  );
}
