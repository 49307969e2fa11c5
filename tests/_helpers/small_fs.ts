/**
 * A small file system without root: a script run inside a user and mount namespace
 * (`unshare -rm`) with a tmpfs of a few KiB mounted on a folder, full or read-only, so that the
 * real storage faults (ENOSPC, EROFS) reach the real script. Where unprivileged namespaces are
 * not allowed, {@link smallFsAvailable} is false and the tests using it say so and are ignored
 * (the same faults are also tested in process, through the file-system seam).
 */
import { denoDir, taskArgs, testHome } from "./task.ts";
import type { TaskResult } from "./task.ts";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

function probe(): boolean {
  try {
    const dir = Deno.makeTempDirSync({ prefix: "itkpd-probe-" });
    try {
      const out = new Deno.Command("unshare", {
        args: ["-rm", "sh", "-c", 'mount -t tmpfs -o size=16k tmpfs "$1"', "sh", dir],
        stdout: "null",
        stderr: "null",
      }).outputSync();
      return out.code === 0;
    } finally {
      Deno.removeSync(dir, { recursive: true });
    }
  } catch {
    return false;
  }
}

/** True when a tmpfs can be mounted by this user (unshare -rm works here). */
export const smallFsAvailable: boolean = probe();

/** How the small file system is set up around the script. */
export interface SmallFsOptions {
  /** The folder to mount the tmpfs on (it must exist; it looks empty inside). */
  mount: string;
  /** Size of the tmpfs, e.g. `64k`. */
  size: string;
  /** Shell commands run after mounting, before the script (`$MNT` is the folder). */
  before?: string;
  /** Shell commands run after the script (e.g. copy what is there out of the mount). */
  after?: string;
  /** Environment of the script (besides PATH, HOME, DENO_DIR, NO_COLOR, INIT_CWD). */
  env?: Record<string, string>;
  /** The user's folder (INIT_CWD). */
  cwd: string;
}

/** Runs `deno task <name> <args>` (its exact flags) on a small file system. */
export async function runTaskOnSmallFs(
  name: string,
  args: string[],
  opts: SmallFsOptions,
): Promise<TaskResult> {
  const env: Record<string, string> = {
    PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin",
    HOME: testHome(),
    ITKPD_NO_SESSION: "1",
    NO_COLOR: "1",
    INIT_CWD: opts.cwd,
    DENO_DIR: denoDir(),
    MNT: opts.mount,
    ...opts.env,
  };
  const script = [
    "set -e",
    `mount -t tmpfs -o size=${opts.size} tmpfs "$MNT"`,
    opts.before ?? ":",
    "set +e",
    '"$@"',
    "rc=$?",
    opts.after ?? ":",
    'exit "$rc"',
  ].join("\n");
  const out = await new Deno.Command("unshare", {
    args: ["-rm", "sh", "-c", script, "sh", Deno.execPath(), ...taskArgs(name, env), ...args],
    cwd: ROOT,
    env,
    clearEnv: true,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}
