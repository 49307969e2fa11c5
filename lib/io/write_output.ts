/**
 * Writing an output file (test-run JSON, prototypes, plots, the batch report) so that nothing
 * is ever half-written and nothing is claimed that is not so:
 *
 * - **atomically**: the text goes to a temporary file in the same folder, is flushed to the disk
 *   (`fsync`), then renamed over the target. On a full disk, a read-only folder or any other
 *   fault the temporary file is removed, the previous file stays exactly as it was, and one
 *   {@link OutputError} names the path and the cause.
 * - **one rule for symbolic links**: an output path that is a link is replaced by the new file;
 *   the file the link pointed to is never written through.
 * - **no silent overwrite**: an existing file with other content is refused unless `overwrite`
 *   is set (the scripts' `--force`); an existing file with the same content is left as it is
 *   (`unchanged`), so running the same command again is harmless.
 *
 * The file-system calls go through {@link OutputFs}, so that storage faults can be tested
 * without root (see `tests/io/write_output_test.ts`).
 *
 * @module
 */
import { basename, dirname, join } from "node:path";
import { OutputError } from "../errors.ts";

/** The file-system calls of {@link writeOutputFile}: Deno's, or a test's. */
export interface OutputFs {
  /** Like `Deno.lstat`. */
  lstat(path: string): Promise<Deno.FileInfo>;
  /** Reads a file's bytes (to compare with the new content); at most `max` bytes. */
  readFile(path: string, max: number): Promise<Uint8Array | undefined>;
  /** Creates `path` (it must not exist), writes `data`, flushes it to the disk, closes it. */
  writeNew(path: string, data: Uint8Array): Promise<void>;
  /** Like `Deno.rename`: replaces `to` (a link itself, never its target). */
  rename(from: string, to: string): Promise<void>;
  /** Like `Deno.remove`. */
  remove(path: string): Promise<void>;
  /** Flushes a folder's entries to the disk (best effort). */
  syncDir(path: string): Promise<void>;
}

/** {@link OutputFs} over Deno's file system. */
export const denoOutputFs: OutputFs = {
  lstat: (path) => Deno.lstat(path),
  async readFile(path, max) {
    const info = await Deno.stat(path);
    if (!info.isFile || info.size > max) return undefined;
    return await Deno.readFile(path);
  },
  async writeNew(path, data) {
    const file = await Deno.open(path, { write: true, createNew: true, mode: 0o644 });
    try {
      let at = 0;
      while (at < data.length) at += await file.write(data.subarray(at));
      await file.sync();
    } finally {
      file.close();
    }
  },
  rename: (from, to) => Deno.rename(from, to),
  remove: (path) => Deno.remove(path),
  async syncDir(path) {
    try {
      const dir = await Deno.open(path, { read: true });
      try {
        await dir.sync();
      } finally {
        dir.close();
      }
    } catch {
      // Not every system lets a folder be opened and flushed; the rename is done either way.
    }
  },
};

/** Options of {@link writeOutputFile}. */
export interface WriteOutputOptions {
  /** Replace an existing file whose content differs (the scripts' `--force`). Default false. */
  overwrite?: boolean;
  /** The file-system calls (default {@link denoOutputFs}). */
  fs?: OutputFs;
  /** What is written, for messages (`"test-run JSON"`). */
  what?: string;
}

/** What {@link writeOutputFile} did. */
export type WriteStatus = "created" | "replaced" | "unchanged";

/** True for the errors Deno throws when a permission is missing. */
function isPermissionError(e: unknown): boolean {
  return e instanceof Deno.errors.NotCapable;
}

/** The cause of a storage fault in words. */
export function describeStorageFault(e: unknown): string {
  const text = (e instanceof Error ? e.message : String(e)).split("\n")[0];
  if (/os error 28\b|no space left/i.test(text)) return "the disk is full (no space left)";
  if (/os error 30\b|read-only file system/i.test(text)) return "the file system is read-only";
  if (/os error 122\b|quota/i.test(text)) return "the disk quota is exceeded";
  if (e instanceof Deno.errors.PermissionDenied) return `the folder is not writable (${text})`;
  if (e instanceof Deno.errors.NotFound) return "its folder does not exist";
  return text;
}

const encoder = new TextEncoder();

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** What a write would do: the plan of one output, checked before anything is written. */
export interface OutputPlan {
  path: string;
  data: Uint8Array;
  /** What will happen: a new file, a replaced one, or nothing (same content already there). */
  status: WriteStatus;
}

