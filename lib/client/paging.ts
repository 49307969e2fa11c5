/**
 * Paging through list answers: `pageInfo {pageIndex, pageSize, total}` in and out; items under
 * `pageItemList`, `itemList` or `testRunList`.
 *
 * @module
 */
import { ServerError } from "../errors.ts";

/** Default page size (the real service has been used with 3000). */
export const DEFAULT_PAGE_SIZE = 1000;

/** The item keys a list answer may use. */
const ITEM_KEYS = ["pageItemList", "itemList", "testRunList"] as const;

/** Sends one page request and gives back the answer. */
export type PageFetcher = (dtoIn: Record<string, unknown>) => Promise<unknown>;

/** Options of {@link paginateWith}. */
export interface PaginateOptions {
  /** Items per page (default {@link DEFAULT_PAGE_SIZE}). */
  pageSize?: number;
  /** Stop after this many pages (default: no limit). */
  maxPages?: number;
}

/**
 * The items of a list answer, whichever key holds them; `undefined` when none does.
 *
 * @example
 * ```ts
 * import { itemsOf } from "./paging.ts";
 * itemsOf({ itemList: [1, 2] }); // [1, 2]
 * ```
 */
export function itemsOf(answer: unknown): unknown[] | undefined {
  if (!answer || typeof answer !== "object") return undefined;
  for (const key of ITEM_KEYS) {
    const list = (answer as Record<string, unknown>)[key];
    if (Array.isArray(list)) return list;
  }
  return undefined;
}

/**
 * Yields every item of a list command, page by page. Stops at the last page (by `total`, or by
 * a short or empty page); an answer without `pageInfo` is taken as the whole list.
 *
 * @param command For messages.
 * @param fetchPage Sends `dtoIn` (with `pageInfo` set) and gives back the answer.
 *
 * @example
 * ```ts
 * import { paginateWith } from "./paging.ts";
 * const data = [1, 2, 3, 4, 5];
 * const pages = paginateWith("listX", async (dto) => {
 *   const { pageIndex, pageSize } = dto.pageInfo as { pageIndex: number; pageSize: number };
 *   return { pageItemList: data.slice(pageIndex * pageSize, (pageIndex + 1) * pageSize),
 *     pageInfo: { pageIndex, pageSize, total: data.length } };
 * }, {}, { pageSize: 2 });
 * for await (const item of pages) console.log(item);
 * ```
 */
export async function* paginateWith(
  command: string,
  fetchPage: PageFetcher,
  dtoIn: Record<string, unknown> = {},
  options: PaginateOptions = {},
): AsyncGenerator<unknown, void, undefined> {
  for await (const items of pagesWith(command, fetchPage, dtoIn, options)) yield* items;
}

/**
 * The items of each page of a list command, by the rules of {@link paginateWith} (which yields
 * them one by one): a list read whole takes one step per page, not one per item.
 *
 * @example
 * ```ts
 * import { pagesWith } from "./paging.ts";
 * const pages = pagesWith("listX", async () => ({ itemList: [1, 2] }));
 * for await (const items of pages) console.log(items); // [1, 2]
 * ```
 */
export async function* pagesWith(
  command: string,
  fetchPage: PageFetcher,
  dtoIn: Record<string, unknown> = {},
  options: PaginateOptions = {},
): AsyncGenerator<unknown[], void, undefined> {
  const given = (dtoIn.pageInfo ?? {}) as { pageIndex?: number; pageSize?: number };
  const pageSize = options.pageSize ?? given.pageSize ?? DEFAULT_PAGE_SIZE;
  let pageIndex = given.pageIndex ?? 0;
  let previousFirst: string | undefined;
  for (let pages = 0; options.maxPages === undefined || pages < options.maxPages; pages++) {
    const answer = await fetchPage({ ...dtoIn, pageInfo: { pageIndex, pageSize } });
    const items = itemsOf(answer);
    if (!items) {
      throw new ServerError(
        command,
        200,
        {},
        `${command} answered without a list (pageItemList, itemList or testRunList)`,
      );
    }
    // A page's first item, to tell a service that ignores pageInfo (the same page again): only
    // when a page was asked before (the first page of a short list needs no copy of it).
    const first = pages > 0 && items.length ? JSON.stringify(items[0]) : undefined;
    if (first !== undefined && first === previousFirst) {
      throw new ServerError(
        command,
        200,
        {},
        `${command} answered page ${pageIndex} with the same items as the page before; ` +
          "the service seems to ignore pageInfo",
      );
    }
    yield items;
    const info = (answer as { pageInfo?: { pageSize?: number; total?: number } }).pageInfo;
    if (!info) return; // not paged: the whole list
    const size = info.pageSize ?? pageSize;
    if (items.length === 0 || items.length < size) return;
    if (typeof info.total === "number" && (pageIndex + 1) * size >= info.total) return;
    previousFirst = first ?? JSON.stringify(items[0]);
    pageIndex++;
  }
}
