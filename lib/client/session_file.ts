/**
 * The optional session file: keeps the token between runs (like itkdb's `.auth`), readable by
 * the user alone, written atomically.
 *
 * A token is a secret: before a session file is read it is checked as ssh checks its keys
 * (POSIX systems; Windows has no such modes):
 * - a file owned by another user, a link, or anything but a regular file is **refused**: its
 *   token is not used (another user may have planted it), and the user is told to remove it;
 * - a file readable or writable by others (any group/other bit) is **repaired** to mode 0600,
 *   and its token is not used (others may have read it): a new one is obtained and saved;
 * - a folder writable by others (group/other write bit) is **repaired** to mode 0700 when it is
 *   the user's, otherwise **refused** (nothing is read from it or written to it).
 * Each case is said in one warning line; none of them is silent.
 *
 * @module
 */
import { dirname } from "node:path";

/** What the session file holds. */
export interface SavedSession {
  /** The id_token. */
  token: string;
  /** Its expiry, unix seconds. */
  expiresAt: number;
  /** The site it was obtained for. */
  apiUrl: string;
  /** The identity service that issued it. */
  authUrl: string;
}

/** What {@link checkSessionPlace} found: whether the file may be used, and what to tell. */
export interface SessionPlaceCheck {
  /** False when the session must not be read (or, for the folder, written). */
  usable: boolean;
  /** Lines for the user (what was refused or repaired, and what to do). */
  warnings: string[];
}

function mode(n: number | null): string {
  return `0${((n ?? 0) & 0o777).toString(8).padStart(3, "0")}`;
}

/**
 * Checks (and where it is the user's, repairs) the folder of a session file: it must belong to
 * the user (or root) and be writable by nobody else. With `file`, the file too: a regular file
 * of the user's, readable by the user alone. Does nothing on Windows.
 *
 * @example
 * ```ts
 * import { checkSessionPlace } from "./session_file.ts";
 * const { usable } = await checkSessionPlace("/tmp/does-not-exist/session.json", { file: true });
 * usable; // true (nothing there yet)
 * ```
 */
