/**
 * `--timeout SECONDS`, the per-request time limit of every script that talks to ITkPD
 * (default {@link DEFAULT_TIMEOUT_MS}: 60 s). A request without an answer in that time fails
 * (a read is not repeated then; a write's outcome is unknown and is looked up before any
 * resend), so a hung site costs at most a few timeouts, never an hour.
 *
 * @module
 */
import { DEFAULT_TIMEOUT_MS } from "../client/config.ts";
import { type FlagSpec, numberFlag, type ParsedArgs } from "./args.ts";

export { DEFAULT_TIMEOUT_MS };

/** The flag spec to add to a script's flags. */
export const TIMEOUT_FLAG: Record<string, FlagSpec> = { timeout: { type: "string" } };

/** The usage line of the flag. */
export const TIMEOUT_USAGE = `  --timeout SECONDS    time limit of one request (default ${
  DEFAULT_TIMEOUT_MS / 1000
})`;

/**
 * The `--timeout` value in ms, or `undefined` for the default; a UsageError for a bad value.
 *
 * @example
 * ```ts
 * import { timeoutMsOf } from "./timeout.ts";
 * timeoutMsOf({ timeout: "2.5" }); // 2500
 * timeoutMsOf({}); // undefined
 * ```
 */
export function timeoutMsOf(values: ParsedArgs["values"]): number | undefined {
  const seconds = numberFlag(values, "timeout", { min: 0.1, max: 3600 });
  return seconds === undefined ? undefined : Math.round(seconds * 1000);
}
