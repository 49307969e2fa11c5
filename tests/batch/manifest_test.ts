/** A batch's manifest (lib/batch/manifest.ts): values checked like any other input. */
import assert from "node:assert/strict";
import { InputError, ParseError } from "../../lib/errors.ts";
import { parseManifest } from "../../lib/batch/manifest.ts";
import { isoDate } from "../../lib/parsers/date.ts";

Deno.test("parseManifest", async (t) => {
  await t.step("CSV with a date column: a real date, kept with its place", () => {
    const m = parseManifest(
      "file,component,date\na.csv,20UPGM20000001,2018-10-09\nb.csv,20UPGM20000002,\n",
      "/data/manifest.csv",
    );
    const a = m.get("/data/a.csv")!;
    assert.equal(isoDate(a.date!.parts), "2018-10-09T00:00:00.000Z");
    assert.equal(a.date!.from, "/data/manifest.csv:2 (date)");
    assert.equal(m.get("/data/b.csv")!.date, undefined);
  });
  await t.step("dates that are not real, control characters: every one with its line", () => {
    const text = "file,component,institution,date\n" +
      "a.csv,20UPGM20000001,,2018-02-31\n" +
      "b.csv,20UPGM20000002,,yesterday\n" +
      '"c\x1b[2J.csv",20UPGM20000003,,\n' +
      "d.csv,20UPGM20000004,LAB\u202e,\n";
    assert.throws(() => parseManifest(text, "m.csv"), (e: unknown) => {
      assert.ok(e instanceof InputError);
      assert.deepEqual(e.problems.map((p) => p.path), ["m.csv:2", "m.csv:3", "m.csv:4", "m.csv:5"]);
      assert.match(e.problems[0].message, /^date: "2018-02-31" is not a real date/);
      assert.match(e.problems[2].message, /^file contains ESC/);
      assert.match(e.problems[3].message, /^institution contains the bidirectional control/);
      return true;
    });
  });
  await t.step("JSON: a key given twice, a date, a deep document", () => {
    assert.throws(
      () => parseManifest('{"a.csv": "20UPGM20000001", "a.csv": "20UPGM20000002"}', "m.json"),
      (e: unknown) => {
        assert.ok(e instanceof InputError);
        assert.equal(e.problems[0].path, 'm.json $["a.csv"]');
        assert.match(e.problems[0].message, /given twice/);
        return true;
      },
    );
    const m = parseManifest(
      '[{"file": "a.csv", "component": "20UPGM20000001", "date": "2018-10-09T14:05:32"}]',
      "/d/m.json",
    );
    assert.equal(isoDate(m.get("/d/a.csv")!.date!.parts), "2018-10-09T14:05:32.000Z");
    assert.throws(() => parseManifest("[".repeat(5000), "deep.json"), ParseError);
  });
});
