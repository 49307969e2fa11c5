/**
 * The manifest of a batch: which component (and optionally institution, operator) each file
 * belongs to, as CSV (`file,component[,institution][,operator]` with a header line) or JSON
 * (`[{file, component, institution?, operator?}]` or `{"<file>": "<component>"}`). File names
 * are relative to the manifest's folder unless absolute.
 *
 * @module
 */
// @ts-types="npm:@types/papaparse"
import Papa from "papaparse";
import { dirname, resolve } from "node:path";
import { z } from "zod";
import { InputError, type Problem } from "../errors.ts";
import { jsonPath } from "../schemas/mod.ts";

/** What the manifest says of one file. */
export interface ManifestEntry {
  component: string;
  institution?: string;
  operator?: string;
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
  const add = (file: string, entry: ManifestEntry, where: string) => {
    const abs = resolve(base, file);
    if (out.has(abs)) problems.push({ path: where, message: `${file} is listed twice` });
    out.set(abs, { ...entry, where, file });
  };
  if (path.toLowerCase().endsWith(".json")) {
    let doc: unknown;
    try {
      doc = JSON.parse(text);
    } catch (e) {
      throw new InputError(`${path}: not valid JSON: ${(e as Error).message}`);
    }
    const parsed = JsonManifestSchema.safeParse(doc);
    if (!parsed.success) {
      throw new InputError(
        `${path}: not a manifest`,
        parsed.error.issues.map((i) => ({
          path: `${path} ${jsonPath(i.path)}`,
          message: i.message,
        })),
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
        add(file, { component }, `${path} $.${file}`);
      }
    }
  } else {
    const result = Papa.parse<string[]>(text.replace(/^\uFEFF/, ""), { skipEmptyLines: true });
    const rows = result.data;
    const header = (rows[0] ?? []).map((h) => h.trim().toLowerCase());
    const col = (name: string) => header.indexOf(name);
    if (col("file") < 0 || col("component") < 0) {
      throw new InputError(`${path}:1: the header must name the columns file and component`, [], {
        hint: "e.g. file,component,institution,operator",
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
        { component, institution: get("institution"), operator: get("operator") },
        `${path}:${line}`,
      );
    });
  }
  if (problems.length) throw new InputError(`${path}: the manifest has problems`, problems);
  return out;
}

/** Reads and parses a manifest file. */
export async function loadManifest(path: string): Promise<Map<string, ManifestEntry>> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (e) {
    throw new InputError(`${path}: cannot read the manifest: ${(e as Error).message}`);
  }
  return parseManifest(text, path);
}
