/**
 * Reading one DAGE header block (the key/value lines before a TEST line).
 *
 * @module
 */
import { ParseError, type Problem } from "../errors.ts";
import { findUnsafeChar, type UnsafeChar } from "../escape.ts";
import {
  LOAD_RANGE,
  PERCENT_RANGE,
  type PhysicalRange,
  rangeProblem,
  SPEED_RANGE,
} from "../schemas/ranges.ts";
import { parseCsvLine } from "./_csv.ts";
import { isBlank, LineScanner, parseDecimal } from "./_lines.ts";
import { parseClockTime, parseDageDate } from "./date.ts";
import type { DageHeader, Quantity } from "./dage_types.ts";
import { forceToGrams } from "./units.ts";

/** Most lines in one header block (a DAGE header has about 25). */
export const MAX_HEADER_LINES = 1000;

/** Header fields whose text ends up in a test run: a control character in them is an error. */
const RUN_FIELDS = new Set(["TESTER", "DATE", "TIME", "Serial Number", "OPERATOR", "LOADUNIT"]);

/** The quantities of a header, their ranges, and whether the value is a force. */
const QUANTITIES: Record<string, { range: PhysicalRange; force?: boolean }> = {
  TESTSPEED: { range: SPEED_RANGE },
  TESTLOAD: { range: LOAD_RANGE, force: true },
  MAXTESTLOAD: { range: LOAD_RANGE, force: true },
  FALLBACK: { range: PERCENT_RANGE },
};

/** One line of the previous block: where it was in the text, and what it held. */
interface BlockLine {
  start: number;
  end: number;
  number: number;
  entry: Entry | undefined; // undefined: blank line
}

/**
 * A header line read: its key and values, or why it cannot be read. What follows from the line
 * alone is worked out once per entry, however many blocks (and files) hold the line: the first
 * unsafe character of its values, and its value as a quantity.
 */
type Entry = {
  key: string;
  values: string[];
  error?: undefined;
  /** The first character of its values that a value must not hold (null: none). */
  unsafe: UnsafeChar | null;
  /** The entry as a quantity (for the keys of {@link QUANTITIES}), once asked for. */
  quantity?: QuantityRead;
} | { error: string };

/** A quantity's value read from its line: the value and unit, or why it is refused (no place). */
type QuantityRead = { value: number; unit: string; message?: undefined } | { message: string };

function readEntry(line: string): Entry | undefined {
  if (isBlank(line)) return undefined;
  const parsed = parseCsvLine(line);
  if (parsed.error !== undefined) {
    return { error: `header line cannot be read: ${parsed.error}; line ignored` };
  }
  const key = parsed.fields[0].trim();
  if (key === "") return { error: "header line without a key; ignored" };
  const values = parsed.fields.slice(1);
  let unsafe: UnsafeChar | null = null;
  for (const v of values) {
    const bad = findUnsafeChar(v);
    if (bad) {
      unsafe = bad;
      break;
    }
  }
  return { key, values, unsafe };
}

/** The quantity of the entry of `key` (one of {@link QUANTITIES}), read once per entry. */
function quantityOf(key: string, entry: Entry & { error?: undefined }): QuantityRead {
  if (entry.quantity !== undefined) return entry.quantity;
  const values = entry.values;
  const raw = (values[0] ?? "").trim();
  const shown = raw.length > 24 ? `${JSON.stringify(raw.slice(0, 20))}…` : JSON.stringify(raw);
  const value = parseDecimal(raw);
  let read: QuantityRead;
  if (value === undefined) {
    read = { message: `${key} value ${shown} is not a number` };
  } else {
    const unit = (values[1] ?? "").trim();
    const spec = QUANTITIES[key];
    const inUnits = spec.force ? forceToGrams(value, unit) ?? value : value;
    const bad = Number.isFinite(value)
      ? rangeProblem(inUnits, spec.range)
      : "too large to be a finite number";
    read = bad
      ? { message: `${key} value ${shown}${unit ? ` ${unit}` : ""} refused: ${bad}` }
      : { value, unit };
  }
  entry.quantity = read;
  return read;
}

