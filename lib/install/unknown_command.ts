/**
 * The answer of the installed `itkpd` command to a command it does not have: one line with a
 * "did you mean", exit code 2. Run by the launcher (`deno run --no-config … WORD COMMANDS…`),
 * with no permission at all.
 *
 * @module
 */
import { escapeControls } from "../escape.ts";
import { suggest } from "../suggest.ts";

/**
 * The line for an unknown command `given` among `known`.
 *
 * @example
 * ```ts
 * import { unknownCommandLine } from "./unknown_command.ts";
 * unknownCommandLine("get-tokne", ["get-token", "demo"]);
 * // "itkpd: unknown command 'get-tokne' (did you mean get-token?); `itkpd --help` lists them"
 * ```
 */
export function unknownCommandLine(given: string, known: readonly string[]): string {
  const close = suggest(given, [...known]);
  const what = given.startsWith("-") ? "flag before the command" : "command";
  return `itkpd: unknown ${what} '${escapeControls(given)}'` +
    (close ? ` (did you mean ${close}?)` : "") + "; `itkpd --help` lists them";
}

if (import.meta.main) {
  const [given = "", ...known] = Deno.args;
  console.error(unknownCommandLine(given, known));
  Deno.exit(2);
}
