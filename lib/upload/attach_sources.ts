/**
 * The source files of a run attached to it: the raw DAGE export or IV table a step read (or
 * the files given to `upload-test-results --attach`), so that the raw file travels with its
 * result.
 *
 * - **Before the run is created**, every file is checked ({@link readSources}): a regular file,
 *   no larger than the binary store's limit (the client's `maxAttachmentBytes`, 64 MiB). A file
 *   above it is refused in one line and nothing is sent: a run is never created without the
 *   file it was to carry because the file could never be attached. (The real ITkPD keeps larger
 *   files on CERN EOS, which this toolkit cannot reach.)
 * - **After**, each file is attached at most once ({@link attachSources}, through
 *   {@link attachOnce}): a file of the same name and content already on the run is not sent
 *   again, so running the same step again completes what a crash or a failed attachment left
 *   undone and attaches nothing twice. A try the site failed (dropped, 5xx) is made again, up to
 *   {@link ATTACH_ATTEMPTS} tries, each looking first.
 * - A failed attachment never undoes the run: it is said on its own line, and the same command
 *   run again attaches the file.
 *
 * @module
 */
import { basename } from "node:path";
import type { ItkpdClient } from "../client/client.ts";
import { InputError, NetworkError, ServerError, TimeoutError } from "../errors.ts";
import { escapeControls } from "../escape.ts";
import { readInputBytes } from "../io/read_input.ts";
import { attachOnce } from "./attach_once.ts";
import { isPermissionError } from "./files.ts";

/** The description stored with a source file (its content hash is appended). */
export const SOURCE_DESCRIPTION = "source file of this test run (itkpd)";

/** A file to attach: its path, and its name as the user wrote it (for messages). */
export interface SourceFile {
  path: string;
  /** As typed (default: the path). */
  name?: string;
}

/** A source file read and checked, ready to attach. */
export interface ReadySource {
  path: string;
  /** As shown in messages. */
  name: string;
  /** The attachment's file name (the base name of the path). */
  filename: string;
  data: Uint8Array;
}

/** What became of one source file. */
export interface SourceOutcome {
  /** The file as shown. */
  file: string;
  /** The attachment's file name. */
  filename: string;
  bytes: number;
  runId: string;
  /** `attached` now, `present` (already on the run: not sent again), or `failed`. */
  status: "attached" | "present" | "failed";
  /** The attachment's code (not for a failure). */
  code?: string;
  /** Why it failed (one line). */
  error?: string;
  /** The kind of failure (the error's name, e.g. `NetworkError`, `TimeoutError`). */
  errorType?: string;
}

/**
 * A size for people, in the units of the file managers: `812 B`, `2.1 kB`, `3.4 MB`.
 *
 * @example
 * ```ts
 * import { formatSize } from "./attach_sources.ts";
 * formatSize(2118); // "2.1 kB"
 * ```
 */
export function formatSize(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  if (bytes < 1000 * 1000) return `${Number((bytes / 1000).toFixed(1))} kB`;
  return `${Number((bytes / 1e6).toFixed(1))} MB`;
}

/** The one line refusing a file above the limit. */
function tooLarge(name: string, size: number, limit: number, skip: string): InputError {
  const max = limit >= 2 ** 20 ? `${Number((limit / 2 ** 20).toFixed(1))} MiB` : formatSize(limit);
  return new InputError(
    `${name}: ${formatSize(size)}, above the binary store's limit of ${max} for one ` +
      `attachment; nothing was sent, no run was created`,
    [],
    {
      hint: `ITkPD keeps larger files on CERN EOS, which this toolkit cannot reach: attach a ` +
        `compressed copy, or ${skip}`,
    },
  );
}

/**
 * Checks, without reading them, that `files` can be attached: each a regular file within
 * `limit` bytes. Throws an {@link InputError} of one line for the first that cannot (`skip`
 * says how to go without it, e.g. `upload without it (--no-attach)`).
 *
 * @example
 * ```ts ignore
 * checkAttachable([{ path: "big.root" }], client.maxAttachmentBytes);
 * // InputError: big.root: 70.2 MB, above the binary store's limit of 64 MiB for one attachment; …
 * ```
 */
