/**
 * Flag parsing for the upload steps: `parseFlags` of lib/cli, with a user's mistake reported on
 * one line (`unknown flag --x (did you mean --y?) (see --help)`), as the steps promise.
 *
 * @module
 */
import { type FlagSpec, type ParsedArgs, parseFlags } from "../cli/args.ts";
import { UsageError } from "../errors.ts";

/**
 * Parses `args` against `flags`; a {@link UsageError} carries one line only.
 *
 * @example
 * ```ts
 * import { parseStepFlags } from "./flags.ts";
 * parseStepFlags(["--out", "x.json"], { out: { type: "string" } }).values.out; // "x.json"
 * ```
 */
export function parseStepFlags(args: string[], flags: Record<string, FlagSpec>): ParsedArgs {
  try {
    return parseFlags(args, flags);
  } catch (e) {
    if (e instanceof UsageError) {
      const first = e.message.split("\n")[0];
      throw new UsageError(/--help/.test(first) ? first : `${first} (see --help)`, { cause: e });
    }
    throw e;
  }
}

/** The value of a string flag given once (the last one when repeated), or `undefined`. */
export function stringFlag(values: ParsedArgs["values"], name: string): string | undefined {
  const v = values[name];
  if (Array.isArray(v)) return v[v.length - 1];
  return typeof v === "string" ? v : undefined;
}
