/**
 * The IV curve table parser: whitespace-separated columns under a header such as
 * `U[V] Imean[uA] Isem[uA]` (voltage, mean current, and optionally its standard error of the
 * mean). Units are read from the header, never assumed.
 *
 * Lines starting with `#` before the column header are the file's header: `# Key: value` (or
 * `# Key = value`) lines give the conditions of the measurement, read by their key in any
 * case, a unit in brackets after the key or after the value:
 *
 * ```
 * # Operator: Jane Doe
 * # Temperature [C]: -20.5
 * # Humidity: 35 %
 * U[V]  Imean[uA]  Isem[uA]
 * ```
 *
 * `operator` (or `user`), `temperature` (or `temp`) and `humidity` (or `rh`) are kept as
 * written, with their line ({@link IvHeader}); the step checks them. Other `#` lines are
 * comments.
 *
 * @module
 */
import { ParseError, type Problem } from "../errors.ts";
import { findUnsafeChar } from "../escape.ts";
import { LineScanner, parseDecimal } from "./_lines.ts";

/** Most rows read from one IV table: 100,000 (a scan has about a hundred). */
export const MAX_IV_ROWS = 100_000;
/** Rejected rows listed at most; the rest are counted in a last problem. */
export const MAX_IV_PROBLEMS = 1000;

/** One line of a table: its 1-based number and its text. */
interface Line {
  number: number;
  text: string;
}

/** The non-blank lines of `text`, one at a time (no array of every line is built). */
function* nonBlankLines(text: string): Generator<Line> {
  const lines = new LineScanner(text);
  while (lines.next()) {
    if (!lines.blank()) yield { number: lines.number, text: lines.text() };
  }
}

/** Units of the columns, as written in the header (e.g. `V`, `uA`). */
export interface IvUnits {
  voltage: string;
  current: string;
  /** Unit of the `Isem` column; absent when the table has no third column. */
  sem?: string;
}

/** A value of the file's header, as written. */
export interface IvHeaderValue {
  /** The value, trimmed (without a unit written after the key). */
  text: string;
  /** The unit written in brackets after the key (`Temperature [C]: …`), if any. */
  unit?: string;
  /** 1-based line. */
  line: number;
}

/** The conditions the file's header gives (see the module documentation). */
export interface IvHeader {
  operator?: IvHeaderValue;
  temperature?: IvHeaderValue;
  humidity?: IvHeaderValue;
}

/** The keys of the header, by the words that name them. */
const HEADER_KEYS: Record<string, keyof IvHeader> = {
  operator: "operator",
  user: "operator",
  temperature: "temperature",
  temp: "temperature",
  humidity: "humidity",
  rh: "humidity",
  "relative humidity": "humidity",
};

const HEADER_LINE = /^#\s*([A-Za-z][A-Za-z ]*?)\s*(?:\[([^\]]{1,8})\])?\s*[:=]\s*(.*)$/;

/** An IV table read: one entry per valid row, and every rejected row with `file:line`. */
export interface IvParseResult {
  file: string;
  /** The conditions given in the file's header (`#` lines before the columns). */
  header: IvHeader;
  /** 1-based line of the header. */
  headerLine: number;
  /** Column names as written, e.g. `["U", "Imean", "Isem"]`. */
  columns: string[];
  units: IvUnits;
  voltage: number[];
  current: number[];
  /** Standard error of the mean current; empty when the table has no third column. */
  sem: number[];
  /** 1-based line of each valid row. */
  lines: number[];
  /** Rows that were rejected (left out), and why. */
  errors: Problem[];
}

const COLUMN = /^([A-Za-z_][A-Za-z0-9_]*)\[([^\]]*)\]$/;

/**
 * Parses an IV table. Throws {@link ParseError} when the header is missing or not of the
 * form `U[V] Imean[uA] [Isem[uA]]`, or when no row is valid; bad rows are reported in
 * `errors` (with `file:line`) and left out.
 *
 * @example
 * ```ts
 * import { parseIv } from "./iv.ts";
 * const iv = parseIv("U[V]\tImean[uA]\tIsem[uA]\n0.0\t-0.1\t0.01\n-2.0\t-0.2\t0.01\n", "iv.txt");
 * iv.voltage; // [0, -2]
 * iv.units.current; // "uA"
 * ```
 */
