/**
 * Installing and removing the `itkpd` command: the launcher (see `launcher.ts`) written to
 * Deno's global bin folder, `$DENO_INSTALL_ROOT/bin` (default `$HOME/.deno/bin`, where
 * `deno install --global` puts commands), atomically and executable. A file there that is not
 * this launcher is never replaced or removed.
 *
 * @module
 */
import { join } from "node:path";
import { InputError, UsageError } from "../errors.ts";
import { writeOutputFile, type WriteStatus } from "../io/write_output.ts";
import { LAUNCHER_MARK, launcherScript } from "./launcher.ts";
import { readTaskCommands, SUBCOMMANDS, type TaskCommand } from "./tasks.ts";

/** The name of the installed command. */
export const COMMAND_NAME = "itkpd";

/** The environment the install reads (each may be unset). */
export interface InstallEnv {
  DENO_INSTALL_ROOT?: string;
  HOME?: string;
  USERPROFILE?: string;
  PATH?: string;
}

/**
 * Deno's global bin folder: `$DENO_INSTALL_ROOT/bin`, else `$HOME/.deno/bin`.
 *
 * @throws {UsageError} when neither variable is set.
 *
 * @example
 * ```ts
 * import { binFolder } from "./install.ts";
 * binFolder({ HOME: "/home/ann" }); // "/home/ann/.deno/bin"
 * binFolder({ DENO_INSTALL_ROOT: "/opt/deno", HOME: "/home/ann" }); // "/opt/deno/bin"
 * ```
 */
export function binFolder(env: InstallEnv): string {
  if (env.DENO_INSTALL_ROOT) return join(env.DENO_INSTALL_ROOT, "bin");
  const home = env.HOME || env.USERPROFILE;
  if (!home) {
    throw new UsageError(
      "neither DENO_INSTALL_ROOT nor HOME is set: set DENO_INSTALL_ROOT=/folder (the command " +
        "goes to /folder/bin)",
    );
  }
  return join(home, ".deno", "bin");
}

/**
 * Whether `folder` is one of the folders of `PATH`.
 *
 * @example
 * ```ts
 * import { onPath } from "./install.ts";
 * onPath("/home/ann/.deno/bin", "/usr/bin:/home/ann/.deno/bin/"); // true
 * ```
 */
export function onPath(folder: string, path: string | undefined): boolean {
  const clean = (p: string) => p.replace(/\/+$/, "");
  return (path ?? "").split(":").some((p) => p !== "" && clean(p) === clean(folder));
}

/** What {@link installCommand} needs. */
export interface InstallOptions {
  /** The clone's folder (absolute), where `deno.json` is. */
  root: string;
  /** The Deno to run the steps with (absolute): `Deno.execPath()`. */
  deno: string;
  /** Where the command goes: {@link binFolder}. */
  bin: string;
  /** How the user installs again, for the launcher's messages. */
  reinstall: string;
}

/** What {@link installCommand} did. */
export interface InstallResult {
  /** The launcher's path. */
  path: string;
  status: WriteStatus;
  /** The subcommands. */
  commands: TaskCommand[];
}

/** Whether the file at `path` is a launcher written by this install (or absent: undefined). */
async function isOurs(path: string): Promise<boolean | undefined> {
  let text: string;
  try {
    const info = await Deno.lstat(path);
    if (!info.isFile) return false;
    if (info.size > 1_000_000) return false;
    text = await Deno.readTextFile(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return undefined;
    throw e;
  }
  return text.split("\n", 3).includes(LAUNCHER_MARK);
}

/**
 * Writes the launcher for the tasks of `root/deno.json` (see {@link SUBCOMMANDS}) to `bin`.
 * A launcher already there (from this clone or another) is replaced; any other file is not.
 *
 * @throws {InputError} when `deno.json` cannot be read, a task is not a plain `deno run`
 * line, `node_modules` is missing, or another file is in the way.
 */
export async function installCommand(o: InstallOptions): Promise<InstallResult> {
  if (Deno.build.os === "windows") {
    throw new UsageError(
      "the itkpd command is a POSIX sh script (Linux, macOS, WSL); on Windows, run the steps " +
        "with `deno task` in the clone",
    );
  }
  const config = await Deno.readTextFile(join(o.root, "deno.json"));
  const commands = readTaskCommands(config, SUBCOMMANDS);
  try {
    await Deno.stat(join(o.root, "node_modules"));
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
    throw new InputError(
      `${o.root}/node_modules is missing: run \`deno install\` there first (the command runs ` +
        "offline from it)",
    );
  }
  const path = join(o.bin, COMMAND_NAME);
  if (await isOurs(path) === false) {
    throw new InputError(
      `${path} exists and is not an itkpd launcher: it is left as it is (remove or rename it, ` +
        "then install again)",
    );
  }
  await Deno.mkdir(o.bin, { recursive: true });
  const text = launcherScript({ root: o.root, deno: o.deno, commands, reinstall: o.reinstall });
  const before = await Deno.readTextFile(path).catch(() => undefined);
  const status: WriteStatus = before === text
    ? "unchanged"
    : await writeOutputFile(path, text, { overwrite: true, what: "the itkpd command" });
  await Deno.chmod(path, 0o755);
  // Newer than deno.json, even when unchanged: the launcher's note "deno.json changed since
  // this command was installed" compares the two.
  const now = new Date();
  await Deno.utime(path, now, now);
  return { path, status, commands };
}

/**
 * Removes the launcher from `bin`. Answers what was done: `removed`, `absent` (nothing there),
 * or throws {@link InputError} when the file there is not a launcher (left as it is).
 */
export async function uninstallCommand(bin: string): Promise<"removed" | "absent"> {
  const path = join(bin, COMMAND_NAME);
  const ours = await isOurs(path);
  if (ours === undefined) return "absent";
  if (!ours) {
    throw new InputError(`${path} is not an itkpd launcher: it is left as it is`);
  }
  await Deno.remove(path);
  return "removed";
}
