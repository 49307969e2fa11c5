/**
 * The outer shell of every script: runs `main`, maps errors to one clear line on stderr and an
 * exit code, never a stack trace for a user's mistake or a missing permission.
 *
 * It is also the display boundary of the scripts: everything they print through `console`
 * (their output, notes, warnings, errors) passes through {@link escapeControls}, so that no
 * control character from a file name, a file's content, a manifest or a server message reaches
 * the terminal raw (ESC sequences, `\r`, NUL, C1 controls, bidirectional overrides appear as
 * visible escapes such as `\x1b`); the line breaks of the text itself are kept. The builders of
 * that text escape line breaks inside data (a file name, a key) where they interpolate it.
 *
 * Exit codes: 0 ok, 1 input/server/network error, 2 bad usage, 3 missing permission,
 * 70 internal error (a bug: the stack is printed).
 *
 * @module
 */
import { format } from "node:util";
import { ItkpdError } from "../errors.ts";
import { escapeControls } from "../escape.ts";
import { describeStorageFault } from "../io/write_output.ts";
import { programName } from "./paths.ts";

/** Exit code for a missing Deno permission. */
export const EXIT_PERMISSION = 3;
/** Exit code for an unexpected internal error. */
export const EXIT_INTERNAL = 70;

/** Errors of the file system and the operating system: the user's to fix, not a bug. */
const SYSTEM_ERRORS = [
  Deno.errors.NotFound,
  Deno.errors.AlreadyExists,
  Deno.errors.IsADirectory,
  Deno.errors.NotADirectory,
  Deno.errors.PermissionDenied,
  Deno.errors.FilesystemLoop,
  Deno.errors.InvalidData,
  Deno.errors.WriteZero,
  Deno.errors.UnexpectedEof,
  Deno.errors.Busy,
] as const;

/** Turns any thrown value into the text a user sees and the exit code to use. */
export function describeFailure(e: unknown, script: string): { text: string; code: number } {
  const permission = permissionCause(e);
  if (permission) {
    const first = permission.message.split("\n")[0].replace(/, run again with the .*$/, "");
    const host = /net access to "([^"]+)"/.exec(first)?.[1];
    const program = programName(script);
    const installed = program.startsWith("itkpd ");
    const advice = host && !/^127\.0\.0\.1(:|$)/.test(host)
      ? ` The ${installed ? "command" : "task"} \`${program}\` allows the ITkPD hosts only; for ` +
        `another host, run \`deno run\` with the ${
          installed ? "flags of its task in deno.json" : "task's flags"
        } and --allow-net=${host.replace(/:\d+$/, "")}.`
      : ` Run it as \`${program}\`, whose flags grant exactly what it needs.`;
    return { text: `error: permission missing: ${first}.${advice}`, code: EXIT_PERMISSION };
  }
  if (e instanceof ItkpdError) return { text: `error: ${oneLineIfShort(e)}`, code: e.exitCode };
  if (isStorageFault(e)) {
    return { text: `error: ${describeStorageFault(e)}: ${firstLine(e)}`, code: 1 };
  }
  if (SYSTEM_ERRORS.some((kind) => e instanceof kind)) {
    const what = e instanceof Deno.errors.PermissionDenied ? "the system refused: " : "";
    return { text: `error: ${what}${(e as Error).message.split("\n")[0]}`, code: 1 };
  }
  const err = e instanceof Error ? e : new Error(String(e));
  return { text: `internal error: ${err.stack ?? err.message}`, code: EXIT_INTERNAL };
}

function firstLine(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split("\n")[0];
}

/** A full disk, a read-only file system or an exceeded quota met outside an output writer. */
function isStorageFault(e: unknown): boolean {
  return e instanceof Error && /os error (28|30|122)\b/.test(e.message);
}

/** The message, with its hint on the same line when the rest is one line (no problem list). */
function oneLineIfShort(e: ItkpdError): string {
  const hintAt = e.hint ? e.message.lastIndexOf(`\n  hint: ${e.hint}`) : -1;
  const body = hintAt >= 0 ? e.message.slice(0, hintAt) : e.message;
  if (!e.hint || body.includes("\n")) return e.message;
  return `${body} (${e.hint})`;
}

/**
 * A missing Deno permission, given or somewhere in the `cause` chain: a `NotCapable` error, or
 * the `TypeError` Deno throws when a module loaded on demand (`import()`) may not be read.
 */
function permissionCause(e: unknown): Error | undefined {
  for (let c = e, depth = 0; c instanceof Error && depth < 8; c = c.cause, depth++) {
    if (c instanceof Deno.errors.NotCapable) return c;
    if (c instanceof TypeError && /^Requires \w+ access to /.test(c.message)) return c;
  }
  return undefined;
}

let consoleIsSafe = false;

/**
 * Makes `console.log`, `console.info`, `console.warn`, `console.error` and `console.debug`
 * escape control characters (keeping line breaks and tabs) before anything reaches the
 * terminal. Called by {@link runMain}; calling it again does nothing.
 *
 * @example
 * ```ts ignore
 * import { installSafeConsole } from "./run.ts";
 * installSafeConsole();
 * console.log("evil\x1b]0;title\x07.csv"); // prints evil\x1b]0;title\x07.csv
 * ```
 */
export function installSafeConsole(): void {
  if (consoleIsSafe) return;
  consoleIsSafe = true;
  for (const method of ["log", "info", "warn", "error", "debug"] as const) {
    const original = console[method].bind(console);
    console[method] = (...args: unknown[]) =>
      original(escapeControls(format(...args), { keepNewlines: true }));
  }
}

/**
 * Runs a script's `main` and exits with its code. `main` returns an exit code (default 0).
 * Everything printed through `console` is escaped (see {@link installSafeConsole}).
 *
 * @example
 * ```ts ignore
 * import { runMain } from "./run.ts";
 * if (import.meta.main) runMain("get-token", async (args) => { console.log(args); return 0; });
 * ```
 */
export async function runMain(
  script: string,
  main: (args: string[]) => Promise<number | void>,
): Promise<never> {
  installSafeConsole();
  let code: number;
  try {
    code = (await main(Deno.args)) ?? 0;
  } catch (e) {
    const failure = describeFailure(e, script);
    console.error(failure.text);
    code = failure.code;
  }
  Deno.exit(code);
}
