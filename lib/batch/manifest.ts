/**
 * The manifest of a batch: which component (and optionally institution, operator, test date)
 * each file belongs to, as CSV (`file,component[,institution][,operator][,date]` with a header
 * line) or JSON (`[{file, component, institution?, operator?, date?}]` or
 * `{"<file>": "<component>"}`). File names are relative to the manifest's folder unless
 * absolute. Every value is checked like any other input: no control characters, and a `date`
 * (`YYYY-MM-DD` or `YYYY-MM-DDTHH:MM[:SS]`) must be a real date; a problem names the manifest's
 * line or JSON path.
 *
 * @module
 */
// @ts-types="npm:@types/papaparse"
import Papa from "papaparse";
import { dirname, resolve } from "node:path";
import { z } from "zod";
import { InputError, type Problem } from "../errors.ts";
import { findUnsafeChar } from "../escape.ts";
import type { GivenDate } from "../analysis/run_number.ts";
import { MAX_INPUT_BYTES, readInputText } from "../io/read_input.ts";
import { parseUserDate } from "../parsers/date.ts";
import { parseJsonDocument } from "../parsers/json.ts";
import { jsonPathStep, problemFromIssue } from "../schemas/mod.ts";

/** What the manifest says of one file. */
export interface ManifestEntry {
  component: string;
  institution?: string;
  operator?: string;
  /** The test date to use instead of the file's own (`date` column). */
  date?: GivenDate;
  /** Where the entry is written (`manifest.csv:3`, `manifest.json $[2]`). */
  where?: string;
  /** The file name as written in the manifest. */
  file?: string;
}

const EntrySchema = z.strictObject({
  file: z.string().min(1),
  component: z.string().min(1),
  institution: z.string().min(1).optional(),
  operator: z.string().min(1).optional(),
  date: z.string().min(1).optional(),
});
const JsonManifestSchema = z.union([
  z.array(EntrySchema),
  z.record(z.string(), z.string().min(1)),
]);

/** Parses a manifest's text; `path` names it in errors and anchors relative file names. */
export function parseManifest(text: string, path: string): Map<string, ManifestEntry> {
  const base = dirname(resolve(path));
  const out = new Map<string, ManifestEntry>();
  const problems: Problem[] = [];
  const add = (
    file: string,
    entry: Omit<ManifestEntry, "date"> & { date?: string },
    where: string,
  ) => {
    for (const [key, value] of Object.entries({ file, ...entry })) {
      if (typeof value !== "string") continue;
      const bad = findUnsafeChar(value);
      if (bad) {
        problems.push({
          path: where,
          message: `${key} contains ${bad.name}: control characters are not accepted`,
        });
        return;
      }
    }
    const { date: dateText, ...rest } = entry;
    let date: GivenDate | undefined;
    if (dateText !== undefined) {
      const d = parseUserDate(dateText);
      if (!d.ok) {
        problems.push({ path: where, message: `date: ${d.reason}` });
        return;
      }
      date = { parts: d.value, from: `${where} (date)` };
    }
    const abs = resolve(base, file);
    if (out.has(abs)) {
      problems.push({ path: where, message: `${JSON.stringify(file)} is listed twice` });
    }
    out.set(abs, { ...rest, ...(date ? { date } : {}), where, file });
  };
  if (path.toLowerCase().endsWith(".json")) {
    const { value: doc, problems: jsonProblems } = parseJsonDocument(text, path);
    if (jsonProblems.length > 0) {
      throw new InputError(
        `${path}: not a manifest`,
        jsonProblems.map((p) => ({ path: `${path} ${p.path}`, message: p.message })),
      );
    }
    const parsed = JsonManifestSchema.safeParse(doc);
    if (!parsed.success) {
      throw new InputError(
        `${path}: not a manifest`,
        parsed.error.issues.map((i) => {
          const p = problemFromIssue(i, doc);
          return { path: `${path} ${p.path}`, message: p.message };
        }),
        { hint: 'use [{"file": "...", "component": "20UPGM2..."}]' },
      );
    }
    if (Array.isArray(parsed.data)) {
      parsed.data.forEach((e, i) => {
        const { file, ...entry } = e;
        add(file, entry, `${path} $[${i}]`);
      });
    } else {
      for (const [file, component] of Object.entries(parsed.data)) {
        add(file, { component }, `${path} $${jsonPathStep(file)}`);
      }
    }
  } else {
    const result = Papa.parse<string[]>(text.replace(/^\uFEFF/, ""), { skipEmptyLines: true });
    const rows = result.data;
    const header = (rows[0] ?? []).map((h) => h.trim().toLowerCase());
    const col = (name: string) => header.indexOf(name);
    if (col("file") < 0 || col("component") < 0) {
      throw new InputError(`${path}:1: the header must name the columns file and component`, [], {
        hint: "e.g. file,component,institution,operator,date",
      });
    }
    rows.slice(1).forEach((row, i) => {
      const line = i + 2;
      const get = (name: string) =>
        (col(name) >= 0 ? row[col(name)]?.trim() : undefined) || undefined;
      const file = get("file");
      const component = get("component");
      if (!file || !component) {
        problems.push({ path: `${path}:${line}`, message: "file and component are required" });
        return;
      }
      add(
        file,
        {
          component,
          institution: get("institution"),
          operator: get("operator"),
          date: get("date"),
        },
        `${path}:${line}`,
      );
    });
  }
  if (problems.length) throw new InputError(`${path}: the manifest has problems`, problems);
  return out;
}

/** Reads and parses a manifest file. */
export async function loadManifest(path: string): Promise<Map<string, ManifestEntry>> {
  const text = await readInputText(path, { what: "manifest", maxBytes: MAX_INPUT_BYTES });
  return parseManifest(text, path);
}
