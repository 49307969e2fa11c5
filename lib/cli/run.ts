/**
 * The outer shell of every script: runs `main`, maps errors to one clear line on stderr and an
 * exit code, never a stack trace for a user's mistake or a missing permission.
 *
 * Exit codes: 0 ok, 1 input/server/network error, 2 bad usage, 3 missing permission,
 * 70 internal error (a bug: the stack is printed).
 *
 * @module
 */
import { ItkpdError } from "../errors.ts";

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
    const advice = host && !/^127\.0\.0\.1(:|$)/.test(host)
      ? ` The task \`deno task ${script}\` allows the ITkPD hosts only; for another host, run ` +
        `\`deno run\` with the task's flags and --allow-net=${host.replace(/:\d+$/, "")}.`
      : ` Run it as \`deno task ${script}\`, whose flags grant exactly what it needs.`;
    return { text: `error: permission missing: ${first}.${advice}`, code: EXIT_PERMISSION };
  }
  if (e instanceof ItkpdError) return { text: `error: ${oneLineIfShort(e)}`, code: e.exitCode };
  if (SYSTEM_ERRORS.some((kind) => e instanceof kind)) {
    const what = e instanceof Deno.errors.PermissionDenied ? "the system refused: " : "";
    return { text: `error: ${what}${(e as Error).message.split("\n")[0]}`, code: 1 };
  }
  const err = e instanceof Error ? e : new Error(String(e));
  return { text: `internal error: ${err.stack ?? err.message}`, code: EXIT_INTERNAL };
}

/** The message, with its hint on the same line when the rest is one line (no problem list). */
function oneLineIfShort(e: ItkpdError): string {
  const hintAt = e.hint ? e.message.lastIndexOf(`\n  hint: ${e.hint}`) : -1;
  const body = hintAt >= 0 ? e.message.slice(0, hintAt) : e.message;
  if (!e.hint || body.includes("\n")) return e.message;
  return `${body} (${e.hint})`;
}

/** A missing Deno permission (NotCapable), given or somewhere in the `cause` chain. */
function permissionCause(e: unknown): Error | undefined {
  for (let c = e, depth = 0; c instanceof Error && depth < 8; c = c.cause, depth++) {
    if (c instanceof Deno.errors.NotCapable) return c;
  }
  return undefined;
}

/**
 * Runs a script's `main` and exits with its code. `main` returns an exit code (default 0).
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
