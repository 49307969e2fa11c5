/**
 * The steps of the installed `itkpd` command, read from `deno.json`'s tasks: each subcommand runs
 * its task's `deno run` line (the same flags, so the same permissions) with the task's script,
 * and `itkpd --help` lists them with the tasks' descriptions. Nothing is copied by hand: install
 * again after `deno.json` changes.
 *
 * @module
 */
import { InputError } from "../errors.ts";

/**
 * The tasks that become subcommands of `itkpd`, in the order `itkpd --help` lists them. Left
 * out: `test`, `bench` and `notebooks` (tools of the clone itself, its tests, benchmark and
 * notebooks), `install` and `uninstall`.
 */
export const SUBCOMMANDS = [
  "get-token",
  "register-component",
  "test-prototype",
  "upload-test-results",
  "upload-wirebond-results",
  "upload-iv-curve",
  "batch-upload",
  "export-test-runs",
  "sandbox",
  "make-fixtures",
  "demo",
] as const;

/** One task as a subcommand: its `deno run` flags and its script. */
export interface TaskCommand {
  /** The task's name, the subcommand: `get-token`. */
  name: string;
  /** The task's description (one line). */
  description: string;
  /** The words between `deno run` and the script, as written (`$HOME` not expanded). */
  flags: string[];
  /** The script, relative to the project folder: `scripts/get_token.ts`. */
  script: string;
}

/**
 * Reads the tasks `names` from the text of a `deno.json`: each must be `deno run FLAGS SCRIPT`
 * (words without quotes; `$NAME` stands for an environment variable, expanded when the command
 * runs, as `deno task` does).
 *
 * @throws {InputError} when a task is missing or not of that form.
 *
 * @example
 * ```ts
 * import { readTaskCommands } from "./tasks.ts";
 * const config = JSON.stringify({ tasks: { "get-token": {
 *   description: "get a token",
 *   command: "deno run -q --allow-read=$HOME/.itkpd scripts/get_token.ts",
 * } } });
 * readTaskCommands(config, ["get-token"])[0].flags; // ["-q", "--allow-read=$HOME/.itkpd"]
 * ```
 */
export function readTaskCommands(configText: string, names: readonly string[]): TaskCommand[] {
  const config = JSON.parse(configText) as {
    tasks?: Record<string, string | { command?: string; description?: string }>;
  };
  return names.map((name) => {
    const task = config.tasks?.[name];
    const line = typeof task === "string" ? task : task?.command;
    const description = typeof task === "string" ? "" : task?.description ?? "";
    if (!line) throw new InputError(`deno.json: no task ${name}`);
    if (/["'`\\;&|<>()]/.test(line)) {
      throw new InputError(
        `deno.json: the task ${name} is not a plain \`deno run FLAGS SCRIPT\` line (quotes, ` +
          "pipes or several commands): the installed command cannot run it",
      );
    }
    const words = line.trim().split(/\s+/);
    const script = words.at(-1) ?? "";
    const flags = words.slice(2, -1);
    if (words[0] !== "deno" || words[1] !== "run" || !/\.ts$/.test(script)) {
      throw new InputError(`deno.json: the task ${name} is not \`deno run FLAGS SCRIPT.ts\``);
    }
    const notFlag = flags.find((f) => !f.startsWith("-"));
    if (notFlag) {
      throw new InputError(
        `deno.json: the task ${name} passes '${notFlag}' before its script; flags only`,
      );
    }
    return { name, description, flags, script };
  });
}
