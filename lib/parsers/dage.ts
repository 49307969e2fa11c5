/**
 * The DAGE wire-pull CSV parser (SPEC §3): valid tests with their header blocks, and every
 * problem with `file:line`. A bad TEST line is reported and left out, never guessed.
 *
 * Speed: lines are scanned by hand and header blocks that repeat the previous one verbatim (the
 * usual DAGE layout) are compared as text and shared, not parsed again; lines are split into
 * fields by a fast path for the plain DAGE shape and by papaparse for anything else.
 *
 * @module
 */
import { InputError, ParseError, type Problem } from "../errors.ts";
import { type HeaderBlockMemory, parseHeaderBlock } from "./_dage_header.ts";
import {
  parseTestLine,
  type PlainLineMemory,
  readPlainTestLine,
  TEST_LINE_SHAPE,
} from "./_dage_test.ts";
import type { DageHeader, DageParseResult, DageTest } from "./dage_types.ts";
import { LineScanner } from "./_lines.ts";

export type { DageHeader, DageParseResult, DageTest, Quantity } from "./dage_types.ts";

const INDEX_OF_BAD_LINE = /^\s*"?TEST"?\s*,\s*"?(\d{1,15})"?\s*,/;

/**
 * Most TEST lines read from one file: 100,000 (the reference export has 60; a file at the size
 * limit of 16 MiB holds about 30,000 in DAGE's layout). Beyond, the file is refused: whatever
 * the lines hold, parsing one file stays within about 120 MB.
 */
export const MAX_TESTS = 100_000;
/** Rejected lines (and warnings) listed at most; the rest are counted in a last problem. */
export const MAX_LINE_PROBLEMS = 1000;

/**
 * Parses the text of a DAGE CSV file. Handles LF and CRLF, a byte-order mark, blank lines, one
 * header block per test or per many tests, load units other than grams (converted to grams).
 * Bad lines do not throw: see `errors` and `warnings`, and {@link requireTests}. A file beyond
 * the limits ({@link MAX_TESTS} TEST lines, a header block of more than 1000 lines) is refused
 * as a whole with a {@link ParseError}: memory stays bounded whatever the file holds.
 *
 * @example
 * ```ts
 * import { parseDage } from "./dage.ts";
 * const r = parseDage('"LOADUNIT","g"\n"TEST",1,"1",10.5,0.02,"0","r1 20g"\n', "a.csv");
 * r.tests[0].load; // 10.5
 * r.tests[0].header.loadUnit; // "g"
 * ```
 */
