/**
 * Finding the input files of a batch: a folder walked recursively, or a list of files, each
 * classified by kind (DAGE wire-pull CSV, IV table, filled test-run JSON).
 *
 * @module
 */
import { join, relative, resolve, sep } from "node:path";
import { InputError, UsageError } from "../errors.ts";
import { escapeControls } from "../escape.ts";

/** The kinds of file a batch takes. */
export type InputKind = "dage" | "iv" | "testrun";

/** One input file of a batch, classified by its kind (a single step's file is a NamedInputFile). */
export interface BatchInputFile {
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
 * The names of the files a batch writes into its folder (each run's report, the registration
 * file of the modules not registered): `batch-report-2026-11-29T19-54-49Z.json`,
 * `batch-unregistered-2026-11-29T19-54-49Z-2.json`. The walk never takes them as input.
 */
const BATCH_OUTPUT_NAME =
  /^batch-(?:report|unregistered)-\d{4}-\d\d-\d\dT\d\d-\d\d-\d\dZ(?:-\d+)?\.json$/;

/**
 * Whether a file name is one the batch writes (a report, a registration file).
 *
 * @example
 * ```ts
 * import { isBatchOutputName } from "./discover.ts";
 * isBatchOutputName("batch-report-2026-11-29T19-54-49Z.json"); // true
 * isBatchOutputName("20UPGM20000001.json"); // false
 * ```
 */
export function isBatchOutputName(name: string): boolean {
  return BATCH_OUTPUT_NAME.test(name);
}

/** A file or folder the walk did not take, and why. */
export interface SkippedEntry {
  /** Where it is, as shown to the user (relative to the batch folder). */
  display: string;
  reason: string;
}

/**
 * Lists the input files under `dir` (recursively, sorted, hidden entries, the batch's own
 * journal/report files and {@link isBatchOutputName the files it writes} skipped) plus any extra `files`. Symbolic links are followed, to files
 * and to folders, wherever they point; a folder already walked (a loop, or two links to one
 * folder) is not walked again and a file reached twice is taken once: each such entry, and a
 * link that points nowhere, is given to `onSkip` with the reason. A FIFO, socket or device
 * with an input's name is listed, so that the batch reports it as one invalid item.
 */
export async function discoverInputs(
  dir: string | undefined,
  files: string[] = [],
  ignore: string[] = [],
  onSkip: (entry: SkippedEntry) => void = () => {},
): Promise<BatchInputFile[]> {
  const out: BatchInputFile[] = [];
  const skip = new Set(ignore.map((p) => resolve(p)));
  const seenFiles = new Map<string, string>();
  // `real`: the file's real path when the walk knows it (an entry that is not a link, in a folder
  // whose real path is known); else asked for, with one synchronous call (the asynchronous form
  // costs more in hand-offs between threads than the call itself).
  const take = (path: string, display: string, known?: string) => {
    let real = known ?? path;
    if (known === undefined) {
      try {
        real = Deno.realPathSync(path);
      } catch { /* a path that cannot be resolved is taken as it is */ }
    }
    const before = seenFiles.get(real);
    if (before !== undefined) {
      onSkip({ display, reason: `the same file as ${before} (reached through a link)` });
      return;
    }
    seenFiles.set(real, display);
    out.push({ path, display, kind: kindOfName(path)! });
  };
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
      throw new UsageError(
        `--dir ${dir}: a file, not a folder: --dir takes a folder (give one file with --file)`,
      );
    }
    // A path under the root is shown from the root: relative(root, path), without its cost.
    const under = root.endsWith(sep) ? root : root + sep;
    const shown = (path: string) =>
      escapeControls(path.startsWith(under) ? path.slice(under.length) : relative(root, path));
    const realRoot = await Deno.realPath(root);
    for await (const entry of walk(root, realRoot, new Set([realRoot]), shown)) {
      if ("reason" in entry) {
        onSkip(entry);
        continue;
      }
      if (skip.has(entry.path) || !kindOfName(entry.path)) continue;
      take(entry.path, shown(entry.path), entry.real);
    }
  }
  for (const f of files) {
    const path = resolve(f);
    const kind = kindOfName(path);
    if (!kind) {
      throw new InputError(`${f}: not a file kind the batch takes (.csv, .txt/.dat, .json)`);
    }
    take(path, escapeControls(f));
  }
  return sortedBy(out, (f) => f.path);
}

/**
 * `items` in the order of their keys, compared as strings are by `<` (UTF-16 code units); the
 * keys are distinct (names in one folder, absolute paths). The sort of the keys is the engine's
 * own, without a comparison function called from it for every pair.
 */
function sortedBy<T>(items: readonly T[], key: (item: T) => string): T[] {
  const byKey = new Map<string, T>();
  for (const item of items) byKey.set(key(item), item);
  if (byKey.size !== items.length) {
    return [...items].sort((a, b) => key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0);
  }
  return [...byKey.keys()].sort().map((k) => byKey.get(k)!);
}

/**
 * Every file (any entry that is not a folder) under `dir`, following links; `walked` holds the
 * real paths of the folders entered, so that none is entered twice. `realDir` is the real path
 * of `dir`: an entry that is not a link is `realDir` and its name, without asking the system;
 * a file's real path is given when known so.
 */
async function* walk(
  dir: string,
  realDir: string,
  walked: Set<string>,
  shown: (path: string) => string,
): AsyncGenerator<{ path: string; real?: string } | SkippedEntry> {
  const found: Deno.DirEntry[] = [];
  for await (const e of Deno.readDir(dir)) found.push(e);
  for (const e of sortedBy(found, (e) => e.name)) {
    if (e.name.startsWith(".") || isBatchOutputName(e.name)) continue;
    const path = join(dir, e.name);
    let isDirectory = e.isDirectory;
    if (e.isSymlink) {
      try {
        isDirectory = (await Deno.stat(path)).isDirectory;
      } catch (err) {
        if (err instanceof Deno.errors.NotCapable) throw err;
        yield { display: shown(path), reason: "a link to nothing (its target does not exist)" };
        continue;
      }
    }
    if (isDirectory) {
      const real = e.isSymlink ? await Deno.realPath(path) : join(realDir, e.name);
      if (walked.has(real)) {
        yield {
          display: shown(path),
          reason: "a link to a folder already walked (a loop, or a second way to it): not " +
            "walked again",
        };
        continue;
      }
      walked.add(real);
      yield* walk(path, real, walked, shown);
    } else {
      yield e.isSymlink ? { path } : { path, real: join(realDir, e.name) };
    }
  }
}