/**
 * The lines of the last header block read from any file, as copies of their text (nothing of
 * a file's text is kept once it is parsed) with their entries: the files of a batch differ in
 * a few header lines (serial number, date, time), and only those are read again. Lines longer
 * than {@link MAX_SHARED_LINE} are neither kept nor compared.
 */
let sharedLines: (SharedLine | undefined)[] = [];

/** A header line kept across files: its text (a copy) and its entry. */
interface SharedLine {
  text: string;
  entry: Entry | undefined;
}

/** The longest header line kept across files (a DAGE header line is under 60 characters). */
const MAX_SHARED_LINE = 256;

/** A copy of `text` that shares no memory with the string it was cut from. */
function detached(text: string): string {
  return JSON.parse(JSON.stringify(text));
}

/**
 * The lines of the last block read, so that the next block, which usually differs in a line or
 * two (e.g. TIME), re-reads only the lines that changed.
 */
export interface HeaderBlockMemory {
  text: string;
  lines: BlockLine[];
}

/** True when text[aStart, aEnd) and text[bStart, bEnd) hold the same characters. */
function sameSpan(text: string, aStart: number, aEnd: number, bStart: number, bEnd: number) {
  if (aEnd - aStart !== bEnd - bStart) return false;
  for (let i = 0; i < aEnd - aStart; i++) {
    if (text.charCodeAt(aStart + i) !== text.charCodeAt(bStart + i)) return false;
  }
  return true;
}

/** Header fields whose absence is reported (the analysis uses them). */
const EXPECTED_FIELDS = ["DATE", "TIME", "OPERATOR", "LOADUNIT", "TESTSPEED", "TESTLOAD"];

/**
 * Parses the header block `text` whose first line is `firstLine`. A value that ends up in a
 * test run and is not valid (a quantity that is not a finite number in its range, a DATE that is
 * not a real date, a control character in OPERATOR, …) goes to `errors` with its file:line;
 * other header problems go to `warnings` (a missing LOADUNIT makes the tests under it
 * unreadable, which the TEST line check reports). Throws {@link ParseError} for a block of more
 * than {@link MAX_HEADER_LINES} lines (not a DAGE header).
 */
