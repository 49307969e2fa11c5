/**
 * The flags of a command, declared once: {@link parseFlags} reads the command line against the
 * declaration and gives typed values (no casts in the scripts), and {@link helpText} writes the
 * `--help` text from the same declaration. A mistake is a {@link UsageError} (exit code 2) of
 * one line: an unknown flag or enum value with a "did you mean", a missing value, a value out
 * of range, a missing required flag.
 *
 * Types: `string`, `number` (with `min`, `max`, `integer`), `boolean` (with `--no-x` when
 * `negatable`), `enum` (one of `choices`), `path` (made absolute against the user's folder,
 * see {@link userPath}), `date` (`YYYY-MM-DD` or `YYYY-MM-DDTHH:MM[:SS]`, a real calendar
 * date) and `list` (repeatable; with `commas`, also comma-separated; `of: "path"` for paths).
 * `--name value` and `--name=value` are the same; a value that starts with `-` is written
 * `--name=-x` (a negative number may also follow as the next word). `--help` (or `-h`) anywhere
 * asks for the help, whatever else is on the line.
 *
 * This module imports nothing heavy (the errors, the did-you-mean, the date reader and the
 * path of the user's folder): a script's `--help` costs little more than starting Deno.
 *
 * @example
 * ```ts
 * import { defineFlags, parseFlags } from "./flags.ts";
 * const spec = defineFlags({
 *   input: { type: "list", of: "path", value: "FILE", required: true, help: "a file (repeat)" },
 *   "group-by": { type: "enum", choices: ["label", "grade"], default: "label", help: "grouping" },
 *   "min-load": { type: "number", min: 0, value: "G", help: "a cut in g" },
 *   upload: { type: "boolean", negatable: true, help: "also upload" },
 * });
 * const { flags } = parseFlags(["--input", "/data/a.csv", "--group-by=grade"], spec);
 * flags.input; // ["/data/a.csv"]
 * flags.groupBy; // "grade" (typed "label" | "grade")
 * flags.minLoad; // undefined (typed number | undefined)
 * flags.upload; // false
 * ```
 *
 * @module
 */
import type { GivenDate } from "../analysis/run_number.ts";
import { UsageError } from "../errors.ts";
import { parseUserDate } from "../parsers/date.ts";
import { suggest } from "../suggest.ts";
import { userPath } from "./paths.ts";

/** What every kind of flag may say. */
interface FlagCommon {
  /** The text of `--help` (line breaks kept; continuation lines are indented). */
  help: string;
  /** The name of the value in `--help` and in messages: `FILE`, `N`, `CODE`. */
  value?: string;
  /** A UsageError when the flag is not given. */
  required?: boolean;
  /** A one-letter alias, used as `-x`. */
  short?: string;
  /** A heading in `--help` above this flag and the ones after it. */
  group?: string;
}

/** A text value. */
export interface StringFlag extends FlagCommon {
  type: "string";
  default?: string;
  /** Accept `--x ""` (by default an empty value is refused). */
  allowEmpty?: boolean;
}

/** A number: `--concurrency 8`; checked to be finite and within `min`/`max`. */
export interface NumberFlag extends FlagCommon {
  type: "number";
  default?: number;
  min?: number;
  max?: number;
  /** Only whole numbers. */
  integer?: boolean;
}

/** A switch: `--force`; with `negatable`, `--no-force` too. Never required, false by default. */
export interface BooleanFlag extends Omit<FlagCommon, "value" | "required"> {
  type: "boolean";
  /** Accept `--no-<name>` (false): the last of the two on the line wins. */
  negatable?: boolean;
}

/** One of a list of words: `--group-by label|grade`. */
export interface EnumFlag<C extends string = string> extends FlagCommon {
  type: "enum";
  choices: readonly C[];
  default?: C;
  /** Other words accepted for a choice: `{ bash: "sh" }`. */
  aliases?: Readonly<Record<string, C>>;
  /** Accept the choices in any case. */
  ignoreCase?: boolean;
}

