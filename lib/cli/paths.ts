/**
 * Paths given by the user. `deno task` runs a script in the project folder, not where the user
 * typed the command; it passes that folder as `INIT_CWD`. Relative paths are taken from there,
 * as the user means them.
 *
 * @module
 */
import { isAbsolute, resolve } from "node:path";

/** The folder the user ran the command in. */
export function userCwd(): string {
  try {
    const granted = Deno.permissions.querySync({ name: "env", variable: "INIT_CWD" });
    if (granted.state === "granted") {
      const v = Deno.env.get("INIT_CWD");
      if (v) return v;
    }
  } catch {
    // Not allowed to ask: fall back to the process's folder.
  }
  return Deno.cwd();
}

/** `path` made absolute against the user's folder. */
export function userPath(path: string): string {
  return isAbsolute(path) ? path : resolve(userCwd(), path);
}
