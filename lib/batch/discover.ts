/**
 * Finding the input files of a batch: a folder walked recursively, or a list of files, each
 * classified by kind (DAGE wire-pull CSV, IV table, filled test-run JSON).
 *
 * @module
 */
import { join, relative, resolve } from "node:path";
import { InputError } from "../errors.ts";

/** The kinds of file a batch takes. */
export type InputKind = "dage" | "iv" | "testrun";

/** One input file. */
export interface InputFile {
  /** Absolute path. */
  path: string;
  /** Path as shown to the user: relative to the batch folder, or as given. */
  display: string;
  kind: InputKind;
}

/** The kind of a file from its name, or undefined when the batch does not take it. */
export function kindOfName(name: string): InputKind | undefined {
  const lower = name.toLowerCase();
  if (lower.endsWith(".csv")) return "dage";
  if (lower.endsWith(".json")) return "testrun";
  if (lower.endsWith(".txt") || lower.endsWith(".dat") || lower.endsWith(".iv")) return "iv";
  return undefined;
}

/**
 * Lists the input files under `dir` (recursively, sorted, hidden entries and the batch's own
 * journal/report files skipped) plus any extra `files`.
 */
export async function discoverInputs(
  dir: string | undefined,
  files: string[] = [],
  ignore: string[] = [],
): Promise<InputFile[]> {
  const out: InputFile[] = [];
  const skip = new Set(ignore.map((p) => resolve(p)));
  if (dir !== undefined) {
    const root = resolve(dir);
    let info: Deno.FileInfo;
    try {
      info = await Deno.stat(root);
    } catch (e) {
      if (e instanceof Deno.errors.NotFound) {
        throw new InputError(`${dir}: no such folder`, [], { hint: "check --dir" });
      }
      throw e;
    }
    if (!info.isDirectory) {
      throw new InputError(`${dir}: not a folder`, [], { hint: "check --dir" });
    }
    for await (const path of walk(root)) {
      if (skip.has(path)) continue;
      const kind = kindOfName(path);
      if (kind) out.push({ path, display: relative(root, path), kind });
    }
  }
  for (const f of files) {
    const path = resolve(f);
    const kind = kindOfName(path);
    if (!kind) {
      throw new InputError(`${f}: not a file kind the batch takes (.csv, .txt/.dat, .json)`);
    }
    out.push({ path, display: f, kind });
  }
  out.sort((a, b) => a.path < b.path ? -1 : a.path > b.path ? 1 : 0);
  return out;
}

async function* walk(dir: string): AsyncGenerator<string> {
  const entries: Deno.DirEntry[] = [];
  for await (const e of Deno.readDir(dir)) entries.push(e);
  entries.sort((a, b) => a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
  for (const e of entries) {
    if (e.name.startsWith(".")) continue;
    const path = join(dir, e.name);
    if (e.isDirectory) yield* walk(path);
    else if (e.isFile) yield path;
  }
}