/** A file or folder, made absolute against the user's folder. */
export interface PathFlag extends FlagCommon {
  type: "path";
  default?: string;
  /** Values kept as typed, not made a path (e.g. `:memory:`). */
  literal?: readonly string[];
}

/** A date, `YYYY-MM-DD` or `YYYY-MM-DDTHH:MM[:SS]`, checked to be a real calendar date. */
export interface DateFlag extends FlagCommon {
  type: "date";
}

/** A repeatable flag: every value, in order (an empty list when not given). */
export interface ListFlag extends FlagCommon {
  type: "list";
  /** `path`: each value made absolute as for {@link PathFlag}. Default `string`. */
  of?: "string" | "path";
  /** Also split each value at commas (`--state ready,deleted`). */
  commas?: boolean;
}

/** One flag of a command. */
export type FlagSpec =
  | StringFlag
  | NumberFlag
  | BooleanFlag
  | EnumFlag
  | PathFlag
  | DateFlag
  | ListFlag;

/** Every flag of a command, by its name on the command line (`"run-number"`). */
export type FlagSpecs = Readonly<Record<string, FlagSpec>>;

/** `run-number` → `runNumber`. */
export type CamelCase<S extends string> = S extends `${infer H}-${infer T}`
  ? `${H}${Capitalize<CamelCase<T>>}`
  : S;

type ValueOf<F> = F extends { type: "number" } ? number
  : F extends { type: "boolean" } ? boolean
  : F extends { type: "enum"; choices: readonly (infer C)[] } ? C
  : F extends { type: "list" } ? string[]
  : F extends { type: "date" } ? GivenDate
  : string;

type AlwaysThere<F> = F extends { type: "boolean" } | { type: "list" } ? true
  : F extends { required: true } ? true
  : F extends { default: string | number } ? true
  : false;

/** The parsed values of `S`, by camelCase name, typed from the declaration. */
export type FlagValues<S extends FlagSpecs> = {
  -readonly [K in keyof S & string as CamelCase<K>]: AlwaysThere<S[K]> extends true ? ValueOf<S[K]>
    : ValueOf<S[K]> | undefined;
};

/** What {@link parseFlags} found. */
export interface ParsedFlags<S extends FlagSpecs> {
  /** The typed values. */
  flags: FlagValues<S>;
  /** Words that are not flags (only when the command takes them). */
  positionals: string[];
  /** The flags given on the command line (by their dashed name), e.g. to note an unused one. */
  given: ReadonlySet<string>;
  /** The values as typed, by dashed name (for messages: a file as the user wrote it). */
  raw: Readonly<Record<string, readonly string[]>>;
  /** `--help` or `-h` was given: show the help, do nothing else. */
  help: boolean;
}

/** Options of {@link parseFlags}. */
export interface ParseOptions {
  /** The command takes words that are not flags (default: no, they are a UsageError). */
  positionals?: boolean;
}

/**
 * Declares the flags of a command, keeping their literal types (so that `required: true` and
 * `choices` type the parsed values). The identity at run time.
 */
export function defineFlags<const S extends FlagSpecs>(spec: S): S {
  return spec;
}

const SEE_HELP = "see --help";

function usage(message: string): UsageError {
  return new UsageError(`${message}; ${SEE_HELP}`);
}

/** Whether a word is a flag rather than a value: `--x`, `-x` (not `-`, not `-1`, not `-.5`). */
function looksLikeFlag(word: string): boolean {
  return /^--?[A-Za-z]/.test(word);
}

