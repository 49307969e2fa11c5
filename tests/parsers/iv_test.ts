import assert from "node:assert/strict";
import { ParseError } from "../../lib/errors.ts";
import { MAX_IV_PROBLEMS, MAX_IV_ROWS, parseIv } from "../../lib/parsers/iv.ts";
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

Deno.test("parseIv: bounded and strict", async (t) => {
  await t.step("values that overflow a double are rejected rows with file:line", () => {
    const iv = parseIv(
      `U[V] I[uA]\n0 -0.1\n-2 1e999\n-4 ${"9".repeat(400)}\n-6 -0.3\n`,
      "iv.txt",
    );
    assert.deepEqual(iv.voltage, [0, -6]);
    assert.deepEqual(iv.errors, [
      { path: "iv.txt:3", message: 'I[uA] value "1e999" is too large to be a finite number' },
      {
        path: "iv.txt:4",
        message:
          'I[uA] value "99999999999999999999"… (400 characters) is too large to be a finite number',
      },
    ]);
  });
  await t.step("a control character in the header: refused with its line", () => {
    assert.throws(() => parseIv("\nU[V]\x1b[2J I[uA]\n0 1\n", "iv.txt"), (e: unknown) => {
      assert.ok(e instanceof ParseError);
      assert.equal(e.line, 2);
      assert.match(e.message, /the header contains ESC \(\\x1b\)/);
      return true;
    });
  });
  await t.step(`more than ${MAX_IV_ROWS.toLocaleString("en")} rows: refused as a whole`, () => {
    const text = "U[V] I[uA]\n" + "0 1\n".repeat(MAX_IV_ROWS + 1);
    assert.throws(() => parseIv(text, "big.txt"), /more than 100,000 rows/);
  });
  await t.step(`rejected rows: ${MAX_IV_PROBLEMS} listed, the rest counted`, () => {
    const iv = parseIv("U[V] I[uA]\n0 1\n" + "x y\n".repeat(3000), "bad.txt");
    assert.equal(iv.errors.length, MAX_IV_PROBLEMS + 1);
    assert.equal(iv.errors.at(-1)?.message, "… and 2,000 more rejected rows (the last here)");
  });
});

Deno.test("parseIv: the header's # lines give the conditions, as written", async (t) => {
  await t.step("keys in any case, a unit after the key or the value; comments ignored", () => {
    const iv = parseIv(
      "# IV scan of module 7\n# OPERATOR: Jane Doe\n#Temperature [C] = -20.5\n" +
        "# rh: 35 %\n\nU[V] Imean[uA]\n-2 -0.1\n",
      "iv.txt",
    );
    assert.deepEqual(iv.header, {
      operator: { text: "Jane Doe", line: 2 },
      temperature: { text: "-20.5", unit: "C", line: 3 },
      humidity: { text: "35 %", line: 4 },
    });
    assert.equal(iv.headerLine, 6);
    assert.deepEqual(iv.voltage, [-2]);
    assert.deepEqual(parseIv("U[V] I[uA]\n1 2\n", "x").header, {});
  });
  await t.step("a key given twice, or a control character: refused with the line", () => {
    assert.throws(
      () => parseIv("# Temp: 1\n# Temperature: 2\nU[V] I[uA]\n1 2\n", "iv.txt"),
      (e: unknown) => e instanceof ParseError && e.line === 2 && /given twice/.test(e.message),
    );
    assert.throws(
      () => parseIv("# Operator: a\x1bb\nU[V] I[uA]\n1 2\n", "iv.txt"),
      (e: unknown) => e instanceof ParseError && /control characters/.test(e.message),
    );
  });
});
