/**
 * Paths given by the user, and how the command was started. `deno task` runs a script in the
 * project folder, not where the user typed the command; it passes that folder as `INIT_CWD`.
 * Relative paths are taken from there, as the user means them. The installed `itkpd` command
 * runs the script in the user's folder and leaves `INIT_CWD` unset: the current folder is then
 * the user's.
 *
 * @module
 */
import { isAbsolute, resolve } from "node:path";

/**
 * `INIT_CWD`: its value when the script may read it and it is set, `""` when the script may
 * read it and it is not set, `undefined` when the script may not read it.
 */
function initCwd(): string | undefined {
  try {
    const granted = Deno.permissions.querySync({ name: "env", variable: "INIT_CWD" });
    if (granted.state === "granted") return Deno.env.get("INIT_CWD") ?? "";
  } catch {
    // Not allowed to ask.
  }
  return undefined;
}

/** The folder the user ran the command in. */
export function userCwd(): string {
  return initCwd() || Deno.cwd();
}

/** `path` made absolute against the user's folder. */
export function userPath(path: string): string {
  return isAbsolute(path) ? path : resolve(userCwd(), path);
}

/**
 * How the user starts the command `name`: `itkpd name` when the installed command started it
 * (the script may read `INIT_CWD` and it is unset), else `deno task name` (`deno task -q name`
 * with `quiet`, for commands whose output the shell reads).
 *
 * @example
 * ```ts
 * import { programName } from "./paths.ts";
 * programName("get-token", { quiet: true }); // "deno task -q get-token" or "itkpd get-token"
 * ```
 */
export function programName(name: string, opts: { quiet?: boolean } = {}): string {
  return initCwd() === "" ? `itkpd ${name}` : `deno task ${opts.quiet ? "-q " : ""}${name}`;
}
