/**
 * Reading TEST lines (lib/parsers/_dage_test.ts): the reader of the plain DAGE shape, which
 * reads straight from the text for speed, gives exactly what the general reader gives, for
 * every line it takes; every other line is left to the general reader.
 */
import assert from "node:assert/strict";
import { parseTestLine, readPlainTestLine } from "../../lib/parsers/_dage_test.ts";
import { parseDage } from "../../lib/parsers/dage.ts";
import type { DageHeader } from "../../lib/parsers/dage_types.ts";
import { seededRandom } from "../../lib/fixtures/_prng.ts";

/** A header in effect, with this load unit. */
function headerWith(loadUnit: string | undefined): DageHeader {
  return { ...parseDage(`"LOADUNIT","g"\n"TEST",1,"1",1,0,"0","a"\n`).headers[0], loadUnit };
}

/** The plain reader on a line of its own (as parseDage gives it a line of the file). */
function plain(line: string, header: DageHeader | undefined) {
  const text = `x\n${line}\r\ny`;
  return readPlainTestLine(text, 2, 2 + line.length, 7, header);
}

Deno.test("readPlainTestLine: the same test as parseTestLine, or none", async (t) => {
  const g = headerWith("g");
  await t.step("the DAGE shape is read, as the general reader reads it", () => {
    for (
      const line of [
        `"TEST",1,"1",10.525,0.021440,"0","r1 20g"`,
        `"TEST",60,"1",7.7885,0.015867,"0","r2 24g "`,
        `"TEST",007,"6",0,-3.5e-2,"1","  spaced label  "`,
        `"TEST",12,"A b",1e3,+.5,"","L"`,
        `"TEST",3,"2",5.,-0,"0",""`,
      ]
    ) {
      const fast = plain(line, g);
      assert.ok(fast, line);
      assert.deepStrictEqual(fast, parseTestLine(line, 7, g).test, line);
    }
  });
  await t.step("anything else is left to the general reader", () => {
    for (
      const line of [
        `"TEST", 1,"1",10.5,0,"0","a"`, // a space
        `"TEST",1,"1","10.5",0,"0","a"`, // a quoted number
        `"TEST",1," 1",10.5,0,"0","a"`, // a code with a space at its end
        `"TEST",1,"1",10.5,0,"0","a,b"`, // a comma inside
        `"TEST",1,"1",10.5,0,"0","a""b"`, // an escaped quote
        `"TEST",1,"1",10.5,0,"0","a\u00e9"`, // not ASCII
        `"TEST",1,"1",10.5,0,"0","a\tb"`, // a control character
        `"TEST",1,"1",-1,0,"0","a"`, // negative load
        `"TEST",1,"1",1e999,0,"0","a"`, // not finite
        `"TEST",1,"1",200000,0,"0","a"`, // out of range
        `"TEST",1,"1",1,2e6,"0","a"`, // second value out of range
        `"TEST",1,"1",1.2.3,0,"0","a"`,
        `"TEST",1,"1",1e,0,"0","a"`,
        `"TEST",1,"1",.,0,"0","a"`,
        `"TEST",1234567890123456,"1",1,0,"0","a"`, // not a safe index
        `"TEST",+1,"1",1,0,"0","a"`, // an index with a sign
        `"TEST",1.5,"1",1,0,"0","a"`, // an index that is not whole
        `"TEST",1e2,"1",1,0,"0","a"`,
        `"TEST",,"1",1,0,"0","a"`,
        `"TEST",1,"",1,0,"0","a"`, // an empty grade code
        `"TEST",1,1,1,0,"0","a"`, // an unquoted grade code
        `"TEST",1,"1",1,0,0,"a"`, // an unquoted flag
        `"TEST",1,"1",1,0,"0",a`, // an unquoted label
        `"TEST",1,"1",1,0,"0""a"`, // a missing comma
        `"TEST",1,"1",1,,"0","a"`, // an empty number
        `"TEST",1,"1",1,0,"0","a"x`,
        `"TEST",1,"1",1,0,"0"`,
        `"TEST",1,"1",1,0,"0","a",`,
        `TEST,1,"1",1,0,"0","a"`,
      ]
    ) {
      assert.equal(plain(line, g), undefined, line);
    }
    assert.equal(plain(`"TEST",1,"1",1,0,"0","a"`, undefined), undefined, "no header");
    assert.equal(plain(`"TEST",1,"1",1,0,"0","a"`, headerWith(undefined)), undefined);
    assert.equal(plain(`"TEST",1,"1",1,0,"0","a"`, headerWith("furlong")), undefined);
  });
  await t.step("numbers: exactly Number()'s value, for 20,000 generated ones", () => {
    const random = seededRandom(16).next;
    const digits = (n: number) =>
      Array.from({ length: n }, () => String(Math.floor(random() * 10))).join("");
    const units = [headerWith("g"), headerWith("mN"), headerWith("kg")];
    let read = 0;
    for (let k = 0; k < 20_000; k++) {
      const int = digits(Math.floor(random() * 12));
      const frac = random() < 0.7 ? `.${digits(Math.floor(random() * 12))}` : "";
      const exp = random() < 0.3
        ? `${random() < 0.5 ? "e" : "E"}${["", "+", "-"][Math.floor(random() * 3)]}${
          Math.floor(random() * 30)
        }`
        : "";
      const sign = ["", "", "+", "-"][Math.floor(random() * 4)];
      const load = `${int}${frac}${exp}`;
      const second = `${sign}${digits(1 + Math.floor(random() * 8))}${frac}${exp}`;
      const line = `"TEST",${k},"1",${load},${second},"0","r1 20g"`;
      const header = units[k % units.length];
      const fast = plain(line, header);
      const general = parseTestLine(line, 7, header).test;
      if (fast === undefined) {
        assert.equal(general, undefined, `the plain reader refused a valid line: ${line}`);
        continue;
      }
      read++;
      assert.deepStrictEqual(fast, general, line);
      assert.ok(Object.is(fast.loadRaw.value, Number(load)), line);
      assert.ok(Object.is(fast.secondValue, Number(second)), line);
    }
    assert.ok(read > 5_000, `many of them are valid (${read})`);
  });
});

Deno.test("parseDage: a repeated header block is passed over with its line numbers", () => {
  const block = `"LOADUNIT","g"\n"OPERATOR","x"\n`;
  const text = `\n${block}"TEST",1,"1",1,0,"0","a"\n\n${block}"TEST",2,"1",2,0,"0","a"\n` +
    `\n${block}"TIME","10:00:00"\n"TEST",3,"1",3,0,"0","a"\n`;
  const r = parseDage(text, "f.csv");
  assert.deepEqual(r.tests.map((t) => t.line), [4, 8, 13]);
  assert.equal(r.headers.length, 2, "the third block differs (a line more)");
  assert.equal(r.tests[0].header, r.tests[1].header);
  assert.equal(r.tests[2].header.time, "10:00:00");
  // Each distinct block lacks DATE (…): said once, at its first line.
  assert.deepEqual(r.warnings.map((w) => w.path), ["f.csv:2", "f.csv:10"]);
});
