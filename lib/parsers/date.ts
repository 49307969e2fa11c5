/**
 * Dates and times as the input files write them, checked to be real: DAGE's `DATE`
 * (MM/DD/YYYY, SPEC §3) and `TIME` (HH:MM[:SS]), and the `--date` flag / manifest `date` column
 * (`YYYY-MM-DD`, or `YYYY-MM-DDTHH:MM[:SS]`). A day that does not exist (`02/31/2018`), a month
 * 13, a year outside {@link MIN_YEAR} … {@link MAX_YEAR} or anything else (`yesterday`) is an
 * error, never dropped or rolled over.
 *
 * @module
 */

/** Earliest year accepted (no ITk test is older). */
export const MIN_YEAR = 1990;
/** Latest year accepted. */
export const MAX_YEAR = 2099;

/** A calendar date and a wall-clock time, as numbers. */
export interface DateTimeParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

/** A date read, or why it cannot be. */
export type DateResult = { ok: true; value: DateTimeParts } | { ok: false; reason: string };

function daysIn(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

function checkDay(year: number, month: number, day: number): string | undefined {
  if (year < MIN_YEAR || year > MAX_YEAR) return `year ${year} is outside ${MIN_YEAR}…${MAX_YEAR}`;
  if (month < 1 || month > 12) return `month ${month} does not exist`;
  if (day < 1 || day > daysIn(year, month)) {
    return `day ${day} does not exist in ${year}-${String(month).padStart(2, "0")}`;
  }
  return undefined;
}

const TIME = /^(\d{1,2}):(\d{2})(?::(\d{2}))?$/;

/** Reads `HH:MM[:SS]` (24-hour clock). */
export function parseClockTime(
  text: string,
): { ok: true; hour: number; minute: number; second: number } | { ok: false; reason: string } {
  const m = TIME.exec(text.trim());
  if (!m) return { ok: false, reason: `${JSON.stringify(text)} is not a time HH:MM[:SS]` };
  const hour = Number(m[1]);
  const minute = Number(m[2]);
  const second = Number(m[3] ?? "0");
  if (hour > 23 || minute > 59 || second > 59) {
    return { ok: false, reason: `${JSON.stringify(text)} is not a time of day` };
  }
  return { ok: true, hour, minute, second };
}

const DAGE_DATE = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/;

/**
 * Reads a DAGE `DATE` (MM/DD/YYYY) and, when given, its `TIME`.
 *
 * @example
 * ```ts
 * import { parseDageDate } from "./date.ts";
 * parseDageDate("10/09/2018", "14:05:32").ok; // true
 * parseDageDate("02/31/2018").ok; // false: day 31 does not exist in 2018-02
 * ```
 */
export function parseDageDate(date: string, time?: string): DateResult {
  const m = DAGE_DATE.exec(date.trim());
  if (!m) {
    return { ok: false, reason: `DATE ${JSON.stringify(date)} is not a date MM/DD/YYYY` };
  }
  const month = Number(m[1]);
  const day = Number(m[2]);
  const year = Number(m[3]);
  const bad = checkDay(year, month, day);
  if (bad) return { ok: false, reason: `DATE ${JSON.stringify(date)} is not a real date: ${bad}` };
  if (time === undefined) {
    return { ok: true, value: { year, month, day, hour: 0, minute: 0, second: 0 } };
  }
  const t = parseClockTime(time);
  if (!t.ok) return { ok: false, reason: `TIME ${t.reason}` };
  return {
    ok: true,
    value: { year, month, day, hour: t.hour, minute: t.minute, second: t.second },
  };
}

const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?)?$/;

/**
 * Reads a date given by the user (`--date`, a manifest's `date` column): `YYYY-MM-DD` or
 * `YYYY-MM-DDTHH:MM[:SS]`.
 *
 * @example
 * ```ts
 * import { parseUserDate } from "./date.ts";
 * parseUserDate("2018-10-09T14:05").ok; // true
 * parseUserDate("2018-13-45").ok; // false
 * ```
 */
export function parseUserDate(text: string): DateResult & { hasTime?: boolean } {
  const m = ISO.exec(text.trim());
  if (!m) {
    return {
      ok: false,
      reason: `${JSON.stringify(text)} is not a date YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS]`,
    };
  }
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const bad = checkDay(year, month, day);
  if (bad) return { ok: false, reason: `${JSON.stringify(text)} is not a real date: ${bad}` };
  let clock = { hour: 0, minute: 0, second: 0 };
  if (m[4] !== undefined) {
    const t = parseClockTime(`${m[4]}:${m[5]}${m[6] ? `:${m[6]}` : ""}`);
    if (!t.ok) return { ok: false, reason: `${JSON.stringify(text)}: ${t.reason}` };
    clock = t;
  }
  return { ok: true, value: { year, month, day, ...clock }, hasTime: m[4] !== undefined };
}

const p2 = (n: number) => String(n).padStart(2, "0");

/**
 * The ITkPD form of a date (`2018-10-09T14:05:32.000Z`): the wall-clock time written as if it
 * were UTC (the files carry no time zone).
 */
export function isoDate(p: DateTimeParts): string {
  return `${p.year}-${p2(p.month)}-${p2(p.day)}T${p2(p.hour)}:${p2(p.minute)}:${p2(p.second)}.000Z`;
}

/** `YYYYMMDD-HHMMSS`, the date part of a derived run number. */
export function compactDate(p: DateTimeParts): string {
  return `${p.year}${p2(p.month)}${p2(p.day)}-${p2(p.hour)}${p2(p.minute)}${p2(p.second)}`;
}

/** `2018-10-09 14:05:32`, for summaries. */
export function readableDate(p: DateTimeParts): string {
  return `${p.year}-${p2(p.month)}-${p2(p.day)} ${p2(p.hour)}:${p2(p.minute)}:${p2(p.second)}`;
}