export function parseHeaderBlock(
  text: string,
  start: number,
  stop: number,
  firstLine: number,
  file: string,
  warnings: Problem[],
  memory?: HeaderBlockMemory,
  errors: Problem[] = warnings,
): DageHeader {
  let fields: Record<string, string[]> = {};
  // The entry of each field in `fields` (what was worked out from its line).
  let entryOf = new Map<string, Entry & { error?: undefined }>();
  const previous = memory?.text === text ? memory.lines : [];
  const shared = sharedLines;
  const nextShared: (SharedLine | undefined)[] = [];
  const lines: BlockLine[] = [];
  // The first and the last line of each key in the whole block (a key repeated after a reset
  // is said at its first line; a field's place is its last line).
  const firstOf = new Map<string, number>();
  const lastOf = new Map<string, number>();
  const scanner = new LineScanner(text, start, stop, firstLine);
  while (scanner.next()) {
    const { start: pos, stop: lineEnd, number } = scanner;
    if (number - firstLine >= MAX_HEADER_LINES) {
      throw new ParseError(
        file,
        firstLine,
        `more than ${MAX_HEADER_LINES} header lines before a TEST line: not a DAGE export ` +
          "(or a damaged one); the file is not read",
      );
    }
    const old = previous[lines.length];
    let entry: Entry | undefined;
    if (old !== undefined && sameSpan(text, pos, lineEnd, old.start, old.end)) {
      entry = old.entry;
      nextShared.push(shared[lines.length]);
    } else if (lineEnd - pos > MAX_SHARED_LINE) {
      entry = readEntry(text.slice(pos, lineEnd));
      nextShared.push(undefined);
    } else {
      let known = shared[lines.length];
      const line = text.slice(pos, lineEnd);
      if (known === undefined || line !== known.text) {
        const own = detached(line);
        known = { text: own, entry: readEntry(own) };
      }
      entry = known.entry;
      nextShared.push(known);
    }
    lines.push({ start: pos, end: lineEnd, number, entry });
    if (entry === undefined) continue;
    if (entry.error !== undefined) {
      warnings.push({ path: `${file}:${number}`, message: entry.error });
      continue;
    }
    const key = entry.key;
    if (!firstOf.has(key)) firstOf.set(key, number);
    lastOf.set(key, number);
    if (Object.hasOwn(fields, key)) {
      warnings.push({
        path: `${file}:${number}`,
        message: `${key} appears again (first on line ${firstOf.get(key)}) without a TEST ` +
          "line between: a TEST line missing? The header lines before this one are ignored",
      });
      fields = {};
      entryOf = new Map();
    }
    fields[key] = entry.values;
    entryOf.set(key, entry);
  }
  sharedLines = nextShared;
  const at = (key: string) => `${file}:${lastOf.get(key)}`;
  const quantity = (key: string): Quantity | undefined => {
    const entry = entryOf.get(key);
    if (entry === undefined) return undefined;
    const read = quantityOf(key, entry);
    if (read.message !== undefined) {
      errors.push({ path: at(key), message: read.message });
      return undefined;
    }
    return { value: read.value, unit: read.unit };
  };
  for (const key of Object.keys(fields)) {
    const bad = entryOf.get(key)!.unsafe;
    if (!bad) continue;
    const problem = {
      path: at(key),
      message: `${key} contains ${bad.name}: control characters are not accepted`,
    };
    if (RUN_FIELDS.has(key)) errors.push(problem);
    else warnings.push(problem);
  }
  if (fields.DATE !== undefined) {
    const time = fields.TIME?.[0];
    const d = parseDageDate(fields.DATE[0] ?? "", time);
    if (!d.ok) {
      const timeFault = d.reason.startsWith("TIME");
      errors.push({ path: at(timeFault ? "TIME" : "DATE"), message: d.reason });
    }
  } else if (fields.TIME !== undefined) {
    const t = parseClockTime(fields.TIME[0] ?? "");
    if (!t.ok) errors.push({ path: at("TIME"), message: `TIME ${t.reason}` });
  }
  const loadUnit = fields.LOADUNIT?.[0]?.trim();
  const fieldLines: Record<string, number> = {};
  for (const key of Object.keys(fields)) fieldLines[key] = lastOf.get(key)!;
  const header: DageHeader = {
    line: firstLine,
    fields,
    fieldLines,
    tester: fields.TESTER,
    date: fields.DATE?.[0],
    time: fields.TIME?.[0],
    testGroup: fields.TESTGROUP?.[0],
    serialNumber: fields["Serial Number"]?.[0],
    operator: fields.OPERATOR?.[0],
    loadUnit: loadUnit === "" ? undefined : loadUnit,
    testType: fields.TESTTYPE?.[0],
    testSpeed: quantity("TESTSPEED"),
    testLoad: quantity("TESTLOAD"),
    maxTestLoad: quantity("MAXTESTLOAD"),
    fallback: quantity("FALLBACK"),
  };
  if (memory !== undefined) {
    memory.text = text;
    memory.lines = lines;
  }
  let missing: string[] | undefined;
  for (const key of EXPECTED_FIELDS) {
    if (fields[key] === undefined) (missing ??= []).push(key);
  }
  if (missing !== undefined) {
    warnings.push({
      path: `${file}:${firstLine}`,
      message: `header block lacks ${missing.join(", ")}`,
    });
  }
  return header;
}