export function checkAttachable(
  files: readonly SourceFile[],
  limit: number,
  skip = "upload without it (--no-attach)",
): void {
  for (const f of files) {
    const name = f.name ?? f.path;
    let info: Deno.FileInfo;
    try {
      info = Deno.statSync(f.path);
    } catch (e) {
      if (isPermissionError(e)) throw e;
      const why = e instanceof Deno.errors.NotFound ? "no such file" : (e as Error).message;
      throw new InputError(`${name}: cannot read the file to attach (${why})`, [], {
        hint: "check the path (relative paths are taken from the folder you ran the command in)",
      });
    }
    if (!info.isFile) {
      throw new InputError(`${name}: cannot attach it: only regular files are attached`);
    }
    if (info.size > limit) throw tooLarge(name, info.size, limit, skip);
  }
}

/**
 * Reads the files to attach, after {@link checkAttachable}: call it before the run is created,
 * so that a file that cannot be attached stops the step with nothing sent.
 */
export async function readSources(
  files: readonly SourceFile[],
  limit: number,
  skip?: string,
): Promise<ReadySource[]> {
  checkAttachable(files, limit, skip);
  const out: ReadySource[] = [];
  for (const f of files) {
    const name = f.name ?? f.path;
    const data = await readInputBytes(f.path, { what: "file to attach", name, maxBytes: limit });
    out.push({ path: f.path, name, filename: basename(f.path), data });
  }
  return out;
}

/**
 * Attaches each source file to run `runId` at most once (see the module doc). Never throws for
 * one file's failure: it is in its outcome (a missing permission is thrown as it is).
 */
export async function attachSources(
  client: ItkpdClient,
  runId: string,
  sources: readonly ReadySource[],
): Promise<SourceOutcome[]> {
  const out: SourceOutcome[] = [];
  for (const s of sources) {
    const base = { file: s.name, filename: s.filename, bytes: s.data.byteLength, runId };
    for (let attempt = 1;; attempt++) {
      try {
        const done = await attachOnce(client, runId, { name: s.filename, data: s.data }, {
          description: SOURCE_DESCRIPTION,
        });
        out.push({ ...base, status: done.attached ? "attached" : "present", code: done.code });
        break;
      } catch (e) {
        if (isPermissionError(e)) throw e;
        // Tried again only when the site failed: each try looks on the run before sending.
        if (attempt < ATTACH_ATTEMPTS && transient(e)) continue;
        out.push({
          ...base,
          status: "failed",
          error: oneLine(e),
          ...(e instanceof Error ? { errorType: e.name } : {}),
        });
        break;
      }
    }
  }
  return out;
}

/**
 * Tries of one file when the site failed it (a dropped connection, a 5xx): safe, since each try
 * first looks whether the file is on the run already. A timeout is not tried again: a site that
 * does not answer would hold the step for several time limits.
 */
export const ATTACH_ATTEMPTS = 3;

function transient(e: unknown): boolean {
  if (e instanceof TimeoutError) return false;
  return e instanceof NetworkError || (e instanceof ServerError && e.status >= 500);
}

/**
 * The line that says what became of one source file. `wasThere`: the run was already in
 * ITkPD before this command (a re-run), so a file attached now was missing from it.
 *
 * @example
 * ```ts
 * import { describeSource } from "./attach_sources.ts";
 * describeSource({ file: "a.csv", filename: "a.csv", bytes: 2118, runId: "r1", status: "attached" });
 * // "attached a.csv (2.1 kB) to run r1"
 * ```
 */
export function describeSource(o: SourceOutcome, opts: { wasThere?: boolean } = {}): string {
  const name = escapeControls(o.filename);
  switch (o.status) {
    case "attached":
      return `attached ${name} (${formatSize(o.bytes)}) to run ${o.runId}` +
        (opts.wasThere ? " (it was missing from the run already in ITkPD)" : "");
    case "present":
      return `${name} already attached to run ${o.runId} (same name and content); not sent again`;
    case "failed":
      return `error: ${name} was not attached to run ${o.runId}: ${o.error} (the run stays ` +
        `created; run the same command again to attach it)`;
  }
}

/** An error's message on one line (what to do is said by {@link describeSource}). */
function oneLine(e: unknown): string {
  return e instanceof Error ? e.message.split("\n")[0] : String(e);
}
