/**
 * A command of the toolkit, declared once: its name, what it does, its flags (see
 * {@link parseFlags}) and what to say after them. {@link runCommand} is the whole outer shell of
 * a script: it parses the flags, prints the help for `--help`, runs the script's work, and maps
 * any error to one line and an exit code (see {@link runMain}).
 *
 * Scripts keep their top level light (this module, their declaration) and import their work
 * inside the function given to {@link runCommand}, so that `--help` and a mistake of the command
 * line are answered before any of it is loaded.
 *
 * @example
 * ```ts ignore
 * import { defineCommand, runCommand } from "./command.ts";
 * const COMMAND = defineCommand({
 *   name: "hello",
 *   description: "Greets.",
 *   flags: { name: { type: "string", required: true, value: "NAME", help: "who" } },
 * });
 * if (import.meta.main) {
 *   runCommand(COMMAND, async ({ flags }) => {
 *     const { greet } = await import("./greet.ts"); // loaded only now
 *     console.log(greet(flags.name)); // flags.name: string
 *   });
 * }
 * ```
 *
 * @module
 */
import { type FlagSpecs, helpText, type ParsedFlags, parseFlags } from "./flags.ts";
import { programName } from "./paths.ts";
import { runMain } from "./run.ts";

/** The declaration of a command. */
export interface CommandSpec<S extends FlagSpecs> {
  /** Its task name, and the subcommand of `itkpd`: `upload-iv-curve`. */
  name: string;
  /** Its flags. */
  flags: S;
  /** The forms of the command line after the program name (default: from the flags). */
  usage?: readonly string[];
  /** What it does, for `--help`; a function of the program name when the text shows it. */
  description?: string | ((program: string) => string);
  /** Text after the options (exit codes, environment, …); a function like `description`. */
  epilog?: string | ((program: string) => string);
  /** It takes words that are not flags (e.g. file names). */
  positionals?: boolean;
  /** Its output is read by the shell: the task is run as `deno task -q`. */
  quiet?: boolean;
}

/** Declares a command, keeping the literal types of its flags (the identity at run time). */
export function defineCommand<const S extends FlagSpecs>(spec: CommandSpec<S>): CommandSpec<S> {
  return spec;
}

/** How the user starts this command now: `itkpd <name>` or `deno task <name>`. */
export function commandProgram(c: CommandSpec<FlagSpecs>): string {
  return programName(c.name, { quiet: c.quiet });
}

/**
 * The `--help` text of a command.
 *
 * @example
 * ```ts
 * import { commandHelp, defineCommand } from "./command.ts";
 * const c = defineCommand({ name: "demo", flags: {}, description: "Runs the demo." });
 * commandHelp(c, "deno task demo").split("\n")[0]; // "Usage: deno task demo [options]"
 * ```
 */
export function commandHelp<S extends FlagSpecs>(c: CommandSpec<S>, program: string): string {
  const text = (t: CommandSpec<S>["description"]) => typeof t === "function" ? t(program) : t;
  return helpText(c.flags, {
    program,
    usage: c.usage,
    description: text(c.description),
    epilog: text(c.epilog),
  });
}

/**
 * Runs a script: parses `Deno.args` against the command's flags, prints the help for `--help`
 * (exit 0), else calls `main` with the typed values and exits with its code (default 0); a
 * mistake of the command line is one line and exit 2, any other error as {@link runMain} says.
 */
export function runCommand<const S extends FlagSpecs>(
  command: CommandSpec<S>,
  main: (parsed: ParsedFlags<S>) => Promise<number | void>,
): Promise<never> {
  return runMain(command.name, async (args) => {
    const parsed = parseFlags(args, command.flags, { positionals: command.positionals });
    if (parsed.help) {
      console.log(commandHelp(command, commandProgram(command)));
      return 0;
    }
    return await main(parsed);
  });
}
