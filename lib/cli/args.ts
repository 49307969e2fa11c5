/**
 * Command-line flags for the scripts: `node:util` parseArgs with a usage text, `--help`, and
 * user mistakes reported as {@link UsageError} (exit code 2) with a "did you mean" suggestion.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { UsageError } from "../errors.ts";
import type { GivenDate } from "../analysis/run_number.ts";
import { parseUserDate } from "../parsers/date.ts";
import { suggest } from "../suggest.ts";

export { suggest };

/** One flag: `string` takes a value, `boolean` does not; `multiple` may repeat. */
export interface FlagSpec {
  type: "string" | "boolean";
  short?: string;
  multiple?: boolean;
  default?: string | boolean | string[];
}

/** Parsed flags: `--out-dir` is available as `values["out-dir"]`. */
export interface ParsedArgs {
  values: Record<string, string | boolean | string[] | undefined>;
  positionals: string[];
  help: boolean;
}

/**
 * Parses `args` against `flags` (a `--help`/`-h` flag is always added).
 *
 * @example
 * ```ts
 * import { parseFlags } from "./args.ts";
 * const { values } = parseFlags(["--out", "x"], { out: { type: "string" } });
 * console.log(values.out); // "x"
 * ```
 */
export function parseFlags(
  args: string[],
  flags: Record<string, FlagSpec>,
  opts: { positionals?: boolean } = {},
): ParsedArgs {
  const options = { ...flags, help: { type: "boolean", short: "h" } } as Record<
    string,
    FlagSpec
  >;
  try {
    const { values, positionals } = parseArgs({
      args,
      options: options as NonNullable<NonNullable<Parameters<typeof parseArgs>[0]>["options"]>,
      allowPositionals: opts.positionals ?? false,
      strict: true,
    });
    return {
      values: values as ParsedArgs["values"],
      positionals,
      help: Boolean((values as Record<string, unknown>).help),
    };
  } catch (e) {
    throw new UsageError(`${describeParseError(e, Object.keys(options))}; see --help`);
  }
}

/** A parseArgs failure in a user's words: unknown flag (with a suggestion), missing value, … */
export function describeParseError(e: unknown, known: string[]): string {
  const message = e instanceof Error ? e.message : String(e);
  const ambiguous = /Option '(-{1,2}[^']+)' argument is ambiguous/.exec(message);
  if (ambiguous) {
    return `${ambiguous[1]} needs a value (for one starting with "-", write ${ambiguous[1]}=-…)`;
  }
  const missing = /Option '(-{1,2}[^' ]+)(?: <value>)?' argument missing/.exec(message);
  if (missing) return `${missing[1]} needs a value`;
  const unknown = /Unknown option '(-{1,2}[^']+)'/.exec(message);
  if (unknown) {
    const name = unknown[1].replace(/^-+/, "");
    const close = suggest(name, known);
    return `unknown flag ${unknown[1]}${close ? ` (did you mean --${close}?)` : ""}`;
  }
  const positional = /Unexpected argument '([^']+)'/.exec(message);
  if (positional) return `unexpected argument '${positional[1]}'`;
  return message.split("\n")[0].replace(/\. To specify.*$/, "");
}

/** A string flag's value, or a UsageError naming the flag when it is required and absent. */
export function requireString(values: ParsedArgs["values"], name: string): string {
  const v = values[name];
  if (typeof v !== "string" || v === "") throw new UsageError(`--${name} is required`);
  return v;
}

/** An optional number flag, checked: `--concurrency abc` is a UsageError. */
export function numberFlag(
  values: ParsedArgs["values"],
  name: string,
  opts: { min?: number; max?: number; integer?: boolean } = {},
): number | undefined {
  const v = values[name];
  if (v === undefined) return undefined;
  const n = Number(v);
  const bad = typeof v !== "string" || v.trim() === "" || !Number.isFinite(n) ||
    (opts.integer && !Number.isInteger(n)) || (opts.min !== undefined && n < opts.min) ||
    (opts.max !== undefined && n > opts.max);
  if (bad) {
    const range = [
      opts.integer ? "an integer" : "a number",
      opts.min !== undefined ? `≥ ${opts.min}` : "",
      opts.max !== undefined ? `≤ ${opts.max}` : "",
    ].filter(Boolean).join(" ");
    throw new UsageError(`--${name} must be ${range}, got '${String(v)}'`);
  }
  return n;
}

/** The value of a string flag given once (the last one when repeated), or `undefined`. */
export function stringFlag(values: ParsedArgs["values"], name: string): string | undefined {
  const v = values[name];
  if (Array.isArray(v)) return v[v.length - 1];
  return typeof v === "string" ? v : undefined;
}

/**
 * An optional date flag (`--date YYYY-MM-DD` or `YYYY-MM-DDTHH:MM[:SS]`), checked to be a real
 * calendar date: `--date 2018-02-31` is a UsageError.
 *
 * @example
 * ```ts
 * import { dateFlag } from "./args.ts";
 * dateFlag({ date: "2018-10-09" }, "date")?.from; // "--date"
 * ```
 */
export function dateFlag(values: ParsedArgs["values"], name: string): GivenDate | undefined {
  const v = stringFlag(values, name);
  if (v === undefined) return undefined;
  const d = parseUserDate(v);
  if (!d.ok) throw new UsageError(`--${name}: ${d.reason}`);
  return { parts: d.value, from: `--${name}` };
}