export async function checkSessionPlace(
  path: string,
  opts: { file?: boolean } = {},
): Promise<SessionPlaceCheck> {
  const warnings: string[] = [];
  if (Deno.build.os === "windows") return { usable: true, warnings };
  if (Deno.permissions.querySync({ name: "sys", kind: "uid" }).state !== "granted") {
    warnings.push(
      `session file ${path}: who owns it cannot be checked without --allow-sys=uid: not used`,
    );
    return { usable: false, warnings };
  }
  const uid = Deno.uid();
  if (uid === null) return { usable: true, warnings };
  const dir = dirname(path);
  let dirInfo: Deno.FileInfo | undefined;
  try {
    dirInfo = await Deno.stat(dir);
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  }
  if (dirInfo) {
    const mine = dirInfo.uid === uid;
    if (!mine && dirInfo.uid !== 0) {
      warnings.push(
        `session folder ${dir} belongs to another user (uid ${dirInfo.uid}): refused, the ` +
          `session is neither read nor kept; remove the folder or set ITKPD_NO_SESSION=1`,
      );
      return { usable: false, warnings };
    }
    if ((dirInfo.mode ?? 0) & 0o022) {
      if (!mine) {
        warnings.push(
          `session folder ${dir} is writable by others (mode ${mode(dirInfo.mode)}): refused, ` +
            `the session is neither read nor kept`,
        );
        return { usable: false, warnings };
      }
      await Deno.chmod(dir, 0o700);
      warnings.push(
        `session folder ${dir} was writable by others (mode ${mode(dirInfo.mode)}): ` +
          `repaired, mode set to 0700`,
      );
    }
  }
  if (!opts.file) return { usable: true, warnings };
  let info: Deno.FileInfo;
  try {
    info = await Deno.lstat(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return { usable: true, warnings };
    throw e;
  }
  if (!info.isFile) {
    warnings.push(
      `session file ${path} is ${info.isSymlink ? "a link" : "not a regular file"}: refused, ` +
        `its token is not used; remove it`,
    );
    return { usable: false, warnings };
  }
  if (info.uid !== uid) {
    warnings.push(
      `session file ${path} belongs to another user (uid ${info.uid}): refused, its token is ` +
        `not used (it may have been planted); remove it`,
    );
    return { usable: false, warnings };
  }
  if ((info.mode ?? 0) & 0o077) {
    await Deno.chmod(path, 0o600);
    warnings.push(
      `session file ${path} was readable by others (mode ${mode(info.mode)}): repaired, mode ` +
        `set to 0600; its token is not used (others may have read it), a new one replaces it`,
    );
    return { usable: false, warnings };
  }
  return { usable: true, warnings };
}

/**
 * Reads a session file, after {@link checkSessionPlace}. A missing, unreadable, malformed or
 * refused file gives `undefined` (the client then obtains a new token); `reason` says why, for
 * the verbose log, and `warnings` what the user must be told (refused or repaired).
 *
 * @example
 * ```ts
 * import { readSession } from "./session_file.ts";
 * const { session } = await readSession("/tmp/does-not-exist.json");
 * session; // undefined
 * ```
 */
export async function readSession(
  path: string,
): Promise<{ session?: SavedSession; reason?: string; warnings?: string[] }> {
  let place: SessionPlaceCheck;
  try {
    place = await checkSessionPlace(path, { file: true });
  } catch (error) {
    return { reason: `cannot check the session file: ${(error as Error).name}` };
  }
  if (!place.usable) {
    return { reason: "the session file was refused", warnings: place.warnings };
  }
  const warnings = place.warnings.length ? { warnings: place.warnings } : {};
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) {
      return { reason: "no session file yet", ...warnings };
    }
    return { reason: `cannot read the session file: ${(error as Error).name}`, ...warnings };
  }
  try {
    const value = JSON.parse(text) as Partial<SavedSession>;
    if (
      typeof value.token === "string" && typeof value.expiresAt === "number" &&
      typeof value.apiUrl === "string" && typeof value.authUrl === "string"
    ) {
      return {
        session: {
          token: value.token,
          expiresAt: value.expiresAt,
          apiUrl: value.apiUrl,
          authUrl: value.authUrl,
        },
        ...warnings,
      };
    }
    return { reason: "the session file lacks token, expiresAt, apiUrl or authUrl", ...warnings };
  } catch {
    return { reason: "the session file is not JSON", ...warnings };
  }
}

/**
 * Writes a session file readable and writable by the user alone (mode 0600), atomically:
 * a new temporary file beside it, then a rename over the old one, so that a reader never sees
 * half a file and the token never sits in a file with wider permissions. A folder of another
 * user's, or writable by others and not the user's, is refused (an error, nothing written).
 *
 * @example
 * ```ts
 * import { writeSession } from "./session_file.ts";
 * const path = await Deno.makeTempFile();
 * await writeSession(path, { token: "t", expiresAt: 0, apiUrl: "x/", authUrl: "y/" });
 * await Deno.remove(path);
 * ```
 */
export async function writeSession(path: string, session: SavedSession): Promise<void> {
  const tmp = `${path}.${crypto.randomUUID()}.tmp`;
  // The folder too is the user's alone (created if needed, checked and repaired if not).
  await Deno.mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const place = await checkSessionPlace(path);
  if (!place.usable) throw new Deno.errors.PermissionDenied(place.warnings.join("; "));
  try {
    await Deno.writeTextFile(tmp, JSON.stringify(session) + "\n", {
      mode: 0o600,
      createNew: true,
    });
    if (Deno.build.os !== "windows") await Deno.chmod(tmp, 0o600);
    await Deno.rename(tmp, path);
  } catch (error) {
    await Deno.remove(tmp).catch(() => {});
    throw error;
  }
}