export function parseIv(text: string, file = "<input>"): IvParseResult {
  const lines = nonBlankLines(text);
  const header: IvHeader = {};
  let first = lines.next();
  while (!first.done && first.value.text.trimStart().startsWith("#")) {
    readHeaderLine(first.value, header, file);
    first = lines.next();
  }
  if (first.done) throw new ParseError(file, undefined, "empty file: no IV table");
  const head = first.value;
  // Tabs separate the columns; any other control character is refused.
  const unsafe = findUnsafeChar(head.text.trim(), { allowLineBreaks: true });
  if (unsafe) {
    throw new ParseError(
      file,
      head.number,
      `the header contains ${unsafe.name}: control characters are not accepted`,
    );
  }
  const names = head.text.trim().split(/\s+/);
  const cols = names.map((c) => COLUMN.exec(c));
  const hint = "the first line must be a header like `U[V] Imean[uA] Isem[uA]`";
  if (cols.length < 2 || cols.length > 3 || cols.some((c) => c === null)) {
    throw new ParseError(
      file,
      head.number,
      `not an IV table header: ${JSON.stringify(head.text.trim())}`,
      { hint },
    );
  }
  const [u, i, s] = cols as RegExpExecArray[];
  if (!/^(U|V|Voltage)$/i.test(u[1]) || !/^I/i.test(i[1]) || (s && !/^I?(sem|err)/i.test(s[1]))) {
    throw new ParseError(
      file,
      head.number,
      `unexpected IV columns ${names.join(" ")} (expected voltage, current, optional sem)`,
      { hint },
    );
  }
  const result: IvParseResult = {
    file,
    header,
    headerLine: head.number,
    columns: cols.map((c) => (c as RegExpExecArray)[1]),
    units: s ? { voltage: u[2], current: i[2], sem: s[2] } : { voltage: u[2], current: i[2] },
    voltage: [],
    current: [],
    sem: [],
    lines: [],
    errors: [],
  };
  let dropped = 0;
  let lastDropped = "";
  const reject = (where: string, message: string) => {
    if (result.errors.length < MAX_IV_PROBLEMS) result.errors.push({ path: where, message });
    else {
      dropped++;
      lastDropped = where;
    }
  };
  let rows = 0;
  for (const { number, text: line } of lines) {
    if (++rows > MAX_IV_ROWS) {
      throw new ParseError(
        file,
        number,
        `more than ${MAX_IV_ROWS.toLocaleString("en")} rows: not one IV scan; the file is not read`,
        { hint: "check that this is the right file" },
      );
    }
    const parts = line.trim().split(/\s+/);
    const where = `${file}:${number}`;
    if (parts.length !== cols.length) {
      reject(
        where,
        `row has ${parts.length} value(s), expected ${cols.length} (${names.join(" ")})`,
      );
      continue;
    }
    const values = parts.map(parseDecimal);
    const bad = values.findIndex((v) => v === undefined || !Number.isFinite(v));
    if (bad !== -1) {
      const shown = parts[bad].length > 24
        ? `${JSON.stringify(parts[bad].slice(0, 20))}… (${parts[bad].length} characters)`
        : JSON.stringify(parts[bad]);
      reject(
        where,
        `${names[bad]} value ${shown} is ${
          values[bad] === undefined ? "not a number" : "too large to be a finite number"
        }`,
      );
      continue;
    }
    result.voltage.push(values[0] as number);
    result.current.push(values[1] as number);
    if (s) result.sem.push(values[2] as number);
    result.lines.push(number);
  }
  if (dropped > 0) {
    result.errors.push({
      path: lastDropped,
      message: `… and ${dropped.toLocaleString("en")} more rejected rows (the last here)`,
    });
  }
  if (result.voltage.length === 0) {
    const first = result.errors[0];
    throw new ParseError(
      file,
      first ? Number(first.path.slice(first.path.lastIndexOf(":") + 1)) : undefined,
      `no valid IV row` +
        (first ? ` (${result.errors.length} rejected; first: ${first.message})` : ""),
    );
  }
  return result;
}

/** Reads one `#` line of the header into `header` (a comment when its key is not one). */
function readHeaderLine(line: Line, header: IvHeader, file: string): void {
  const m = HEADER_LINE.exec(line.text.trim());
  const key = m ? HEADER_KEYS[m[1].toLowerCase().replace(/\s+/g, " ")] : undefined;
  if (!m || !key) return;
  const unsafe = findUnsafeChar(m[3], { allowLineBreaks: false });
  if (unsafe) {
    throw new ParseError(
      file,
      line.number,
      `the ${key} contains ${unsafe.name}: control characters are not accepted`,
    );
  }
  const before = header[key];
  if (before) {
    throw new ParseError(
      file,
      line.number,
      `the ${key} is given twice (line ${before.line} and here): give it once`,
    );
  }
  header[key] = { text: m[3].trim(), line: line.number, ...(m[2] ? { unit: m[2].trim() } : {}) };
}
