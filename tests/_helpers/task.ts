/**
 * Runs a script as a real subprocess with exactly the flags of its `deno.json` task, as a user
 * running `deno task <name>` would (with the user's folder passed as INIT_CWD).
 */
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

/** The `deno run …` words of a task (without the leading `deno`). */
export function taskArgs(name: string): string[] {
  const config = JSON.parse(Deno.readTextFileSync(`${ROOT}deno.json`));
  const line: string | undefined = config.tasks?.[name];
  if (!line) throw new Error(`deno.json has no task ${name}`);
  const words = line.split(/\s+/).filter(Boolean);
  if (words[0] !== "deno") throw new Error(`task ${name} does not start with deno`);
  return words.slice(1);
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
  /** Kill the child after this many ms (default 60 s). */
  timeoutMs?: number;
}

/** Runs `deno task <name> <args>` the way the task line says, and collects its output. */
export async function runTask(
  name: string,
  args: string[],
  opts: RunTaskOptions = {},
): Promise<TaskResult> {
  let words = taskArgs(name);
  if (opts.editArgs) words = opts.editArgs(words);
  const env: Record<string, string> = {
    PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin",
    HOME: Deno.env.get("HOME") ?? "/tmp",
    NO_COLOR: "1",
    INIT_CWD: opts.cwd ?? ROOT,
    ...opts.env,
  };
  const child = new Deno.Command(Deno.execPath(), {
    args: [...words, ...args],
    cwd: ROOT,
    env,
    clearEnv: true,
    stdin: opts.stdin === undefined ? "null" : "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const timer = setTimeout(() => {
    try {
      child.kill("SIGKILL");
    } catch { /* already gone */ }
  }, opts.timeoutMs ?? 60_000);
  if (opts.stdin !== undefined) {
    const w = child.stdin.getWriter();
    await w.write(new TextEncoder().encode(opts.stdin));
    await w.close();
  }
  const out = await child.output();
  clearTimeout(timer);
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

/** Removes the flag starting with `prefix` (e.g. `--allow-net`) from a task's words. */
export function withoutFlag(prefix: string): (args: string[]) => string[] {
  return (args) => args.filter((a) => !a.startsWith(prefix));
}
