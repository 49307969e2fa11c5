import assert from "node:assert/strict";
import { InputError } from "../../lib/errors.ts";
import { ivConditions } from "../../lib/analysis/iv_conditions.ts";
import { parseIv } from "../../lib/parsers/iv.ts";

const TABLE = "U[V] Imean[uA]\n-2 -0.1\n";
const parsed = (header: string) => parseIv(header + TABLE, "iv.txt");

Deno.test("IV conditions", async (t) => {
  await t.step("from the header: units read, each with its line", () => {
    const r = ivConditions(parsed("# Operator: Jane Doe\n# Temp = 253.15 K\n# RH: 35 %RH\n"));
    assert.deepEqual(r.conditions, {
      operator: { value: "Jane Doe", from: "iv.txt:1 (header)" },
      temperature: { value: -20, from: "iv.txt:2 (header)" },
      humidity: { value: 35, from: "iv.txt:3 (header)" },
    });
    assert.deepEqual(r.lines, [
      "operator Jane Doe from iv.txt:1 (header)",
      "temperature -20 °C from iv.txt:2 (header)",
      "humidity 35 % from iv.txt:3 (header)",
    ]);
    assert.deepEqual(r.notes, []);
  });

  await t.step("a given value wins over the header, and a note says so", () => {
    const r = ivConditions(parsed("# Temperature [C]: -20\n"), {
      temperature: -25,
      humidity: 10,
    });
    assert.deepEqual(r.conditions.temperature, { value: -25, from: "--temperature" });
    assert.deepEqual(r.conditions.humidity, { value: 10, from: "--humidity" });
    assert.deepEqual(r.notes, [
      'iv.txt:1: the header\'s temperature "-20" is replaced by -25 °C (--temperature)',
    ]);
    assert.equal(r.lines[0], "no operator: none in the file's header and no --operator");
    // The same value given: no note.
    assert.deepEqual(
      ivConditions(parsed("# Temperature [C]: -20\n"), { temperature: -20 }).notes,
      [],
    );
  });

  await t.step(
    "every header value that cannot be used, with its line; a flag may replace one",
    () => {
      const bad = parsed("# Temperature: 293 C\n# Humidity: 120\n# Operator: \n");
      assert.throws(() => ivConditions(bad), (e: unknown) => {
        assert.ok(e instanceof InputError);
        assert.deepEqual(e.problems, [
          { path: "iv.txt:3", message: "the operator is empty" },
          { path: "iv.txt:1", message: "temperature: 293 is outside -100 … 100 C" },
          { path: "iv.txt:2", message: "humidity: 120 is outside 0 … 100 %" },
        ]);
        return true;
      });
      const fixed = ivConditions(bad, { temperature: 20, humidity: 40, operator: "A" });
      assert.equal(fixed.notes.length, 3);
      assert.throws(
        () => ivConditions(parsed("# Temperature: 20 F\n")),
        /temperature unit "F" unknown \(C or K\)/,
      );
    },
  );

  await t.step("given values are checked too", () => {
    assert.throws(() => ivConditions(parsed(""), { humidity: Infinity }), /--humidity/);
    assert.throws(() => ivConditions(parsed(""), { operator: "a\x1bb" }), /control characters/);
  });
});