/**
 * Checks that `content` may be written to `path` without writing anything: throws
 * {@link OutputError} for a folder in its place, or an existing file with other content when
 * `overwrite` is not set.
 */
async function checkOutputFile(
  path: string,
  content: string | Uint8Array,
  opts: WriteOutputOptions = {},
): Promise<OutputPlan> {
  const fs = opts.fs ?? denoOutputFs;
  const data = typeof content === "string" ? encoder.encode(content) : content;
  let existing: Deno.FileInfo | undefined;
  try {
    existing = await fs.lstat(path);
  } catch (e) {
    if (isPermissionError(e)) throw e;
    if (!(e instanceof Deno.errors.NotFound)) {
      throw new OutputError(path, `cannot be written: ${describeStorageFault(e)}`);
    }
  }
  if (!existing) return { path, data, status: "created" };
  if (existing.isDirectory) {
    throw new OutputError(path, "is a folder: give a file name", {
      hint: "name the file to write, e.g. --out DIR/name.json",
    });
  }
  if (opts.overwrite) return { path, data, status: "replaced" };
  let before: Uint8Array | undefined;
  try {
    before = existing.isFile ? await fs.readFile(path, data.length) : undefined;
  } catch (e) {
    if (isPermissionError(e)) throw e;
  }
  if (before && sameBytes(before, data)) return { path, data, status: "unchanged" };
  throw new OutputError(
    path,
    `already exists${existing.isSymlink ? " (a link)" : ""} with other content; not overwritten`,
    { hint: "give another name (--out), or --force to replace it" },
  );
}

/**
 * Carries out a checked {@link OutputPlan}: temporary file in the same folder, flushed, renamed
 * over the target (a link there is replaced, not written through). On failure the temporary
 * file is removed, the previous file is intact, and {@link OutputError} names the path.
 */
async function commitOutputFile(
  plan: OutputPlan,
  opts: Pick<WriteOutputOptions, "fs"> = {},
): Promise<WriteStatus> {
  if (plan.status === "unchanged") return plan.status;
  const fs = opts.fs ?? denoOutputFs;
  const { path, data } = plan;
  const folder = dirname(path);
  const tmp = join(folder, `.${basename(path)}.${Deno.pid}-${crypto.randomUUID().slice(0, 8)}.tmp`);
  try {
    await fs.writeNew(tmp, data);
    await fs.rename(tmp, path);
  } catch (e) {
    await fs.remove(tmp).catch(() => {});
    if (isPermissionError(e)) throw e;
    throw new OutputError(
      path,
      `cannot be written: ${describeStorageFault(e)}; ` +
        (plan.status === "replaced" ? "the previous file is unchanged" : "nothing was written"),
      { cause: e, hint: "free some space or write elsewhere (--out), then run again" },
    );
  }
  await fs.syncDir(folder);
  return plan.status;
}

/**
 * Writes `content` to `path` atomically (see the module documentation). Returns what was done.
 * Throws {@link OutputError} (the previous file intact) when it cannot be written, and when a
 * file with other content is there and `overwrite` is not set. A missing Deno permission is
 * rethrown unchanged.
 *
 * @example
 * ```ts
 * import { writeOutputFile } from "./write_output.ts";
 * const dir = await Deno.makeTempDir();
 * await writeOutputFile(`${dir}/run.json`, "{}\n"); // "created"
 * await writeOutputFile(`${dir}/run.json`, "{}\n"); // "unchanged"
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function writeOutputFile(
  path: string,
  content: string | Uint8Array,
  opts: WriteOutputOptions = {},
): Promise<WriteStatus> {
  return await commitOutputFile(await checkOutputFile(path, content, opts), opts);
}

/**
 * Writes several outputs: every one is checked first (a refused one stops all before anything
 * is written), then each is written atomically.
 *
 * @example
 * ```ts ignore
 * await writeOutputFiles([{ path: "run.json", content: json }, { path: "loads.svg", content: svg }]);
 * ```
 */
export async function writeOutputFiles(
  files: readonly { path: string; content: string | Uint8Array }[],
  opts: WriteOutputOptions = {},
): Promise<WriteStatus[]> {
  const plans: OutputPlan[] = [];
  for (const f of files) plans.push(await checkOutputFile(f.path, f.content, opts));
  const out: WriteStatus[] = [];
  for (const plan of plans) out.push(await commitOutputFile(plan, opts));
  return out;
}