export function parseDage(text: string, file = "<input>"): DageParseResult {
  const tests: DageTest[] = [];
  const headers: DageHeader[] = [];
  const warnings: Problem[] = [];
  const errors: Problem[] = [];
  const memory: HeaderBlockMemory = { text, lines: [] };
  let current: DageHeader | undefined;
  // The text of the current header block, and how many lines it spans.
  let currentText = "";
  let currentLines = 0;
  let blockStart = -1;
  let blockLine = 0;
  let lastIndex: number | undefined;
  let lastIndexLine = 0;
  let testLines = 0;
  const dropped = {
    errors: 0,
    warnings: 0,
    lastError: undefined as string | undefined,
    lastWarning: undefined as string | undefined,
  };
  const plainMemory: PlainLineMemory = { gradeCode: "", flag: "", label: "" };
  const lines = new LineScanner(text);
  for (;;) {
    // The usual DAGE layout repeats the whole header block before every TEST line: a block
    // that is the current one again, verbatim and followed by a TEST line, is passed over at
    // once (the same as reading it line by line and finding it equal).
    if (
      blockStart === -1 && currentLines > 0 &&
      text.slice(lines.pos, lines.pos + currentText.length) === currentText &&
      kindAt(text, lines.pos + currentText.length) === TEST
    ) {
      lines.skip(currentText.length, currentLines);
    }
    if (!lines.next()) break;
    const { start, stop } = lines;
    const kind = lineKind(text, start, stop);
    if (kind === BLANK) continue;
    if (kind === HEADER) {
      if (blockStart === -1) {
        blockStart = start;
        blockLine = lines.number;
      }
      continue;
    }
    const lineNo = lines.number;
    // A TEST line: first close the header block before it, if any.
    if (blockStart !== -1) {
      if (
        current === undefined || text.slice(blockStart, start) !== currentText
      ) {
        current = parseHeaderBlock(
          text,
          blockStart,
          start,
          blockLine,
          file,
          warnings,
          memory,
          errors,
        );
        headers.push(current);
        currentText = text.slice(blockStart, start);
        currentLines = lineNo - blockLine;
      }
      blockStart = -1;
    }
    if (++testLines > MAX_TESTS) {
      throw new ParseError(
        file,
        lineNo,
        `more than ${MAX_TESTS.toLocaleString("en")} TEST lines: far more than one module's ` +
          "pull test; the file is not read",
        { hint: "check that this is the right file, or split it" },
      );
    }
    const plain = readPlainTestLine(text, start, stop, lineNo, current, plainMemory);
    let index: number | undefined;
    if (plain !== undefined) {
      tests.push(plain);
      index = plain.index;
    } else {
      const line = text.slice(start, stop);
      const r = parseTestLine(line, lineNo, current);
      if (r.error !== undefined) {
        if (errors.length < MAX_LINE_PROBLEMS) {
          errors.push({ path: `${file}:${lineNo}`, message: r.error });
        } else {
          dropped.errors++;
          dropped.lastError = `${file}:${lineNo}`;
        }
        const m = INDEX_OF_BAD_LINE.exec(line);
        if (m) index = Number(m[1]);
      } else {
        tests.push(r.test);
        index = r.test.index;
      }
    }
    if (index !== undefined) {
      if (
        lastIndex !== undefined && index !== lastIndex + 1 && warnings.length >= MAX_LINE_PROBLEMS
      ) {
        dropped.warnings++;
        dropped.lastWarning = `${file}:${lineNo}`;
      } else if (lastIndex !== undefined && index !== lastIndex + 1) {
        warnings.push({
          path: `${file}:${lineNo}`,
          message: index > lastIndex + 1
            ? `test index jumps from ${lastIndex} (line ${lastIndexLine}) to ${index}: ` +
              `${index - lastIndex - 1} TEST line(s) missing?`
            : `test index ${index} does not follow ${lastIndex} (line ${lastIndexLine})`,
        });
      }
      lastIndex = index;
      lastIndexLine = lineNo;
    }
  }
  if (blockStart !== -1) {
    warnings.push({
      path: `${file}:${blockLine}`,
      message: "header block not followed by any TEST line (file cut short?)",
    });
  }
  capProblems(errors, dropped.errors, dropped.lastError, "rejected lines");
  capProblems(warnings, dropped.warnings, dropped.lastWarning, "warnings");
  return { file, tests, headers, warnings, errors };
}

/** Keeps {@link MAX_LINE_PROBLEMS} problems and counts the others in one last problem. */
function capProblems(
  problems: Problem[],
  droppedBefore: number,
  lastDropped: string | undefined,
  what: string,
): void {
  let extra = droppedBefore;
  let last = lastDropped;
  if (problems.length > MAX_LINE_PROBLEMS) {
    extra += problems.length - MAX_LINE_PROBLEMS;
    last ??= problems[problems.length - 1].path;
    problems.length = MAX_LINE_PROBLEMS;
  }
  if (extra === 0) return;
  problems.push({
    path: last ?? "",
    message: `… and ${extra.toLocaleString("en")} more ${what} (the last here)`,
  });
}

const BLANK = 0;
const HEADER = 1;
const TEST = 2;

/** The kind of the line starting at `pos` (BLANK at the end of the text). */
function kindAt(text: string, pos: number): number {
  if (pos >= text.length) return BLANK;
  let end = text.indexOf("\n", pos);
  if (end === -1) end = text.length;
  return lineKind(text, pos, end > pos && text.charCodeAt(end - 1) === 13 ? end - 1 : end);
}

