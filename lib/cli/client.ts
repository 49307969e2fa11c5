/**
 * The ITkPD client of a script, loaded when the script needs it: the client (ky, jose, the zod
 * answer shapes) is the heaviest part of the toolkit, and a script's `--help`, a mistake of its
 * command line or a step that does not talk to ITkPD never loads it.
 *
 * @module
 */
import type { ApiWarning, ClientOptions, ItkpdClient } from "../client/mod.ts";
import { timeoutMs } from "./timeout.ts";

/** How a script shows a warning of the service: one line on stderr. */
export function warningLine(w: ApiWarning): string {
  const keys = w.unsupportedKeys.length ? ` (${w.unsupportedKeys.join(", ")})` : "";
  return `warning: ${w.command}: ${w.code}: ${w.message}${keys}`;
}

/** Options of {@link openClient}: the client's, with `--timeout` in seconds. */
export interface ScriptClientOptions extends Omit<ClientOptions, "timeoutMs"> {
  /** `--timeout SECONDS` (default: the client's). */
  timeoutSeconds?: number;
}

/**
 * A client for a script: the session file where the task allows one, the service's warnings
 * as one line each on stderr ({@link warningLine}), `--timeout` in seconds.
 *
 * @example
 * ```ts ignore
 * import { openClient } from "./client.ts";
 * const client = await openClient({ timeoutSeconds: flags.timeout, verbose: flags.verbose });
 * try { … } finally { client.close(); }
 * ```
 */
export async function openClient(opts: ScriptClientOptions = {}): Promise<ItkpdClient> {
  const [{ ItkpdClient }, { defaultSessionFile }] = await Promise.all([
    import("../client/mod.ts"),
    import("./session.ts"),
  ]);
  const { timeoutSeconds, ...rest } = opts;
  return new ItkpdClient({
    sessionFile: defaultSessionFile(),
    onWarning: (w) => console.error(warningLine(w)),
    ...rest,
    timeoutMs: timeoutMs(timeoutSeconds),
  });
}