function camel(name: string): string {
  return name.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

function takesValue(spec: FlagSpec): boolean {
  return spec.type !== "boolean";
}

/** The words the flag's value may be written with, for messages: `--out FILE`. */
function flagWithValue(name: string, spec: FlagSpec): string {
  return takesValue(spec) ? `--${name} ${valueName(spec)}` : `--${name}`;
}

function valueName(spec: FlagSpec): string {
  if ("value" in spec && spec.value) return spec.value;
  switch (spec.type) {
    case "number":
      return "N";
    case "enum":
      return spec.choices.join("|");
    case "path":
      return "PATH";
    case "date":
      return "YYYY-MM-DD";
    default:
      return "VALUE";
  }
}

/**
 * Parses `args` against `spec`. Returns the typed values, or throws a {@link UsageError} of
 * one line ending in "see --help". With `--help`/`-h` anywhere (before `--`), only `help` is
 * meaningful: nothing else is checked.
 *
 * @example
 * ```ts
 * import { defineFlags, parseFlags } from "./flags.ts";
 * const spec = defineFlags({ verbose: { type: "boolean", help: "log more" } });
 * try {
 *   parseFlags(["--verbos"], spec);
 * } catch (e) {
 *   console.log((e as Error).message); // unknown flag --verbos (did you mean --verbose?); see --help
 * }
 * ```
 */
export function parseFlags<const S extends FlagSpecs>(
  args: readonly string[],
  spec: S,
  opts: ParseOptions = {},
): ParsedFlags<S> {
  const raw: Record<string, string[]> = {};
  const booleans: Record<string, boolean> = {};
  const positionals: string[] = [];
  const given = new Set<string>();
  const help = wantsHelp(args);
  if (help) {
    return { flags: {} as FlagValues<S>, positionals, given, raw, help: true };
  }
  const shorts = new Map<string, string>();
  for (const [name, s] of Object.entries(spec)) if (s.short) shorts.set(s.short, name);

  let previousSwitch: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const word = args[i];
    if (word === "--") {
      if (!opts.positionals && i + 1 < args.length) {
        throw usage(`unexpected argument '${args[i + 1]}'`);
      }
      positionals.push(...args.slice(i + 1));
      break;
    }
    if (!looksLikeFlag(word)) {
      if (!opts.positionals) {
        const after = previousSwitch ? ` (--${previousSwitch} takes no value)` : "";
        throw usage(`unexpected argument '${word}'${after}`);
      }
      positionals.push(word);
      previousSwitch = undefined;
      continue;
    }
    previousSwitch = undefined;
    const eq = word.indexOf("=");
    const written = eq >= 0 ? word.slice(0, eq) : word;
    const inline = eq >= 0 ? word.slice(eq + 1) : undefined;
    let name: string;
    let negated = false;
    if (written.startsWith("--")) {
      name = written.slice(2);
      const plain = spec[name];
      if (!plain && name.startsWith("no-")) {
        const base = spec[name.slice(3)];
        if (base?.type === "boolean" && base.negatable) {
          name = name.slice(3);
          negated = true;
        }
      }
    } else {
      const long = shorts.get(written.slice(1));
      if (!long) throw unknownFlag(written, spec);
      name = long;
    }
    const s = spec[name];
    if (!s) throw unknownFlag(written, spec);
    given.add(name);
    if (s.type === "boolean") {
      if (inline !== undefined) throw usage(`${written} takes no value (got '${inline}')`);
      booleans[name] = !negated;
      previousSwitch = name;
      continue;
    }
    let value = inline;
    if (value === undefined) {
      const next = args[i + 1];
      if (next === undefined || next === "--") {
        throw usage(`${written} needs a value (${valueName(s)})`);
      }
      if (looksLikeFlag(next)) {
        throw usage(
          `${written} needs a value (${valueName(s)}); for one starting with "-", write ` +
            `${written}=${next}`,
        );
      }
      value = next;
      i++;
    }
    (raw[name] ??= []).push(value);
  }

  const flags: Record<string, unknown> = {};
  for (const [name, s] of Object.entries(spec)) {
    const key = camel(name);
    if (s.type === "boolean") {
      flags[key] = booleans[name] ?? false;
      continue;
    }
    const values = raw[name];
    if (s.type === "list") {
      const items = (values ?? []).flatMap((v) => s.commas ? v.split(",") : [v])
        .map((v) => s.commas ? v.trim() : v).filter((v) => v !== "" || !s.commas);
      for (const v of items) if (v === "") throw emptyValue(name, s);
      if (s.required && items.length === 0) throw missing(name, s);
      flags[key] = s.of === "path" ? items.map((v) => userPath(v)) : items;
      continue;
    }
    if (values === undefined) {
      if (s.required) throw missing(name, s);
      flags[key] = "default" in s && s.default !== undefined
        ? convert(name, s, String(s.default))
        : undefined;
      continue;
    }
    const distinct = [...new Set(values)];
    if (distinct.length > 1) {
      throw usage(
        `--${name} given ${values.length} times (${
          distinct.map((v) => `'${v}'`).join(", ")
        }); give it once`,
      );
    }
    flags[key] = convert(name, s, distinct[0]);
  }
  return { flags: flags as FlagValues<S>, positionals, given, raw, help: false };
}

