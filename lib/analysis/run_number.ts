/**
 * A deterministic run number and test date from the data of a DAGE file: re-running on the same
 * file gives the same run number, so a re-upload can be recognised as one.
 *
 * @module
 */
import type { DageParseResult } from "../parsers/dage_types.ts";

/** Date and time of the first test, or `undefined` when absent or not MM/DD/YYYY + HH:MM[:SS]. */
export function testDateParts(
  parsed: Pick<DageParseResult, "tests">,
): { y: string; mo: string; d: string; h: string; mi: string; s: string } | undefined {
  const header = parsed.tests[0]?.header;
  const date = /^\s*(\d{1,2})\/(\d{1,2})\/(\d{4})\s*$/.exec(header?.date ?? "");
  const time = /^\s*(\d{1,2}):(\d{2})(?::(\d{2}))?\s*$/.exec(header?.time ?? "");
  if (!date || !time) return undefined;
  const [mo, d, y] = [Number(date[1]), Number(date[2]), Number(date[3])];
  const [h, mi, s] = [Number(time[1]), Number(time[2]), Number(time[3] ?? "0")];
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 59) return undefined;
  const p2 = (n: number) => String(n).padStart(2, "0");
  return { y: String(y), mo: p2(mo), d: p2(d), h: p2(h), mi: p2(mi), s: p2(s) };
}

/**
 * The test date in ITkPD form (`2018-10-09T14:05:32.000Z`) from the first test's DATE
 * (MM/DD/YYYY) and TIME. DAGE files carry no time zone: the machine's wall-clock time is written
 * as if it were UTC. `undefined` when DATE or TIME is absent or malformed.
 *
 * @example
 * ```ts ignore
 * testDate(parseDage(reference)); // "2018-10-09T14:05:32.000Z"
 * ```
 */
export function testDate(parsed: Pick<DageParseResult, "tests">): string | undefined {
  const p = testDateParts(parsed);
  return p ? `${p.y}-${p.mo}-${p.d}T${p.h}:${p.mi}:${p.s}.000Z` : undefined;
}

/**
 * FNV-1a (32 bit) of the tests' content (index, grade code, load as written, unit, label), as
 * 8 hex digits. Stable across runs and platforms; line ends and header repetitions do not
 * change it.
 */
export function contentHash(parsed: Pick<DageParseResult, "tests">): string {
  let h = 0x811c9dc5;
  for (const t of parsed.tests) {
    const s = `${t.index},${t.gradeCode},${t.loadRaw.value},${t.loadRaw.unit},${t.label}\n`;
    for (let i = 0; i < s.length; i++) {
      h ^= s.charCodeAt(i);
      h = Math.imul(h, 0x01000193);
    }
  }
  return (h >>> 0).toString(16).padStart(8, "0");
}

/**
 * The run number of a DAGE file: `YYYYMMDD-HHMMSS-<hash>` from the first test's DATE and TIME
 * and {@link contentHash} of the tests (two files written in the same second still differ);
 * `undated-<hash>` when DATE/TIME are absent or malformed.
 *
 * @example
 * ```ts ignore
 * runNumber(parseDage(reference)); // "20181009-140532-xxxxxxxx"
 * ```
 */
export function runNumber(parsed: Pick<DageParseResult, "tests">): string {
  const p = testDateParts(parsed);
  const hash = contentHash(parsed);
  return p ? `${p.y}${p.mo}${p.d}-${p.h}${p.mi}${p.s}-${hash}` : `undated-${hash}`;
}
