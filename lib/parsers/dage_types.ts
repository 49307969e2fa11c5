/**
 * Types of a parsed DAGE wire-pull CSV file.
 *
 * @module
 */
import type { Problem } from "../errors.ts";

/** A number with its unit, as written in the file (e.g. `"TESTSPEED",300,"um/s"`). */
export interface Quantity {
  value: number;
  unit: string;
}

/**
 * One header block: the lines before a TEST line. Identical consecutive blocks (the usual case:
 * DAGE repeats the whole header before every TEST line) are one `DageHeader` object, shared by
 * their tests; `line` is where that block first appears.
 */
export interface DageHeader {
  /** 1-based line of the block's first line. */
  line: number;
  /** Every field of the block, unknown keys too: key → the values after the key, as text. */
  fields: Record<string, string[]>;
  /** The 1-based line of each field of `fields`. */
  fieldLines: Record<string, number>;
  /** `TESTER`: machine model and serial, e.g. `["4000Plus", "20001013"]`. */
  tester?: string[];
  /** `DATE` as written (MM/DD/YYYY). */
  date?: string;
  /** `TIME` as written (HH:MM:SS). */
  time?: string;
  /** `TESTGROUP`, e.g. "Destructive Wire Pull". */
  testGroup?: string;
  /** `Serial Number` (often empty). */
  serialNumber?: string;
  /** `OPERATOR`. */
  operator?: string;
  /** `LOADUNIT`: the unit of the loads of the TEST lines (e.g. `g`, `mN`). */
  loadUnit?: string;
  /** `TESTTYPE`, e.g. "Destruct". */
  testType?: string;
  /** `TESTSPEED`, e.g. `{value: 300, unit: "um/s"}`. */
  testSpeed?: Quantity;
  /** `TESTLOAD`, e.g. `{value: 15, unit: "g"}`. */
  testLoad?: Quantity;
  /** `MAXTESTLOAD`, e.g. `{value: 25, unit: "g"}`. */
  maxTestLoad?: Quantity;
  /** `FALLBACK`, e.g. `{value: 30, unit: "%"}`. */
  fallback?: Quantity;
}

/** One valid pull: a TEST line `"TEST",<index>,"<grade code>",<load>,<second>,"<flag>","<label>"`. */
export interface DageTest {
  /** 1-based line in the file. */
  line: number;
  /** The test's index as written. */
  index: number;
  /** The operator's grade code (failure-mode classification), as text, e.g. `"1"`. */
  gradeCode: string;
  /** The load in grams (converted from the block's LOADUNIT). */
  load: number;
  /** The load as written, in the block's LOADUNIT. */
  loadRaw: Quantity;
  /** The fifth field (a number the machine writes beside the load). */
  secondValue: number;
  /** The sixth field as text (the machine's flag, `"0"` in normal pulls). */
  flag: string;
  /** The bond group, e.g. `r1 20g`, without surrounding spaces. */
  label: string;
  /** The header block in effect for this test. */
  header: DageHeader;
}

/** What {@link parseDage} found: valid tests, header blocks, and every problem with file:line. */
export interface DageParseResult {
  /** The file name used in problems. */
  file: string;
  /** Valid tests in file order. */
  tests: DageTest[];
  /** Distinct header blocks in file order. */
  headers: DageHeader[];
  /** Things that do not invalidate a test (missing header fields, gaps in test indices, …). */
  warnings: Problem[];
  /**
   * Lines that were rejected, and why: TEST lines (excluded from `tests`), and header values
   * that would end up in a run and are not valid (a quantity out of range, a DATE that is not a
   * date, a control character in OPERATOR). At most `MAX_LINE_PROBLEMS` are listed; a last one
   * counts the rest.
   */
  errors: Problem[];
}
