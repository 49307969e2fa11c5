/**
 * `--timeout SECONDS`, the per-request time limit of every script that talks to ITkPD
 * (default {@link DEFAULT_TIMEOUT_MS}: 60 s). A request without an answer in that time fails
 * (a read is not repeated then; a write's outcome is unknown and is looked up before any
 * resend), so a hung site costs at most a few timeouts, never an hour.
 *
 * @module
 */
import { DEFAULT_TIMEOUT_MS } from "../client/config.ts";
import { defineFlags } from "./flags.ts";

export { DEFAULT_TIMEOUT_MS };

/** The flag to add to a command's flags: `{ ...TIMEOUT_FLAG }`. */
export const TIMEOUT_FLAG = defineFlags({
  timeout: {
    type: "number",
    min: 0.1,
    max: 3600,
    value: "SECONDS",
    help: `time limit of one request (default ${DEFAULT_TIMEOUT_MS / 1000})`,
  },
});

/**
 * The `--timeout` value in ms, or `undefined` for the default.
 *
 * @example
 * ```ts
 * import { timeoutMs } from "./timeout.ts";
 * timeoutMs(2.5); // 2500
 * timeoutMs(undefined); // undefined
 * ```
 */
export function timeoutMs(seconds: number | undefined): number | undefined {
  return seconds === undefined ? undefined : Math.round(seconds * 1000);
}
