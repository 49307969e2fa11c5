/**
 * The `deno run` words of a `deno.json` task, so that the benchmark runs the scripts exactly as
 * a user would (`deno task <name>`), with the task's permission flags.
 *
 * @module
 */

/**
 * The words of task `name` after `deno` (e.g. `run --allow-net=… scripts/x.ts`), with `$NAME`
 * expanded from `env` as `deno task` does.
 */
export function taskWords(
  name: string,
  configPath: string,
  env: Record<string, string> = {},
): string[] {
  const config = JSON.parse(Deno.readTextFileSync(configPath));
  const task: string | { command?: string } | undefined = config.tasks?.[name];
  const line = typeof task === "string" ? task : task?.command;
  if (!line) throw new Error(`${configPath} has no task ${name}`);
  const words = line.split(/\s+/).filter(Boolean);
  if (words[0] !== "deno") throw new Error(`task ${name} does not start with deno`);
  return words.slice(1).map((w) => w.replace(/\$([A-Z_][A-Z0-9_]*)/g, (_, v) => env[v] ?? ""));
}
