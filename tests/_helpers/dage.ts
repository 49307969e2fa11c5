/**
 * Small DAGE wire-pull files written by the tests: one header block (7 lines, so the first TEST
 * line is line 8), then one TEST line per pull.
 *
 * @module
 */
import { parseDage } from "../../lib/parsers/dage.ts";
import type { DageParseResult } from "../../lib/parsers/dage_types.ts";

/** A header block as DAGE writes it (DATE MM/DD/YYYY, loads in g). */
export const DAGE_HEADER = `"TESTER","4000Plus","20001013"\n"DATE","10/09/2018"\n` +
  `"TIME","14:05:32"\n"OPERATOR","Ann"\n"LOADUNIT","g"\n"TESTSPEED",300,"um/s"\n` +
  `"TESTLOAD",15,"g"\n`;

/** One pull: [grade code, load as written, bond label (default `r1 20g`)]. */
export type Pull = [grade: string, load: number | string, label?: string];

/** The text of a DAGE file with `pulls` under `header`. */
export function dageText(pulls: readonly Pull[], header = DAGE_HEADER): string {
  const body = pulls.map(([grade, load, label], i) =>
    `"TEST",${i + 1},"${grade}",${load},0.02,"0","${label ?? "r1 20g"}"`
  ).join("\n");
  return header + body + "\n";
}

/** `pulls` written as a DAGE file named `name`, parsed. */
export function dageFile(pulls: readonly Pull[], name = "w.csv"): DageParseResult {
  return parseDage(dageText(pulls), name);
}

/** `count` copies of `pull`. */
export function times(count: number, pull: Pull): Pull[] {
  return Array.from({ length: count }, () => pull);
}