/** `--help`/`-h` before any `--`, not as the value of a flag written `--x=--help`. */
function wantsHelp(args: readonly string[]): boolean {
  for (const word of args) {
    if (word === "--") return false;
    if (word === "--help" || word === "-h") return true;
  }
  return false;
}

function unknownFlag(written: string, spec: FlagSpecs): UsageError {
  const name = written.replace(/^-+/, "");
  const base = written.startsWith("--no-") ? spec[name.slice(3)] : undefined;
  if (base?.type === "boolean") {
    return usage(`unknown flag ${written} (--${name.slice(3)} is off unless given)`);
  }
  const known = Object.entries(spec).flatMap(([n, s]) =>
    s.type === "boolean" && s.negatable ? [n, `no-${n}`] : [n]
  );
  const close = suggest(name, [...known, "help"]);
  return usage(`unknown flag ${written}${close ? ` (did you mean --${close}?)` : ""}`);
}

function missing(name: string, s: FlagSpec): UsageError {
  return usage(`${flagWithValue(name, s)} is required`);
}

function emptyValue(name: string, s: FlagSpec): UsageError {
  return usage(`--${name} needs a value (${valueName(s)}), got an empty one`);
}

const NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/** The range a number flag accepts, in words: `an integer from 1 to 64`, `a number ≥ 0.1`. */
export function numberRange(s: Pick<NumberFlag, "min" | "max" | "integer">): string {
  const kind = s.integer ? "an integer" : "a number";
  if (s.min !== undefined && s.max !== undefined) return `${kind} from ${s.min} to ${s.max}`;
  if (s.min !== undefined) return `${kind} ≥ ${s.min}`;
  if (s.max !== undefined) return `${kind} ≤ ${s.max}`;
  return kind;
}

function convert(name: string, s: FlagSpec, value: string): unknown {
  if (value === "" && !(s.type === "string" && s.allowEmpty)) throw emptyValue(name, s);
  switch (s.type) {
    case "string":
      return value;
    case "number": {
      const n = Number(value.trim());
      const ok = NUMBER.test(value.trim()) && Number.isFinite(n) &&
        (!s.integer || Number.isInteger(n)) && (s.min === undefined || n >= s.min) &&
        (s.max === undefined || n <= s.max);
      if (!ok) throw usage(`--${name} must be ${numberRange(s)}, got '${value}'`);
      return n;
    }
    case "enum":
      return choiceOf(name, s, value);
    case "path":
      return s.literal?.includes(value) ? value : userPath(value);
    case "date": {
      const d = parseUserDate(value);
      if (!d.ok) throw usage(`--${name}: ${d.reason}`);
      const { year, month, day, hour, minute, second } = d.value;
      return {
        parts: { year, month, day, hour, minute, second },
        from: `--${name}`,
      } satisfies GivenDate;
    }
    default:
      return value;
  }
}

