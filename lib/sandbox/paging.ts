/**
 * Pagination of list answers: input `pageInfo {pageIndex, pageSize}`, answer
 * `pageInfo {pageIndex, pageSize, total}`.
 *
 * @module
 */

/** Page size when the input gives none. */
export const DEFAULT_PAGE_SIZE = 100;
/** Largest page size served; larger requests are clamped to it. */
const MAX_PAGE_SIZE = 3000;

/** A page request resolved to offset and limit. */
export interface Page {
  pageIndex: number;
  pageSize: number;
  offset: number;
}

/** Resolves an (already validated) `pageInfo` input, clamping the size to 1..MAX_PAGE_SIZE. */
export function pageOf(pageInfo: unknown): Page {
  const p = (pageInfo ?? {}) as { pageIndex?: number; pageSize?: number };
  const pageIndex = p.pageIndex ?? 0;
  const pageSize = Math.min(Math.max(p.pageSize ?? DEFAULT_PAGE_SIZE, 1), MAX_PAGE_SIZE);
  return { pageIndex, pageSize, offset: pageIndex * pageSize };
}

/** The page of an in-memory list, and the answer's `pageInfo`. */
export function paginate<T>(items: T[], page: Page): {
  pageItemList: T[];
  pageInfo: { pageIndex: number; pageSize: number; total: number };
} {
  return {
    pageItemList: items.slice(page.offset, page.offset + page.pageSize),
    pageInfo: { pageIndex: page.pageIndex, pageSize: page.pageSize, total: items.length },
  };
}
