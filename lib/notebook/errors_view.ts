/**
 * Readable errors: one error (what, where, the problems, what to do) or a list of item
 * failures (which file or module failed, why, what to do). Toolkit errors never show a stack
 * trace; other errors are program faults and show theirs (folded away in HTML).
 *
 * @example
 * ```ts
 * import { ParseError } from "../errors.ts";
 * import { errorView } from "./errors_view.ts";
 * const e = new ParseError("pulls.csv", 12, "load is not a number: \"abc\"", {
 *   hint: "correct line 12 or delete it",
 * });
 * console.log(errorView(e).toString());
 * ```
 *
 * @module
 */

import { $display, type Displayable, type MimeBundle } from "../display/mime.ts";
import { describeError, type ErrorParts, placeOf } from "./_describe_error.ts";
export type { ErrorParts } from "./_describe_error.ts";
import { escapeControls, escapeHtml } from "../escape.ts";
import { NO_MATH, table } from "./table.ts";

/** Options of {@linkcode errorView}. */
export interface ErrorViewOptions {
  /** A line above the error ("Upload of 20UPGM22110001 failed"). */
  title?: string;
}

const RED = "#cf222e";

/**
 * One error, readable. Renders as HTML in the kernel; `toString()` gives text.
 *
 * @example
 * ```ts
 * import { InputError } from "../errors.ts";
 * import { ErrorView } from "./errors_view.ts";
 * const v = new ErrorView(new InputError("bad results", [{ path: "$.MEAN", message: "NaN" }]));
 * v.parts.problems.length; // 1
 * ```
 */
export class ErrorView implements Displayable {
  /** The error taken apart. */
  readonly parts: ErrorParts;
  /** The title, if any. */
  readonly title?: string;

  constructor(error: unknown, options: ErrorViewOptions = {}) {
    this.parts = describeError(error);
    this.title = options.title;
  }

  /** The error as text: headline, place, problems, what to do; a stack only for faults. */
  toString(): string {
    const out: string[] = [];
    if (this.title) out.push(e(this.title));
    textOf(this.parts, out, "");
    return out.join("\n");
  }

  /** The error as HTML; every text is escaped. */
  toHtml(): string {
    const title = this.title
      ? `<div style="font-weight:bold;margin-bottom:0.3em">${h(this.title)}</div>`
      : "";
    return `<div class="itkpd-error ${NO_MATH}" style="border-left:4px solid ${RED};padding:0.4em 0.8em">` +
      title + htmlOf(this.parts) + "</div>";
  }

  /** The MIME bundle: `text/html` and `text/plain`. */
  [$display](): MimeBundle {
    return { "text/plain": this.toString(), "text/html": this.toHtml() };
  }
}

/**
 * Makes an {@linkcode ErrorView} of any thrown value.
 *
 * @example In a notebook cell
 * ```ts
 * import { errorView } from "./errors_view.ts";
 * try {
 *   JSON.parse("{");
 * } catch (e) {
 *   console.log(errorView(e, { title: "reading the results" }).toString());
 * }
 * ```
 */
export function errorView(error: unknown, options: ErrorViewOptions = {}): ErrorView {
  return new ErrorView(error, options);
}

/** One item of a batch that failed: the file or module, and the error. */
export interface ItemFailure {
  /** The file or module (serial number) that failed. */
  item: string;
  /** What was thrown. */
  error: unknown;
}

/** Options of {@linkcode failuresView}. */
export interface FailuresViewOptions {
  /** The title; "N items failed" by default. */
  title?: string;
  /** Problems listed per item at most. Default 3. */
  maxProblems?: number;
}

/**
 * A list of item failures as a table: item, error, where, what failed, what to do.
 *
 * @example
 * ```ts
 * import { ParseError } from "../errors.ts";
 * import { FailuresView } from "./errors_view.ts";
 * const v = new FailuresView([{ item: "a.csv", error: new ParseError("a.csv", 3, "bad") }]);
 * v.rows[0].where; // "a.csv:3"
 * ```
 */
export class FailuresView implements Displayable {
  /** One row per failure. */
  readonly rows: readonly FailureRow[];
  /** The title. */
  readonly title: string;

  constructor(failures: readonly ItemFailure[], options: FailuresViewOptions = {}) {
    const maxProblems = options.maxProblems ?? 3;
    this.rows = failures.map((f) => rowOf(f, maxProblems));
    const n = failures.length;
    this.title = options.title ??
      (n === 0 ? "No failures" : `${n} item${n === 1 ? "" : "s"} failed`);
  }