/** Classifies the line text[pos, stop): blank, header line, or TEST line (by its first field). */
function lineKind(text: string, pos: number, stop: number): number {
  if (pos === stop) return BLANK;
  if (text.charCodeAt(pos) === 34) {
    return text.startsWith('TEST"', pos + 1) &&
        (pos + 6 === stop || text.charCodeAt(pos + 6) === 44)
      ? TEST
      : HEADER;
  }
  const comma = text.indexOf(",", pos);
  const first = text.slice(pos, comma === -1 || comma > stop ? stop : comma).trim();
  if (first === "") return comma === -1 || comma > stop ? BLANK : HEADER;
  return first.replace(/^"|"$/g, "").trim() === "TEST" ? TEST : HEADER;
}

/** A parse result that holds at least one valid test. */
export type DageParseResultWithTests = DageParseResult & { tests: [DageTest, ...DageTest[]] };

/**
 * Returns `result` when it holds at least one valid test; otherwise throws a
 * {@link ParseError} naming the file (and the first rejected line, if any) and listing why
 * each TEST line was rejected.
 *
 * @example
 * ```ts
 * import { parseDage, requireTests } from "./dage.ts";
 * try {
 *   requireTests(parseDage("nothing here\n", "x.csv"));
 * } catch (e) {
 *   (e as Error).message; // "x.csv: no valid TEST line …"
 * }
 * ```
 */
export function requireTests(result: DageParseResult): DageParseResultWithTests {
  if (result.tests.length > 0) return result as DageParseResultWithTests;
  const first = result.errors[0];
  const line = first ? Number(first.path.slice(first.path.lastIndexOf(":") + 1)) : undefined;
  const detail = result.errors.length === 0
    ? "no valid TEST line found (is this a DAGE wire-pull CSV export?)"
    : `no valid TEST line found; ${result.errors.length} line(s) rejected:`;
  throw new ParseError(result.file, line, detail, {
    hint: `a DAGE export has lines like ${TEST_LINE_SHAPE} after its header lines`,
    problems: result.errors,
  });
}

/**
 * Parses and insists on clean data: throws {@link ParseError} when there is no valid test and
 * {@link InputError} (with every problem) when any TEST line was rejected.
 */
export function parseDageStrict(text: string, file = "<input>"): DageParseResultWithTests {
  const result = requireTests(parseDage(text, file));
  if (result.errors.length > 0) {
    throw new InputError(`${file}: ${result.errors.length} TEST line(s) rejected`, result.errors, {
      hint: "fix or remove these lines, or use the non-strict parser to skip them",
    });
  }
  return result;
}

/** The serial number a DAGE file says it belongs to. */
export interface DageSerial {
  /** The `Serial Number` of its header blocks, when one is given (trimmed). */
  serial?: string;
  /** `file:line` of that `Serial Number` line. */
  where?: string;
  /** Header blocks naming different serial numbers (one file, several modules). */
  problems: Problem[];
}

/**
 * The `Serial Number` of a parsed DAGE file: empty fields are ignored; blocks that disagree are
 * problems (each at the line of the differing serial).
 *
 * @example
 * ```ts
 * import { dageSerial, parseDage } from "./dage.ts";
 * const r = parseDage('"Serial Number","20UPGM20000001"\n"LOADUNIT","g"\n"TEST",1,"1",9,0,"0","a"\n', "a.csv");
 * dageSerial(r).serial; // "20UPGM20000001"
 * ```
 */
export function dageSerial(result: Pick<DageParseResult, "file" | "headers">): DageSerial {
  const out: DageSerial = { problems: [] };
  for (const h of result.headers) {
    const serial = h.serialNumber?.trim();
    if (!serial) continue;
    const where = `${result.file}:${h.fieldLines["Serial Number"] ?? h.line}`;
    if (out.serial === undefined) {
      out.serial = serial;
      out.where = where;
    } else if (serial !== out.serial) {
      out.problems.push({
        path: where,
        message: `Serial Number ${JSON.stringify(serial)} differs from ${
          JSON.stringify(out.serial)
        } (${out.where}): one file must hold the pulls of one module`,
      });
    }
  }
  return out;
}
