/**
 * Takes an error apart for display (private): what, where, the problems, what to do.
 * Toolkit errors (ItkpdError) never yield a stack trace; other errors are program faults
 * and keep theirs.
 *
 * @module
 */

import {
  ApiValidationError,
  AuthError,
  formatProblems,
  InputError,
  ItkpdError,
  NetworkError,
  NotFoundError,
  ParseError,
  type Problem,
  ServerError,
  TimeoutError,
  UsageError,
} from "../errors.ts";

const FAULT_ADVICE = "this is a fault of the program: report it with the stack trace";

/** An error in parts. */
export interface ErrorParts {
  /** The class name ("ParseError"). */
  name: string;
  /** The first line of the message, without problems and hint. */
  headline: string;
  /** Further lines of the message (not problems, not the hint). */
  details: string[];
  /** Where: `file:line`, a URL or a command. */
  where?: string;
  /** Every problem with its place. */
  problems: Problem[];
  /** What to do: the error's own hint. */
  hint?: string;
  /** What to do: the hint, or a general advice for the error's class. */
  todo: string;
  /** True for toolkit errors (user-caused, expected). */
  expected: boolean;
  /** The stack trace, only for unexpected errors. */
  stack?: string;
  /** The cause, taken apart the same way. */
  cause?: ErrorParts;
}

/**
 * Takes any thrown value apart. `quiet`: no stack (for the causes of toolkit errors, which
 * are part of an expected failure).
 */
export function describeError(error: unknown, depth = 0, quiet = false): ErrorParts {
  if (!(error instanceof Error)) {
    return {
      name: "Error",
      headline: String(error),
      details: [],
      problems: [],
      expected: false,
      todo: FAULT_ADVICE,
    };
  }
  const expected = error instanceof ItkpdError;
  let message = error.message;
  const hint = expected ? (error as ItkpdError).hint : undefined;
  if (hint && message.endsWith(`\n  hint: ${hint}`)) {
    message = message.slice(0, -`\n  hint: ${hint}`.length);
  }
  let problems: Problem[] = [];
  if (error instanceof InputError && error.problems.length) {
    problems = [...error.problems];
    const block = `\n${formatProblems(error.problems)}`;
    if (message.endsWith(block)) message = message.slice(0, -block.length);
  }
  let where: string | undefined;
  if (error instanceof ParseError) {
    where = error.line === undefined ? error.file : `${error.file}:${error.line}`;
    if (message.startsWith(`${where}: `)) message = message.slice(where.length + 2);
  } else if (error instanceof NetworkError && error.url) {
    where = error.url;
  } else if (error instanceof ServerError) {
    where = `${error.command} (HTTP ${error.status})`;
  }
  let lines = message.split("\n");
  if (error instanceof ApiValidationError) {
    problems = [
      ...error.missing.map((path) => ({ path, message: "missing" })),
      ...error.invalid,
      ...error.unsupported.map((path) => ({ path, message: "unsupported key (ignored)" })),
    ];
    lines = lines.filter((l) => !/^\s+(missing|invalid|unsupported key \(ignored\)): /.test(l));
  }
  const [first = "", ...details] = lines;
  let headline = first.replace(/:\s*$/, "");
  // "where" is shown beside the headline: don't say it twice ("getComponent failed with HTTP 500").
  if (error instanceof ServerError) {
    const repeat = `${error.command} failed with HTTP ${error.status}`;
    if (headline.startsWith(repeat)) {
      headline = headline.slice(repeat.length).replace(/^[:;,]\s*/, "");
    }
    if (headline === "") headline = "the service answered with an error";
  }
  const parts: ErrorParts = {
    name: error.name || "Error",
    headline: headline.trim(),
    details: details.map((d) => d.trim()).filter((d) => d !== ""),
    where,
    problems,
    hint,
    todo: hint ?? adviceFor(error),
    expected,
  };
  if (!expected && !quiet && error.stack) parts.stack = stackOnly(error.stack);
  if (error.cause !== undefined && depth < 3) {
    parts.cause = describeError(error.cause, depth + 1, quiet || expected);
  }
  return parts;
}

/** The "at …" lines of a stack, without the message repeated on top. */
function stackOnly(stack: string): string {
  const lines = stack.split("\n");
  const first = lines.findIndex((l) => /^\s+at /.test(l));
  return (first < 0 ? lines : lines.slice(first)).map((l) => l.trim()).join("\n");
}

/** The first place of an error: its `where`, or its first problem's path. */
export function placeOf(parts: ErrorParts): string | undefined {
  return parts.where ?? parts.problems[0]?.path ?? parts.cause?.where;
}

/** General advice by error class, for errors without a hint. */
function adviceFor(error: Error): string {
  if (!(error instanceof ItkpdError)) return FAULT_ADVICE;
  if (error instanceof ParseError) return "fix the file at the place shown and run again";
  if (error instanceof InputError) return "fix the input at the places shown and run again";
  if (error instanceof UsageError) return "check the command's --help";
  if (error instanceof TimeoutError) return "try again later, or raise the time limit";
  if (error instanceof NetworkError) {
    return error.maybeSent
      ? "check the connection; the request may have arrived: check before sending it again"
      : "check the connection and try again";
  }
  if (error instanceof AuthError) return "check the access codes and log in again";
  if (error instanceof NotFoundError) return "check the code or serial number";
  if (error instanceof ServerError) {
    return "read the service's message; try again if it is temporary";
  }
  return "read the message above";
}