  /** The failures as an aligned text table. */
  toString(): string {
    return this.#table().toString();
  }

  /** The failures as an HTML table; every text is escaped. */
  toHtml(): string {
    return `<div class="itkpd-failures">${this.#table().toHtml()}</div>`;
  }

  /** The MIME bundle: `text/html` and `text/plain`. */
  [$display](): MimeBundle {
    return { "text/plain": this.toString(), "text/html": this.toHtml() };
  }

  #table() {
    return table(this.rows, {
      title: this.title,
      columns: ["item", "error", "where", "problem", "what to do"],
      maxRows: Infinity,
    });
  }
}

/** One line of a {@linkcode FailuresView} (a row of its {@linkcode table}). */
export type FailureRow = {
  /** The file or module. */
  item: string;
  /** The error class. */
  error: string;
  /** `file:line`, JSON path or command. */
  where: string;
  /** What failed: the headline and the first problems. */
  problem: string;
  /** What to do. */
  "what to do": string;
};

/**
 * Makes a {@linkcode FailuresView} of the failed items of a batch.
 *
 * @example
 * ```ts
 * import { NetworkError } from "../errors.ts";
 * import { failuresView } from "./errors_view.ts";
 * const v = failuresView([
 *   { item: "20UPGM22110001", error: new NetworkError("connection reset", { maybeSent: false }) },
 * ]);
 * console.log(v.toString());
 * ```
 */
export function failuresView(
  failures: readonly ItemFailure[],
  options: FailuresViewOptions = {},
): FailuresView {
  return new FailuresView(failures, options);
}

function rowOf(failure: ItemFailure, maxProblems: number): FailureRow {
  const parts = describeError(failure.error);
  const problems = parts.problems.slice(0, maxProblems).map((p) => `${p.path}: ${p.message}`);
  const more = parts.problems.length - problems.length;
  if (more > 0) problems.push(`… ${more} more`);
  return {
    item: failure.item,
    error: parts.name,
    where: placeOf(parts) ?? "",
    problem: [parts.headline, ...problems].filter((t) => t !== "").join("; "),
    "what to do": parts.todo,
  };
}

/** Text of an error for display: one line, every control character escaped. */
const e = (text: string) => escapeControls(text);
/** The same for HTML. */
const h = (text: string) => escapeHtml(escapeControls(text));

function textOf(parts: ErrorParts, out: string[], indent: string, isCause = false): void {
  const mark = isCause ? "" : "✗ ";
  out.push(
    `${indent}${mark}${e(parts.name)}${parts.where ? ` at ${e(parts.where)}` : ""}: ` +
      e(parts.headline),
  );
  for (const d of parts.details) out.push(`${indent}  ${e(d)}`);
  if (parts.problems.length) {
    out.push(`${indent}  problems:`);
    for (const p of parts.problems) out.push(`${indent}    ${e(p.path)}: ${e(p.message)}`);
  }
  if (!isCause) out.push(`${indent}  what to do: ${e(parts.todo)}`);
  if (parts.stack) { for (const l of parts.stack.split("\n")) out.push(`${indent}    ${e(l)}`); }
  if (parts.cause) {
    out.push(`${indent}  caused by:`);
    textOf(parts.cause, out, `${indent}    `, true);
  }
}

function htmlOf(parts: ErrorParts, isCause = false): string {
  const out: string[] = [];
  out.push(
    `<div><span style="color:${RED};font-weight:bold">${isCause ? "" : "✗ "}${
      h(parts.name)
    }</span>` +
      (parts.where ? ` at <code>${h(parts.where)}</code>` : "") +
      `: ${h(parts.headline)}</div>`,
  );
  if (parts.details.length) {
    out.push(`<pre style="margin:0.2em 0">${parts.details.map(h).join("\n")}</pre>`);
  }
  if (parts.problems.length) {
    out.push(
      '<ul style="margin:0.2em 0">' +
        parts.problems.map((p) => `<li><code>${h(p.path)}</code>: ${h(p.message)}</li>`)
          .join("") +
        "</ul>",
    );
  }
  if (!isCause) out.push(`<div><b>What to do:</b> ${h(parts.todo)}</div>`);
  if (parts.stack) {
    out.push(
      `<details><summary>stack trace</summary><pre>${
        parts.stack.split("\n").map(h).join("\n")
      }</pre></details>`,
    );
  }
  if (parts.cause) {
    out.push(
      `<div style="margin-left:1em;margin-top:0.3em">caused by:${htmlOf(parts.cause, true)}</div>`,
    );
  }
  return out.join("");
}
