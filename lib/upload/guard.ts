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
import { ANY_NUMBER_RANGE, FIELD_RANGES, rangeProblem } from "../schemas/ranges.ts";
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

interface Node {
  value: unknown;
  path: string;
  depth: number;
  /** `results.CODE` / `properties.CODE` when under one. */
  field?: string;
  /** Depth of the field's own value. */
  fieldDepth?: number;
  /** Index within a row (a list inside the field's list). */
  column?: number;
  freeText: boolean;
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
  const problems: Problem[] = [];
  let more = 0;
  const add = (path: string, message: string) => {
    if (problems.length < MAX_GUARD_PROBLEMS) problems.push({ path, message });
    else more++;
  };
  const testType = run && typeof run === "object" && !Array.isArray(run)
    ? (run as Record<string, unknown>).testType
    : undefined;
  const ranges = typeof testType === "string" ? FIELD_RANGES[testType] ?? {} : {};
  const stack: Node[] = [{ value: run, path: "$", depth: 0, freeText: false }];
  while (stack.length > 0) {
    const node = stack.pop()!;
    const { value, path } = node;
    if (typeof value === "number") {
      let range = ANY_NUMBER_RANGE;
      if (node.field) {
        range = (node.column !== undefined ? ranges[`${node.field}[${node.column}]`] : undefined) ??
          ranges[node.field] ?? ANY_NUMBER_RANGE;
      }
      const bad = rangeProblem(value, range);
      if (bad) add(path, bad);
      continue;
    }
    if (typeof value === "string") {
      const unsafe = findUnsafeChar(value, { allowLineBreaks: node.freeText });
      if (unsafe) add(path, `text holding ${unsafe.name}: control characters are not stored`);
      continue;
    }
    if (value === null || typeof value !== "object") {
      if (typeof value === "bigint" || typeof value === "function" || typeof value === "symbol") {
        add(path, `a ${typeof value} is not a JSON value`);
      }
      continue;
    }
    if (node.depth >= MAX_JSON_DEPTH) {
      add(path, `nested deeper than ${MAX_JSON_DEPTH} levels`);
      continue;
    }
    const isArray = Array.isArray(value);
    const entries: [string | number, unknown][] = isArray
      ? (value as unknown[]).map((v, i) => [i, v])
      : Object.entries(value as Record<string, unknown>);
    for (let k = entries.length - 1; k >= 0; k--) {
      const [key, child] = entries[k];
      const childPath = path + jsonPathStep(key);
      if (child === undefined) continue;
      if (child === null) {
        const section = node.depth === 1 ? node.path : "";
        if (isArray) add(childPath, "null where a value is required (in a list)");
        else if (opts.completeResults && section === "$.results") {
          add(childPath, "null where a result is required");
        }
        continue;
      }
      let field = node.field;
      let fieldDepth = node.fieldDepth;
      let column = node.column;
      if (
        node.depth === 1 && !isArray && (path === "$.results" || path === "$.properties")
      ) {
        field = `${path.slice(2)}.${key}`;
        fieldDepth = node.depth + 1;
      } else if (field && fieldDepth !== undefined && node.depth === fieldDepth + 1 && isArray) {
        // An element of a row: a list inside the field's list.
        column = key as number;
      }
      const freeText = node.freeText ||
        (node.depth === 0 && typeof key === "string" && FREE_TEXT_KEYS.includes(key));
      stack.push({
        value: child,
        path: childPath,
        depth: node.depth + 1,
        field,
        fieldDepth,
        column,
        freeText,
      });
    }
  }
  if (more > 0) {
    problems.push({
      path: "$",
      message: `… and ${more.toLocaleString("en")} more values like these`,
    });
  }
  return problems;
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
