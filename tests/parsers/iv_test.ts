import assert from "node:assert/strict";
import { ParseError } from "../../lib/errors.ts";
import { parseIv } from "../../lib/parsers/iv.ts";
import { reference } from "../_helpers/assertions.ts";

const REFERENCE = reference("sample_IV_curve.txt");

Deno.test("parseIv: reference file", () => {
  const iv = parseIv(Deno.readTextFileSync(REFERENCE), "iv.txt");
  assert.deepEqual(iv.columns, ["U", "Imean", "Isem"]);
  assert.deepEqual(iv.units, { voltage: "V", current: "uA", sem: "uA" });
  assert.equal(iv.voltage.length, 51);
  assert.equal(iv.voltage[0], 0);
  assert.equal(iv.voltage[50], -100);
  assert.equal(iv.current[1], -0.0009557814239999999);
  assert.equal(iv.sem[50], 0.00023644622994531143);
  assert.deepEqual(iv.errors, []);
  assert.equal(iv.lines[0], 2);
});

Deno.test("parseIv: variations and errors", async (t) => {
  await t.step("spaces, CRLF, blank lines, no sem column", () => {
    const iv = parseIv("\r\nU[mV]   I[nA]\r\n 0  -1.5 \r\n\r\n-2000 -3\r\n", "a.txt");
    assert.deepEqual(iv.voltage, [0, -2000]);
    assert.deepEqual(iv.current, [-1.5, -3]);
    assert.deepEqual(iv.sem, []);
    assert.deepEqual(iv.units, { voltage: "mV", current: "nA" });
    assert.equal(iv.headerLine, 2);
    assert.deepEqual(iv.lines, [3, 5]);
  });
  await t.step("bad rows are reported with file:line and left out", () => {
    const iv = parseIv("U[V] Imean[uA] Isem[uA]\n0 1 2\n-2 abc 0.1\n-4 1\n-6 1 1\n", "b.txt");
    assert.deepEqual(iv.voltage, [0, -6]);
    assert.deepEqual(iv.errors, [
      { path: "b.txt:3", message: 'Imean[uA] value "abc" is not a number' },
      { path: "b.txt:4", message: "row has 2 value(s), expected 3 (U[V] Imean[uA] Isem[uA])" },
    ]);
  });
  await t.step("missing header: ParseError at line 1", () => {
    assert.throws(() => parseIv("0 1 2\n", "c.txt"), (e: unknown) => {
      assert.ok(e instanceof ParseError);
      assert.equal(e.line, 1);
      assert.match(e.message, /^c\.txt:1: not an IV table header: "0 1 2"/);
      return true;
    });
  });
  await t.step("empty file and no valid row", () => {
    assert.throws(() => parseIv("", "d.txt"), /d\.txt: empty file: no IV table/);
    assert.throws(
      () => parseIv("U[V] I[uA]\nx y\n", "e.txt"),
      (e: unknown) => e instanceof ParseError && e.line === 2 && /no valid IV row/.test(e.message),
    );
  });
});
