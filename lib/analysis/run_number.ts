/**
 * A deterministic run number and test date from the data of a DAGE file: re-running on the same
 * file with the same settings gives the same run number, so a re-upload is recognised as one;
 * anything that changes the uploaded results gives another.
 *
 * The run number is `YYYYMMDD-HHMMSS-<hash>`: the date used (the first test's DATE/TIME, or
 * the one the user gave) and a hash of
 * - every pull: index, grade code, load as written, its unit, and the bond label;
 * - the grade code → break mode mapping, for the grade codes of the file whose break mode
 *   differs from the default mapping's (the break-mode percentages depend on it);
 * - the original WIREBOND pass cut (`--min-load`) when it is not the original's 15.0 g.
 *
 * With the default mapping and cut nothing is added, so run numbers of existing data stay as
 * they were. Without any date the run number is `undated-<hash>`.
 *
 * @module
 */
import { InputError } from "../errors.ts";
import type { DageParseResult, DageTest } from "../parsers/dage_types.ts";
import {
  compactDate,
  type DateTimeParts,
  isoDate,
  parseDageDate,
  readableDate,
} from "../parsers/date.ts";
import { type BreakModeMapping, DEFAULT_BREAK_MODE_MAPPING } from "./break_modes.ts";
import { fnv1a, FNV_OFFSET, FNV_PRIME, hashHex } from "./_fnv.ts";

/** The original WIREBOND pass cut: a run passed when MIN_LOAD > 15.0 g. */
export const LEGACY_MIN_LOAD = 15.0;

/** The date in a parsed file: the first test's DATE/TIME, where it is written, or why not. */
export interface FileDate {
  /** The date and time, when the file has a valid DATE. */
  parts?: DateTimeParts;
  /** `file:line` of the DATE line. */
  where?: string;
  /** Why the DATE/TIME cannot be used (not a real date), with its place. */
  error?: { path: string; message: string };
}

/** The date of the first test of `parsed` (see {@link FileDate}). */
export function fileDate(parsed: Pick<DageParseResult, "tests" | "file">): FileDate {
  const header = parsed.tests[0]?.header;
  if (header?.date === undefined) return {};
  const line = header.fieldLines?.DATE ?? header.line;
  const where = `${parsed.file}:${line}`;
  const d = parseDageDate(header.date, header.time);
  if (!d.ok) {
    const timeLine = header.fieldLines?.TIME;
    const path = d.reason.startsWith("TIME") && timeLine ? `${parsed.file}:${timeLine}` : where;
    return { where, error: { path, message: d.reason } };
  }
  return { parts: d.value, where };
}

/** Date and time of the first test as text parts, or `undefined` when absent or not valid. */
export function testDateParts(
  parsed: Pick<DageParseResult, "tests">,
): { y: string; mo: string; d: string; h: string; mi: string; s: string } | undefined {
  const p = fileDate({ ...parsed, file: "" }).parts;
  if (!p) return undefined;
  const p2 = (n: number) => String(n).padStart(2, "0");
  return {
    y: String(p.year),
    mo: p2(p.month),
    d: p2(p.day),
    h: p2(p.hour),
    mi: p2(p.minute),
    s: p2(p.second),
  };
}

/**
 * The test date in ITkPD form (`2018-10-09T14:05:32.000Z`) from the first test's DATE
 * (MM/DD/YYYY) and TIME. DAGE files carry no time zone: the machine's wall-clock time is written
 * as if it were UTC. `undefined` when DATE is absent or not a real date.
 *
 * @example
 * ```ts ignore
 * testDate(parseDage(reference)); // "2018-10-09T14:05:32.000Z"
 * ```
 */
export function testDate(parsed: Pick<DageParseResult, "tests">): string | undefined {
  const p = fileDate({ ...parsed, file: "" }).parts;
  return p ? isoDate(p) : undefined;
}

/** The date a run gets, and where it came from (for the summary). */
export interface RunDate {
  /** The date used; absent when there is none (the run is uploaded without a date). */
  parts?: DateTimeParts;
  /** `"file"` (DATE/TIME), `"given"` (`--date`, a manifest), or `"none"`. */
  source: "file" | "given" | "none";
  /** One line for the summary: which date, and from where. */
  description: string;
  /** Things to know: a DATE of the file not used because a date was given. */
  notes: string[];
}

/** A date given by the user: the value, and its origin for messages (`--date`, `m.csv:3`). */
export interface GivenDate {
  parts: DateTimeParts;
  from: string;
}

/**
 * Decides the date of a run: the `given` one (`--date`, a manifest column) when there is one,
 * else the first test's DATE/TIME. Throws {@link InputError} with file:line when the file's
 * DATE/TIME is not a real date and none is given: a date is never dropped or guessed.
 *
 * @example
 * ```ts ignore
 * runDateOf(parsed).description; // "date 2018-10-09 14:05:32 from a.csv:3 (DATE/TIME)"
 * ```
 */
export function runDateOf(
  parsed: Pick<DageParseResult, "tests" | "file">,
  given?: GivenDate,
): RunDate {
  const own = fileDate(parsed);
  if (given) {
    const notes: string[] = [];
    if (own.error) {
      notes.push(`${own.error.path}: ${own.error.message} (not used: the date is given)`);
    } else if (own.parts && isoDate(own.parts) !== isoDate(given.parts)) {
      notes.push(
        `${own.where}: the file's date ${readableDate(own.parts)} is replaced by ` +
          `${readableDate(given.parts)} (${given.from})`,
      );
    }
    return {
      parts: given.parts,
      source: "given",
      description: `date ${readableDate(given.parts)} from ${given.from}`,
      notes,
    };
  }
  if (own.error) {
    throw new InputError(`${own.error.path}: ${own.error.message}`, [], {
      hint: "fix the DATE/TIME line, or give the date with --date YYYY-MM-DD[THH:MM[:SS]]",
    });
  }
  if (own.parts) {
    return {
      parts: own.parts,
      source: "file",
      description: `date ${readableDate(own.parts)} from ${own.where} (DATE/TIME)`,
      notes: [],
    };
  }
  return {
    source: "none",
    description: `no date: ${parsed.file} has no DATE line and no --date was given; the run ` +
      "has no date (its run number starts with undated-)",
    notes: [],
  };
}

