/**
 * The DAGE scanner: the lines of a file, its header blocks and TEST lines, with every problem
 * at its file:line (see `parseDage` in dage.ts, which is this with its documentation).
 *
 * Speed: lines are scanned by hand and header blocks that repeat the previous one verbatim (the
 * usual DAGE layout) are compared as text and shared, not parsed again; lines are split into
 * fields by a fast path for the plain DAGE shape and by papaparse for anything else.
 *
 * @module
 */
import { ParseError, type Problem } from "../errors.ts";
import { type HeaderBlockMemory, parseHeaderBlock } from "./_dage_header.ts";
import { parseTestLine, type PlainLineMemory, readPlainTestLine } from "./_dage_test.ts";
import type { DageHeader, DageParseResult, DageTest } from "./dage_types.ts";
import { LineScanner } from "./_lines.ts";

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
 * Parses the text of a DAGE CSV file (see `parseDage`). With `passOverRepeats`, a header block
 * that repeats the current one verbatim before a TEST line is passed over at once; without, it
 * is read line by line and found equal: the same result, the reference the tests compare with.
 */
export function scanDage(text: string, file: string, passOverRepeats = true): DageParseResult {
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
    if (passOverRepeats && blockStart === -1 && currentLines > 0) {
      // Empty lines before it (DAGE writes one before each block) are passed over first.
      let pos = lines.pos;
      let empty = 0;
      for (;;) {
        const c = text.charCodeAt(pos);
        if (c === 10) pos++;
        else if (c === 13 && text.charCodeAt(pos + 1) === 10) pos += 2;
        else break;
        empty++;
      }
      if (
        text.slice(pos, pos + currentText.length) === currentText &&
        kindAt(text, pos + currentText.length) === TEST
      ) {
        lines.skip(pos - lines.pos + currentText.length, empty + currentLines);
      }
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
  if (startsTest(text, pos) && text.charCodeAt(pos + 6) === 44) return TEST;
  let end = text.indexOf("\n", pos);
  if (end === -1) end = text.length;
  return lineKind(text, pos, end > pos && text.charCodeAt(end - 1) === 13 ? end - 1 : end);
}

/** Classifies the line text[pos, stop): blank, header line, or TEST line (by its first field). */
function lineKind(text: string, pos: number, stop: number): number {
  if (pos === stop) return BLANK;
  if (text.charCodeAt(pos) === 34) {
    return pos + 6 <= stop && startsTest(text, pos) &&
        (pos + 6 === stop || text.charCodeAt(pos + 6) === 44)
      ? TEST
      : HEADER;
  }
  const comma = text.indexOf(",", pos);
  const first = text.slice(pos, comma === -1 || comma > stop ? stop : comma).trim();
  if (first === "") return comma === -1 || comma > stop ? BLANK : HEADER;
  return first.replace(/^"|"$/g, "").trim() === "TEST" ? TEST : HEADER;
}

/** True when `"TEST"` is written at `pos` (what may follow is not looked at). */
function startsTest(text: string, pos: number): boolean {
  return text.charCodeAt(pos) === 34 && text.charCodeAt(pos + 1) === 84 &&
    text.charCodeAt(pos + 2) === 69 && text.charCodeAt(pos + 3) === 83 &&
    text.charCodeAt(pos + 4) === 84 && text.charCodeAt(pos + 5) === 34;
}
