/**
 * Attaching a file to a test run at most once: an attachment with the same file name and the
 * same content already on the run is not sent again, whoever attached it and however often
 * this is called (a re-run of a step, a resumed batch, a retry after a lost answer).
 *
 * ## How "the same content" is told
 * Each attachment made here carries its content's SHA-256 in its description
 * (`sha256:<64 hex>`, after the description asked for). Telling whether a file is already
 * there then costs one read of the run (`getTestRun`): an attachment of the same file name
 * whose description holds the same hash is the same file. An attachment of the same name
 * without any `sha256:` mark (made by another tool) is downloaded once and hashed. One of the
 * same name with another hash is another file: the new content is attached beside it.
 *
 * ## When the answer is lost
 * A write whose outcome is unknown (connection broken after sending, a timeout, a 5xx) is not
 * resent: the run is read again and, if the attachment is there, that is the outcome; if it is
 * not, a `NetworkError` with `maybeSent: false` says so and that calling again is safe.
 *
 * @module
 */
import { basename } from "node:path";
import type { ItkpdClient } from "../client/client.ts";
import type { AttachmentFile } from "../client/commands.ts";
import { InputError, NetworkError, ServerError } from "../errors.ts";
import type { Attachment } from "../schemas/attachment.ts";
import { isPermissionError } from "./files.ts";

/** Options of {@link attachOnce}. */
export interface AttachOnceOptions {
  /** Title of the attachment (default: the file name). */
  title?: string;
  /** Description; the content hash mark is appended to it. */
  description?: string;
  /** Cancels the calls. */
  signal?: AbortSignal;
}

/** What {@link attachOnce} did. */
export type AttachOnceOutcome =
  | { attached: true; code: string; filename: string; sha256: string }
  | { attached: false; code: string; filename: string; sha256: string };

/** The mark of a content hash in an attachment's description. */
const SHA256_MARK = /sha256:([0-9a-f]{64})/;

/**
 * The SHA-256 of some bytes, as 64 lower-case hex characters.
 *
 * @example
 * ```ts
 * import { sha256Hex } from "./attach_once.ts";
 * await sha256Hex(new TextEncoder().encode("abc"));
 * // "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
 * ```
 */
export async function sha256Hex(data: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", data as Uint8Array<ArrayBuffer>);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * The description stored with an attachment of content `sha256`: the given text, then the
 * hash mark.
 *
 * @example
 * ```ts
 * import { describeWithHash } from "./attach_once.ts";
 * describeWithHash("raw DAGE file", "ab".repeat(32)); // "raw DAGE file · sha256:abab…"
 * ```
 */
export function describeWithHash(description: string | undefined, sha256: string): string {
  const mark = `sha256:${sha256}`;
  return description ? `${description} · ${mark}` : mark;
}

/**
 * Attaches `file` (a path, or a name with its bytes) to test run `testRunId` unless the run
 * already has an attachment of the same file name and content. Resolves to what was done and
 * the attachment's code.
 *
 * @example
 * ```ts ignore
 * import { attachOnce } from "./attach_once.ts";
 * const first = await attachOnce(client, runId, "data/20UPGM20000001.csv");  // attached: true
 * const again = await attachOnce(client, runId, "data/20UPGM20000001.csv");  // attached: false
 * console.log(first.code === again.code); // true
 * ```
 */
export async function attachOnce(
  client: ItkpdClient,
  testRunId: string,
  file: string | AttachmentFile,
  opts: AttachOnceOptions = {},
): Promise<AttachOnceOutcome> {
  const given = typeof file === "string" ? await readAttachmentFile(file) : file;
  const sha256 = await sha256Hex(given.data);
  const filename = given.name;
  const found = await findSame(client, testRunId, filename, sha256, opts.signal);
  if (found) return { attached: false, code: found.code, filename, sha256 };
  try {
    const run = await client.createTestRunAttachment({
      testRun: testRunId,
      file: given,
      title: opts.title,
      description: describeWithHash(opts.description, sha256),
    }, { signal: opts.signal });
    const made = (run.attachments ?? []).findLast((a) => sameFile(a, filename, sha256));
    if (!made) {
      throw new ServerError(
        "createTestRunAttachment",
        200,
        {},
        `createTestRunAttachment answered without the new attachment ${filename} on run ${testRunId}`,
      );
    }
    return { attached: true, code: made.code, filename, sha256 };
  } catch (e) {
    if (!outcomeUnknown(e)) throw e;
    // The answer was lost: the attachment may be stored. Look before saying anything.
    const stored = await findSame(client, testRunId, filename, sha256, opts.signal)
      .catch(() => undefined);
    if (stored) return { attached: true, code: stored.code, filename, sha256 };
    throw new NetworkError(
      `${(e as Error).message.split("\n")[0]}; ${filename} is not attached to run ${testRunId}`,
      { cause: e, maybeSent: false, hint: "run the same command again: it is safe" },
    );
  }
}

/**
 * A file to attach, read from `path` (its base name is the attachment's file name). A file
 * that cannot be read is an {@link InputError} naming it; a missing permission stays itself.
 */
async function readAttachmentFile(path: string): Promise<AttachmentFile> {
  try {
    return { name: basename(path), data: await Deno.readFile(path) };
  } catch (e) {
    if (isPermissionError(e)) throw e;
    const reason = e instanceof Deno.errors.NotFound
      ? "no such file"
      : e instanceof Deno.errors.IsADirectory
      ? "it is a folder"
      : (e as Error).message;
    throw new InputError(`${path}: cannot read the file to attach (${reason})`, [], {
      hint: "check the path",
    });
  }
}

/** The run's attachment of this name and content, if there is one. */
async function findSame(
  client: ItkpdClient,
  testRunId: string,
  filename: string,
  sha256: string,
  signal?: AbortSignal,
): Promise<Attachment | undefined> {
  const run = await client.getTestRun({ testRun: testRunId }, { signal });
  const named = (run.attachments ?? []).filter((a) => a.filename === filename && a.type !== "eos");
  const marked = named.find((a) => sameFile(a, filename, sha256));
  if (marked) return marked;
  for (const other of named.filter((a) => !SHA256_MARK.test(a.description ?? ""))) {
    const bytes = await client.getTestRunAttachment({ testRun: testRunId, code: other.code }, {
      signal,
    });
    if (await sha256Hex(bytes) === sha256) return other;
  }
  return undefined;
}

function sameFile(a: Attachment, filename: string, sha256: string): boolean {
  return a.filename === filename && SHA256_MARK.exec(a.description ?? "")?.[1] === sha256;
}

function outcomeUnknown(e: unknown): boolean {
  if (e instanceof NetworkError) return e.maybeSent;
  return e instanceof ServerError && e.status >= 500;
}
