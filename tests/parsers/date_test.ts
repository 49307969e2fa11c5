/** Dates that must be real (lib/parsers/date.ts). */
import assert from "node:assert/strict";
import { isoDate, parseDageDate, parseUserDate } from "../../lib/parsers/date.ts";

Deno.test("parseDageDate: MM/DD/YYYY and HH:MM[:SS], real calendar dates only", async (t) => {
  const good: [string, string | undefined, string][] = [
    ["10/09/2018", "14:05:32", "2018-10-09T14:05:32.000Z"],
    ["1/2/2018", "9:05", "2018-01-02T09:05:00.000Z"],
    ["02/29/2024", "00:00:00", "2024-02-29T00:00:00.000Z"],
    ["12/31/2099", "23:59:59", "2099-12-31T23:59:59.000Z"],
    [" 10/09/2018 ", undefined, "2018-10-09T00:00:00.000Z"],
  ];
  for (const [date, time, iso] of good) {
    await t.step(`${date} ${time ?? ""} → ${iso}`, () => {
      const d = parseDageDate(date, time);
      assert.ok(d.ok, JSON.stringify(d));
      assert.equal(isoDate(d.value), iso);
    });
  }
  const bad: [string, string | undefined, RegExp][] = [
    ["yesterday", "14:05:32", /DATE "yesterday" is not a date MM\/DD\/YYYY/],
    ["2018-13-45", "14:05:32", /is not a date MM\/DD\/YYYY/],
    ["10/09/99999", "14:05:32", /is not a date MM\/DD\/YYYY/],
    ["02/31/2018", "14:05:32", /day 31 does not exist in 2018-02/],
    ["02/29/2023", "14:05:32", /day 29 does not exist in 2023-02/],
    ["13/01/2018", "14:05:32", /month 13 does not exist/],
    ["00/10/2018", undefined, /month 0 does not exist/],
    ["10/09/1899", undefined, /year 1899 is outside 1990…2099/],
    ["10/09/2018", "24:00:00", /TIME "24:00:00" is not a time of day/],
    ["10/09/2018", "noon", /TIME "noon" is not a time HH:MM\[:SS\]/],
  ];
  for (const [date, time, reason] of bad) {
    await t.step(`${date} ${time ?? ""}: refused`, () => {
      const d = parseDageDate(date, time);
      assert.ok(!d.ok);
      assert.match(d.reason, reason);
    });
  }
});

Deno.test("parseUserDate: YYYY-MM-DD and YYYY-MM-DDTHH:MM[:SS]", () => {
  const d = parseUserDate("2018-10-09T14:05");
  assert.ok(d.ok && d.hasTime);
  assert.equal(isoDate(d.value), "2018-10-09T14:05:00.000Z");
  const day = parseUserDate("2018-10-09");
  assert.ok(day.ok && !day.hasTime);
  assert.equal(isoDate(day.value), "2018-10-09T00:00:00.000Z");
  for (const text of ["2018-13-45", "2018-02-31", "10/09/2018", "2018-10-09T25:00", "soon"]) {
    assert.equal(parseUserDate(text).ok, false, text);
  }
});
