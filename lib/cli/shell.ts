/**
 * Lines that set environment variables in the user's shell, for scripts whose output is meant
 * to be evaluated: `eval "$(deno task -q get-token)"` (sh, bash, zsh) or, in PowerShell,
 * `deno task -q get-token --shell powershell | Invoke-Expression`.
 *
 * @module
 */
import { UsageError } from "../errors.ts";
import { suggest } from "../suggest.ts";

/** The shells an export line can be written for. */
export const SHELL_KINDS = ["sh", "powershell"] as const;
/** One of {@link SHELL_KINDS}. */
export type ShellKind = (typeof SHELL_KINDS)[number];

/** Other names of the shells: `bash`, `zsh` → sh; `pwsh` → powershell. */
export const SHELL_ALIASES: Readonly<Record<string, ShellKind>> = {
  sh: "sh",
  bash: "sh",
  zsh: "sh",
  posix: "sh",
  powershell: "powershell",
  pwsh: "powershell",
  ps: "powershell",
};

/**
 * The shell a script writes for when the user does not say: PowerShell on Windows, else sh.
 *
 * @example
 * ```ts
 * import { defaultShell } from "./shell.ts";
 * console.log(defaultShell()); // "sh" on Linux and macOS
 * ```
 */
export function defaultShell(): ShellKind {
  return Deno.build.os === "windows" ? "powershell" : "sh";
}

/**
 * Reads a `--shell` value (`sh`, `bash`, `zsh`, `powershell`, `pwsh`); absent → {@link defaultShell}.
 *
 * @throws {UsageError} for any other value, with a suggestion.
 *
 * @example
 * ```ts
 * import { parseShell } from "./shell.ts";
 * parseShell("pwsh"); // "powershell"
 * parseShell(undefined); // "sh" (on Linux)
 * ```
 */
export function parseShell(value: string | undefined, flag = "--shell"): ShellKind {
  if (value === undefined) return defaultShell();
  const kind = SHELL_ALIASES[value.trim().toLowerCase()];
  if (kind) return kind;
  const close = suggest(value.toLowerCase(), Object.keys(SHELL_ALIASES));
  throw new UsageError(
    `${flag} must be sh or powershell, got '${value}'${close ? ` (did you mean ${close}?)` : ""}`,
  );
}

/**
 * `value` quoted for `shell` so that it is taken literally: single quotes in both shells
 * (sh: `'\''` for a quote inside; PowerShell: `''`).
 *
 * @example
 * ```ts
 * import { quoteForShell } from "./shell.ts";
 * quoteForShell("it's", "sh"); // "'it'\\''s'"
 * quoteForShell("it's", "powershell"); // "'it''s'"
 * ```
 */
export function quoteForShell(value: string, shell: ShellKind): string {
  return shell === "sh"
    ? `'${value.replaceAll("'", `'\\''`)}'`
    : `'${value.replace(/['\u2018\u2019\u201A\u201B]/g, (q) => q + q)}'`;
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * One line that sets (and, in sh, exports) an environment variable. Numbers are written bare in
 * sh and quoted in PowerShell (whose environment holds strings only).
 *
 * @throws {RangeError} when `name` is not a valid variable name (a bug of the caller).
 *
 * @example
 * ```ts
 * import { exportLine } from "./shell.ts";
 * exportLine("ITK_DB_AUTH", "eyJ…", "sh"); // "export ITK_DB_AUTH='eyJ…'"
 * exportLine("ITK_DB_AUTH_EXPIRES_AT", 1700000000, "powershell");
 * // "$env:ITK_DB_AUTH_EXPIRES_AT = '1700000000'"
 * ```
 */
export function exportLine(name: string, value: string | number, shell: ShellKind): string {
  if (!NAME.test(name)) throw new RangeError(`not a variable name: ${JSON.stringify(name)}`);
  const text = String(value);
  if (shell === "powershell") return `$env:${name} = ${quoteForShell(text, shell)}`;
  const bare = typeof value === "number" && /^-?\d+$/.test(text);
  return `export ${name}=${bare ? text : quoteForShell(text, shell)}`;
}

/**
 * Export lines for every variable, in order, each ending with a newline.
 *
 * @example
 * ```ts
 * import { exportLines } from "./shell.ts";
 * const text = exportLines({ A: "x", B: 2 }, "sh"); // "export A='x'\nexport B=2\n"
 * ```
 */
export function exportLines(vars: Record<string, string | number>, shell: ShellKind): string {
  return Object.entries(vars).map(([name, value]) => exportLine(name, value, shell) + "\n")
    .join("");
}

/**
 * A duration in words, coarse: `2 h 59 min`, `4 min 10 s`, `12 s`.
 *
 * @example
 * ```ts
 * import { formatDuration } from "./shell.ts";
 * formatDuration(3 * 3600 - 30); // "2 h 59 min"
 * ```
 */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  if (h > 0) return `${h} h ${m} min`;
  if (m > 0) return `${m} min ${s % 60} s`;
  return `${s} s`;
}

/**
 * The human line about a token's expiry: `token valid until <ISO time> (in 2 h 59 min)`.
 *
 * @param expiresAt Unix seconds.
 * @param now Unix milliseconds (default: now).
 *
 * @example
 * ```ts
 * import { expiryNote } from "./shell.ts";
 * expiryNote(10_800, 0); // "token valid until 1970-01-01T03:00:00.000Z (in 3 h 0 min)"
 * ```
 */
export function expiryNote(expiresAt: number, now = Date.now()): string {
  const left = expiresAt - now / 1000;
  const when = new Date(expiresAt * 1000).toISOString();
  return left > 0
    ? `token valid until ${when} (in ${formatDuration(left)})`
    : `token expired at ${when}`;
}