function choiceOf(name: string, s: EnumFlag, value: string): string {
  const fold = (v: string) => s.ignoreCase ? v.toLowerCase() : v;
  const exact = s.choices.find((c) => fold(c) === fold(value));
  if (exact !== undefined) return exact;
  const alias = Object.entries(s.aliases ?? {}).find(([a]) => fold(a) === fold(value));
  if (alias) return alias[1];
  const words = [...s.choices, ...Object.keys(s.aliases ?? {})];
  const close = suggest(fold(value), words.map(fold));
  const named = close === undefined ? undefined : words.find((w) => fold(w) === close);
  const list = s.choices.length === 2 ? s.choices.join(" or ") : `one of ${s.choices.join(", ")}`;
  return fail(
    `--${name} must be ${list}, got '${value}'${named ? ` (did you mean ${named}?)` : ""}`,
  );
}

function fail(message: string): never {
  throw usage(message);
}

/** A command's `--help`: what it is for, its flags and what to know after. */
export interface HelpSpec {
  /** How the command is run: `deno task upload-iv-curve`, `itkpd upload-iv-curve`. */
  program: string;
  /**
   * The forms of the command line after `program`; default: the required flags, then
   * `[options]`.
   */
  usage?: readonly string[];
  /** Paragraphs after the usage line. */
  description?: string;
  /** Text after the options (exit codes, environment, …). */
  epilog?: string;
}

const LEFT_WIDTH = 22;

/**
 * The help text of a command, generated from its flags: the usage line(s), the description,
 * every flag with its value name and help (grouped under headings where the spec says), the
 * `-h, --help` line, and the epilog.
 *
 * @example
 * ```ts
 * import { defineFlags, helpText } from "./flags.ts";
 * const spec = defineFlags({
 *   out: { type: "path", value: "FILE", required: true, help: "where to write" },
 * });
 * helpText(spec, { program: "itkpd demo" }).split("\n")[0]; // "Usage: itkpd demo --out FILE [options]"
 * ```
 */
export function helpText(spec: FlagSpecs, h: HelpSpec): string {
  const forms = h.usage ?? [defaultUsage(spec)];
  const head = forms.length === 1
    ? [`Usage: ${h.program} ${forms[0]}`.trimEnd()]
    : ["Usage:", ...forms.map((f) => `  ${h.program} ${f}`.trimEnd())];
  const lines = [...head];
  if (h.description) lines.push("", h.description.trimEnd());
  lines.push("", "Options:");
  for (const [name, s] of Object.entries(spec)) {
    if (s.group) lines.push("", `${s.group}:`);
    const short = s.short ? `-${s.short}, ` : "";
    const negation = s.type === "boolean" && s.negatable ? `--[no-]${name}` : `--${name}`;
    const left = `  ${short}${negation}${takesValue(s) ? ` ${valueName(s)}` : ""}`;
    lines.push(...optionLines(left, s.help));
  }
  lines.push(...optionLines("  -h, --help", "show this help"));
  if (h.epilog) lines.push("", h.epilog.trimEnd());
  return lines.join("\n");
}

function defaultUsage(spec: FlagSpecs): string {
  const required = Object.entries(spec).filter(([, s]) => "required" in s && s.required)
    .map(([n, s]) => flagWithValue(n, s));
  return [...required, "[options]"].join(" ");
}

function optionLines(left: string, help: string): string[] {
  const [first, ...rest] = help.split("\n");
  const pad = " ".repeat(LEFT_WIDTH + 1);
  const out = left.length < LEFT_WIDTH
    ? [`${left.padEnd(LEFT_WIDTH)} ${first}`]
    : [left, `${pad}${first}`];
  for (const line of rest) out.push(`${pad}${line.trimStart()}`);
  return out;
}
