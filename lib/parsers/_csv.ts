/**
 * One CSV line to fields: a fast path for the plain shape of DAGE lines (fields either fully
 * quoted without inner quotes, or unquoted), papaparse for everything else (embedded commas or
 * quotes, unterminated quotes).
 *
 * @module
 */
// @ts-types="npm:@types/papaparse"
import Papa from "papaparse";

/** Fields of a line, or why it cannot be read. */
export type CsvLine = { fields: string[]; error?: undefined } | {
  fields?: undefined;
  error: string;
};

/**
 * Splits a plain line without papaparse; `undefined` when the line is not plain (a quote
 * anywhere but around a whole field), which sends it to papaparse.
 */
export function splitPlainCsvLine(line: string): string[] | undefined {
  const parts = line.split(",");
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i];
    const q = p.indexOf('"');
    if (q === -1) continue;
    if (q !== 0 || p.length < 2 || p.indexOf('"', 1) !== p.length - 1) return undefined;
    parts[i] = p.slice(1, -1);
  }
  return parts;
}

/** Reads one CSV line (no line break inside) with papaparse. */
export function parseCsvLineWithPapa(line: string): CsvLine {
  const result = Papa.parse<string[]>(line, {
    delimiter: ",",
    quoteChar: '"',
    header: false,
    skipEmptyLines: false,
  });
  if (result.errors.length > 0) {
    const e = result.errors[0];
    return { error: `${e.message.replace(/\.$/, "")} (${e.code})` };
  }
  return { fields: result.data[0] ?? [] };
}

/** Reads one CSV line: the fast path when it applies, papaparse otherwise. */
export function parseCsvLine(line: string): CsvLine {
  const fields = splitPlainCsvLine(line);
  return fields ? { fields } : parseCsvLineWithPapa(line);
}
