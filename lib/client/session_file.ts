/**
 * The optional session file: keeps the token between runs (like itkdb's `.auth`), readable by
 * the user alone, written atomically.
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

/**
 * Reads a session file. A missing, unreadable or malformed file gives `undefined` (the client
 * then obtains a new token); `reason` says why, for the verbose log.
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
): Promise<{ session?: SavedSession; reason?: string }> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return { reason: "no session file yet" };
    return { reason: `cannot read the session file: ${(error as Error).name}` };
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
      };
    }
    return { reason: "the session file lacks token, expiresAt, apiUrl or authUrl" };
  } catch {
    return { reason: "the session file is not JSON" };
  }
}

/**
 * Writes a session file readable and writable by the user alone (mode 0600), atomically:
 * a new temporary file beside it, then a rename over the old one, so that a reader never sees
 * half a file and the token never sits in a file with wider permissions.
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
  // The folder too is the user's alone (created if needed).
  await Deno.mkdir(dirname(path), { recursive: true, mode: 0o700 });
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