/** What else than the pulls makes the results of a run (see the module documentation). */
export interface RunIdentityOptions {
  /** The grade code → break mode mapping in use (default: the default mapping). */
  mapping?: BreakModeMapping;
  /** The original WIREBOND pass cut in use (default {@link LEGACY_MIN_LOAD}). */
  minLoad?: number;
  /**
   * The date used: a date given by the user, or `null` for none; `undefined` takes the
   * file's DATE/TIME.
   */
  date?: DateTimeParts | null;
}

/**
 * The grade codes of the tests whose break mode in `mapping` differs from the default
 * mapping's, as `code→mode` in sorted order (empty for the default mapping).
 */
export function mappingDeviations(
  tests: readonly DageTest[],
  mapping: BreakModeMapping,
): string[] {
  // The default mapping differs from itself nowhere (the usual case: no set to make).
  if (mapping === DEFAULT_BREAK_MODE_MAPPING) return [];
  const codes = new Set<string>();
  for (const t of tests) codes.add(t.gradeCode);
  const out: string[] = [];
  for (const code of [...codes].sort()) {
    const mode = Object.hasOwn(mapping.gradeCodes, code) ? mapping.gradeCodes[code] : undefined;
    const def = Object.hasOwn(DEFAULT_BREAK_MODE_MAPPING.gradeCodes, code)
      ? DEFAULT_BREAK_MODE_MAPPING.gradeCodes[code]
      : undefined;
    if (mode !== def) out.push(`${code}→${mode ?? "?"}`);
  }
  return out;
}

const COMMA = 44;
const NEWLINE = 10;

/**
 * FNV-1a (32 bit) of what makes the results (see the module documentation), as 8 hex digits.
 * Stable across runs and platforms; line ends and header repetitions do not change it.
 */
export function contentHash(
  parsed: Pick<DageParseResult, "tests">,
  opts: Omit<RunIdentityOptions, "date"> = {},
): string {
  let h = FNV_OFFSET;
  // Each test as the line `index,gradeCode,load,unit,label\n`, hashed piece by piece (the same
  // hash, without making the line).
  for (const t of parsed.tests) {
    h = fnv1a(h, String(t.index));
    h = Math.imul(h ^ COMMA, FNV_PRIME);
    h = fnv1a(h, t.gradeCode);
    h = Math.imul(h ^ COMMA, FNV_PRIME);
    h = fnv1a(h, String(t.loadRaw.value));
    h = Math.imul(h ^ COMMA, FNV_PRIME);
    h = fnv1a(h, t.loadRaw.unit);
    h = Math.imul(h ^ COMMA, FNV_PRIME);
    h = fnv1a(h, t.label);
    h = Math.imul(h ^ NEWLINE, FNV_PRIME);
  }
  const deviations = opts.mapping ? mappingDeviations(parsed.tests, opts.mapping) : [];
  if (deviations.length > 0) h = fnv1a(h, `mapping:${deviations.join(";")}\n`);
  if (opts.minLoad !== undefined && opts.minLoad !== LEGACY_MIN_LOAD) {
    h = fnv1a(h, `minLoad:${opts.minLoad}\n`);
  }
  return hashHex(h);
}

/**
 * The run number of a DAGE file (see the module documentation). Throws {@link InputError} when
 * the file's DATE/TIME is not a real date and no date is given.
 *
 * @example
 * ```ts ignore
 * runNumber(parseDage(reference)); // "20181009-140532-xxxxxxxx"
 * ```
 */
export function runNumber(
  parsed: Pick<DageParseResult, "tests"> & { file?: string },
  opts: RunIdentityOptions = {},
): string {
  let date = opts.date;
  if (date === undefined) {
    const own = fileDate({ tests: parsed.tests, file: parsed.file ?? "<input>" });
    if (own.error) {
      throw new InputError(`${own.error.path}: ${own.error.message}`, [], {
        hint: "fix the DATE/TIME line, or give the date with --date YYYY-MM-DD[THH:MM[:SS]]",
      });
    }
    date = own.parts ?? null;
  }
  return datedRunNumber(date, contentHash(parsed, opts));
}

/**
 * A run number from the date used and a hash of the data: `YYYYMMDD-HHMMSS-<hash>`, or
 * `<undated>-<hash>` without a date. The one form of the derived run numbers of every step
 * (wire pulls here, IV curves in `iv.ts`).
 *
 * @example
 * ```ts
 * import { datedRunNumber } from "./run_number.ts";
 * const d = { year: 2024, month: 5, day: 17, hour: 10, minute: 0, second: 0 };
 * datedRunNumber(d, "0badc0de"); // "20240517-100000-0badc0de"
 * datedRunNumber(null, "0badc0de", "iv"); // "iv-0badc0de"
 * ```
 */
export function datedRunNumber(
  date: DateTimeParts | null | undefined,
  hash: string,
  undated = "undated",
): string {
  return date ? `${compactDate(date)}-${hash}` : `${undated}-${hash}`;
}
