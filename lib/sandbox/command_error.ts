/**
 * The error a sandbox command throws to answer with an HTTP error status and a uuAppErrorMap.
 *
 * @module
 */
import type { UuAppErrorEntry, UuAppErrorMap } from "../errors.ts";
import { randomHex } from "./ids.ts";

/** A command failed: answer `status` with this uuAppErrorMap (and the warnings so far). */
export class CommandError extends Error {
  /** HTTP status of the answer. */
  readonly status: number;
  /** The answer's uuAppErrorMap. */
  readonly uuAppErrorMap: UuAppErrorMap;
  constructor(status: number, uuAppErrorMap: UuAppErrorMap) {
    const first = Object.entries(uuAppErrorMap).find(([, e]) => e.type === "error");
    super(first ? `${first[0]}: ${first[1].message}` : `HTTP ${status}`);
    this.name = "CommandError";
    this.status = status;
    this.uuAppErrorMap = uuAppErrorMap;
  }
}

/** One error entry `{id, timestamp, type:"error", message, paramMap}` as the service writes it. */
export function errorEntry(
  message: string,
  paramMap: Record<string, unknown> = {},
): UuAppErrorEntry {
  return {
    id: randomHex(16),
    timestamp: new Date().toISOString(),
    type: "error",
    message,
    paramMap,
  };
}

/** A `cern-itkpd-main/<command>/<code>` error with one entry. */
export function appError(
  status: number,
  command: string,
  code: string,
  message: string,
  paramMap: Record<string, unknown> = {},
): CommandError {
  return new CommandError(status, {
    [`cern-itkpd-main/${command}/${code}`]: errorEntry(message, paramMap),
  });
}

/** "object does not exist" for a command: HTTP 400 like the service's DAO look-up failures. */
export function notFound(command: string, what: string, id: unknown): CommandError {
  const code = `${what}DoesNotExist`;
  const label = what.replace(/([A-Z])/g, " $1").toLowerCase();
  return appError(400, command, code, `The ${label} ${JSON.stringify(id)} does not exist.`, {
    [what]: id,
  });
}
