/**
 * What was not done, grouped by cause: one row per cause (the problem in words, how many items,
 * where each one is), and what to do said once — not the same file name and advice on every
 * row. The per-item view is {@linkcode failuresView} of errors_view.ts.
 *
 * @example
 * ```ts
 * import { InputError } from "../errors.ts";
 * import { failureGroups } from "./failure_groups.ts";
 * const missing = (serial: string) =>
 *   new InputError(`${serial}.csv: not uploaded`, [
 *     { path: `${serial}.csv`, message: `component ${serial} does not exist in ITkPD` },
 *   ], { hint: "register the modules first" });
 * const view = failureGroups([
 *   { item: "20UPGM20000198.csv", error: missing("20UPGM20000198") },
 *   { item: "20UPGM20000199.csv", error: missing("20UPGM20000199") },
 * ], { title: "2 files not uploaded" });
 * view.groups.length; // 1
 * console.log(view.toString());
 * ```
 *
 * @module
 */

import { $display, type Displayable, type MimeBundle } from "../display/mime.ts";
import { describeError, placeOf } from "./_describe_error.ts";
import { escapeHtml } from "../escape.ts";
import { table } from "./table.ts";
import type { ItemFailure } from "./errors_view.ts";

/** Options of {@linkcode failureGroups}. */
export interface FailureGroupsOptions {
  /** The title; "N items not done, for M causes" by default. */
  title?: string;
  /** Places listed per cause at most; the rest are counted. Default 12. */
  maxPlaces?: number;
}

/** One cause and the items it stopped. */
export interface FailureGroup {
  /** The problem in words, without the item's own name. */
  cause: string;
  /** The error class ("InputError", "NetworkError", …). */
  error: string;
  /** The items (files, modules) with this cause, in order of appearance. */
  items: string[];
  /** Where each one is: `file:line`, a JSON path, or the item. */
  places: string[];
  /** What to do about it. */
  todo: string;
}

/**
 * Failures grouped by cause. Renders as HTML in the kernel; `toString()` gives text. When every
 * cause has the same remedy it is said once, under the title; otherwise once per cause.
 *
 * @example
 * ```ts
 * import { NetworkError } from "../errors.ts";
 * import { FailureGroupsView } from "./failure_groups.ts";
 * const lost = new NetworkError("connection reset", { maybeSent: true });
 * const v = new FailureGroupsView([{ item: "a.csv", error: lost }, { item: "b.csv", error: lost }]);
 * v.groups[0].items; // ["a.csv", "b.csv"]
 * ```
 */
export class FailureGroupsView implements Displayable {
  /** The causes, in order of first appearance. */
  readonly groups: readonly FailureGroup[];
  /** The title. */
  readonly title: string;
  /** The remedy of every cause when they share one, else undefined. */
  readonly sharedTodo?: string;
  readonly #maxPlaces: number;

  constructor(failures: readonly ItemFailure[], options: FailureGroupsOptions = {}) {
    this.groups = groupFailures(failures);
    this.#maxPlaces = Math.max(1, options.maxPlaces ?? 12);
    const items = new Set(failures.map((f) => f.item)).size;
    const causes = this.groups.length;
    this.title = options.title ??
      (items === 0
        ? "Nothing failed"
        : `${items} item${items === 1 ? "" : "s"} not done, for ${causes} cause${
          causes === 1 ? "" : "s"
        }`);
    const todos = new Set(this.groups.map((g) => g.todo));
    this.sharedTodo = todos.size === 1 ? [...todos][0] : undefined;
  }

  /** The causes as an aligned text table, the shared remedy once under the title. */
  toString(): string {
    const text = this.#table().toString().split("\n");
    if (this.sharedTodo) text.splice(1, 0, `what to do: ${this.sharedTodo}`);
    return text.join("\n");
  }

  /** The causes as an HTML table; every text is escaped. */
  toHtml(): string {
    const todo = this.sharedTodo
      ? `<div style="margin:0.2em 0"><b>What to do:</b> ${escapeHtml(this.sharedTodo)}</div>`
      : "";
    const html = this.#table().toHtml();
    // The shared remedy goes between the title line and the table.
    const cut = html.indexOf("<table");
    return `<div class="itkpd-failure-groups">${html.slice(0, cut)}${todo}${html.slice(cut)}</div>`;
  }

  /** The MIME bundle: `text/html` and `text/plain`. */
  [$display](): MimeBundle {
    return { "text/plain": this.toString(), "text/html": this.toHtml() };
  }

  #table() {
    const rows = this.groups.map((g) => {
      const shown = g.places.slice(0, this.#maxPlaces);
      const more = g.places.length - shown.length;
      return {
        cause: g.cause,
        items: g.items.length,
        where: shown.join(", ") + (more > 0 ? `, … ${more} more` : ""),
        "what to do": g.todo,
      };
    });
    return table(rows, {
      title: this.title,
      columns: this.sharedTodo ? ["cause", "items", "where"] : [
        "cause",
        "items",
        "where",
        "what to do",
      ],
      maxRows: Infinity,
    });
  }
}

/**
 * Makes a {@linkcode FailureGroupsView}: the failures of a batch grouped by cause.
 *
 * @example
 * ```ts
 * import { ParseError } from "../errors.ts";
 * import { failureGroups } from "./failure_groups.ts";
 * const v = failureGroups([
 *   { item: "a.csv", error: new ParseError("a.csv", 3, "TEST line cannot be read") },
 *   { item: "b.csv", error: new ParseError("b.csv", 9, "TEST line cannot be read") },
 * ]);
 * v.groups[0].places; // ["a.csv:3", "b.csv:9"]
 * ```
 */
export function failureGroups(
  failures: readonly ItemFailure[],
  options: FailureGroupsOptions = {},
): FailureGroupsView {
  return new FailureGroupsView(failures, options);
}

/** Splits every failure into its problems and groups them by cause, error class and remedy. */
function groupFailures(failures: readonly ItemFailure[]): FailureGroup[] {
  const groups = new Map<string, FailureGroup>();
  for (const { item, error } of failures) {
    const parts = describeError(error);
    const entries = parts.problems.length
      ? parts.problems.map((p) => ({ cause: p.message, place: p.path }))
      : [{ cause: parts.headline, place: placeOf(parts) ?? item }];
    for (const entry of entries) {
      const cause = withoutItem(entry.cause, item) || parts.name;
      const key = `${parts.name}\u0000${cause}\u0000${parts.todo}`;
      let group = groups.get(key);
      if (!group) {
        group = { cause, error: parts.name, items: [], places: [], todo: parts.todo };
        groups.set(key, group);
      }
      if (!group.items.includes(item)) group.items.push(item);
      const place = entry.place || item;
      if (!group.places.includes(place)) group.places.push(place);
    }
  }
  return [...groups.values()];
}

/**
 * A cause without the item's own name: its file name, and the stem of that name (a module's
 * serial number) when it is long enough not to be a common word.
 */
function withoutItem(text: string, item: string): string {
  const base = item.split("/").pop() ?? item;
  const stem = base.replace(/\.[^.]*$/, "");
  let out = text.split(item).join("");
  if (base !== item) out = out.split(base).join("");
  if (stem.length >= 6) out = out.split(stem).join("");
  return out.replace(/^[\s:;,]+/, "").replace(/\s{2,}/g, " ").replace(/\s+([:;,)])/g, "$1")
    .trim();
}
