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
import { parseTestLine, TEST_LINE_SHAPE } from "./_dage_test.ts";
import type { DageHeader, DageParseResult, DageTest } from "./dage_types.ts";

export type { DageHeader, DageParseResult, DageTest, Quantity } from "./dage_types.ts";

const INDEX_OF_BAD_LINE = /^\s*"?TEST"?\s*,\s*"?(\d+)"?\s*,/;

/**
 * Parses the text of a DAGE CSV file. Handles LF and CRLF, a byte-order mark, blank lines, one
 * header block per test or per many tests, load units other than grams (converted to grams).
 * Never throws for bad content: see `errors` and `warnings`, and {@link requireTests}.
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
  let currentText = "";
  let blockStart = -1;
  let blockLine = 0;
  let lastIndex: number | undefined;
  let lastIndexLine = 0;
  let lineNo = 0;
  let pos = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const n = text.length;
  while (pos < n) {
    let end = text.indexOf("\n", pos);
    const next = end === -1 ? n : end + 1;
    if (end === -1) end = n;
    const stop = end > pos && text.charCodeAt(end - 1) === 13 ? end - 1 : end;
    lineNo++;
    const kind = lineKind(text, pos, stop);
    if (kind === BLANK) {
      pos = next;
      continue;
    }
    if (kind === HEADER) {
      if (blockStart === -1) {
        blockStart = pos;
        blockLine = lineNo;
      }
      pos = next;
      continue;
    }
    // A TEST line: first close the header block before it, if any.
    if (blockStart !== -1) {
      const blockText = text.slice(blockStart, pos);
      if (current === undefined || blockText !== currentText) {
        current = parseHeaderBlock(text, blockStart, pos, blockLine, file, warnings, memory);
        headers.push(current);
        currentText = blockText;
      }
      blockStart = -1;
    }
    const line = text.slice(pos, stop);
    const r = parseTestLine(line, lineNo, current);
    let index: number | undefined;
    if (r.error !== undefined) {
      errors.push({ path: `${file}:${lineNo}`, message: r.error });
      const m = INDEX_OF_BAD_LINE.exec(line);
      if (m) index = Number(m[1]);
    } else {
      tests.push(r.test);
      index = r.test.index;
    }
    if (index !== undefined) {
      if (lastIndex !== undefined && index !== lastIndex + 1) {
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
    pos = next;
  }
  if (blockStart !== -1) {
    warnings.push({
      path: `${file}:${blockLine}`,
      message: "header block not followed by any TEST line (file cut short?)",
    });
  }
  return { file, tests, headers, warnings, errors };
}

const BLANK = 0;
const HEADER = 1;
const TEST = 2;

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
    : `no valid TEST line found; ${result.errors.length} rejected:\n` +
      result.errors.map((p) => `  ${p.path}: ${p.message}`).join("\n");
  throw new ParseError(result.file, line, detail, {
    hint: `a DAGE export has lines like ${TEST_LINE_SHAPE} after its header lines`,
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
