/**
 * Runs a script as a real subprocess with exactly the flags of its `deno.json` task, as a user
 * running `deno task <name>` would (with the user's folder passed as INIT_CWD).
 */
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

/**
 * The `deno run …` words of a task (without the leading `deno`), with `$NAME` expanded from
 * `env` as `deno task` does.
 */
export function taskArgs(name: string, env: Record<string, string> = {}): string[] {
  const config = JSON.parse(Deno.readTextFileSync(`${ROOT}deno.json`));
  const task: string | { command?: string } | undefined = config.tasks?.[name];
  const line = typeof task === "string" ? task : task?.command;
  if (!line) throw new Error(`deno.json has no task ${name}`);
  const words = line.split(/\s+/).filter(Boolean);
  if (words[0] !== "deno") throw new Error(`task ${name} does not start with deno`);
  return words.slice(1).map((w) => w.replace(/\$([A-Z_][A-Z0-9_]*)/g, (_, v) => env[v] ?? ""));
}

/** Deno's cache folder of this process's user. */
export function denoDir(): string {
  const set = Deno.env.get("DENO_DIR");
  if (set) return set;
  const cache = Deno.env.get("XDG_CACHE_HOME") ?? `${Deno.env.get("HOME") ?? "/root"}/.cache`;
  return `${cache}/deno`;
}

let home: string | undefined;

/** A temporary home folder for the scripts run by this test process (removed at exit). */
export function testHome(): string {
  if (!home) {
    const dir = Deno.makeTempDirSync({ prefix: "itkpd-home-" });
    home = dir;
    globalThis.addEventListener("unload", () => {
      try {
        Deno.removeSync(dir, { recursive: true });
      } catch { /* already gone */ }
    });
  }
  return home;
}

/** What a finished subprocess said. */
export interface TaskResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Options of {@link runTask}. */
export interface RunTaskOptions {
  /** Environment of the child (nothing else is inherited but PATH and HOME). */
  env?: Record<string, string>;
  /** Text written to the child's stdin (then closed). */
  stdin?: string;
  /** The user's folder (INIT_CWD); default: the repo root. */
  cwd?: string;
  /** Replace the task's flags: a function from the task's words to the words to run. */
  editArgs?: (args: string[]) => string[];
  /**
   * A guard against a hung child, not a measure of speed: kill it after this many ms (default
   * 300 s, generous for a fully loaded machine); a kill is said at the end of its stderr.
   */
  timeoutMs?: number;
}

/** Runs `deno task <name> <args>` the way the task line says, and collects its output. */
export async function runTask(
  name: string,
  args: string[],
  opts: RunTaskOptions = {},
): Promise<TaskResult> {
  const env: Record<string, string> = {
    PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin",
    // Never the real home: a script may keep a session in $HOME/.itkpd. Sessions are off unless
    // a test turns them on (ITKPD_NO_SESSION: "").
    HOME: testHome(),
    ITKPD_NO_SESSION: "1",
    NO_COLOR: "1",
    INIT_CWD: opts.cwd ?? ROOT,
    // The real Deno cache, whatever HOME says (else Deno would fetch every package again).
    DENO_DIR: denoDir(),
    ...opts.env,
  };
  let words = taskArgs(name, env);
  if (opts.editArgs) words = opts.editArgs(words);
  const child = new Deno.Command(Deno.execPath(), {
    args: [...words, ...args],
    cwd: ROOT,
    env,
    clearEnv: true,
    stdin: opts.stdin === undefined ? "null" : "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const limitMs = opts.timeoutMs ?? 300_000;
  let killed = false;
  const timer = setTimeout(() => {
    try {
      child.kill("SIGKILL");
      killed = true;
    } catch { /* already gone */ }
  }, limitMs);
  if (opts.stdin !== undefined) {
    const w = child.stdin.getWriter();
    await w.write(new TextEncoder().encode(opts.stdin));
    await w.close();
  }
  const out = await child.output();
  clearTimeout(timer);
  const dec = new TextDecoder();
  const stderr = dec.decode(out.stderr) +
    (killed ? `\n[runTask: killed after ${limitMs / 1000} s, still running]\n` : "");
  return { code: out.code, stdout: dec.decode(out.stdout), stderr };
}

/** Removes the flag starting with `prefix` (e.g. `--allow-net`) from a task's words. */
export function withoutFlag(prefix: string): (args: string[]) => string[] {
  return (args) => args.filter((a) => !a.startsWith(prefix));
}
