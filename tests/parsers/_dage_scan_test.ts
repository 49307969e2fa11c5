/**
 * Scanning DAGE files (lib/parsers/_dage_scan.ts): a header block that repeats the current one
 * verbatim is passed over at once, with the empty lines before it; the result is the one of
 * reading every line, on random files of good and bad lines.
 */
import assert from "node:assert/strict";
import { scanDage } from "../../lib/parsers/_dage_scan.ts";
import type { DageParseResult } from "../../lib/parsers/dage_types.ts";
import { seededRandom } from "../../lib/fixtures/_prng.ts";

const BLOCKS = [
  [`"DATE","10/09/2018"`, `"TIME","14:05:32"`, `"OPERATOR","Op"`, `"LOADUNIT","g"`],
  [`"DATE","10/09/2018"`, `"TIME","14:05:33"`, `"OPERATOR","Op"`, `"LOADUNIT","g"`],
  [`"DATE","10/09/2018"`, `"TIME","14:05:32"`, `"OPERATOR","Op"`, `"LOADUNIT","mN"`],
  [`"LOADUNIT","g"`],
  [`"LOADUNIT","g"`, `"LOADUNIT","g"`],
  [`"TESTX","1"`, `"LOADUNIT","g"`],
];

/** Lines that may stand anywhere: empty, blank, TEST lines good and bad, look-alikes. */
const LOOSE = [
  "",
  "",
  "   ",
  `"TEST"`,
  `"TEST"x,1`,
  `TEST,5,"1",3,0,"0","a"`,
  ` "TEST" ,6,"1",3,0,"0","a"`,
  `"TEST",7,"1",abc,0,"0","a"`,
  `"TEST",8,"1",1e999,0,"0","a"`,
  `,`,
];

/** A random file: blocks (often the same again) with TEST lines, empty lines, odd lines. */
function randomFile(random: () => number): string {
  const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)];
  const out: string[] = [];
  let index = 1;
  const blocks = 1 + Math.floor(random() * 12);
  let block = pick(BLOCKS);
  for (let b = 0; b < blocks; b++) {
    if (random() < 0.3) block = pick(BLOCKS);
    for (let k = Math.floor(random() * 3); k > 0; k--) out.push(random() < 0.8 ? "" : pick(LOOSE));
    out.push(...block);
    if (random() < 0.1) out.push(pick(LOOSE));
    for (let k = random() < 0.9 ? 1 : Math.floor(random() * 3); k > 0; k--) {
      const load = random() < 0.9 ? (random() * 20).toFixed(3) : pick(["x", "-1", "1e999"]);
      out.push(`"TEST",${random() < 0.9 ? index++ : index + 3},"1",${load},0.01,"0","r1"`);
    }
  }
  const crlf = random() < 0.3;
  let text = out.map((l) => (crlf && random() < 0.9 ? `${l}\r` : l)).join("\n");
  if (random() < 0.7) text += "\n";
  return random() < 0.1 ? `\ufeff${text}` : text;
}

/** The result, and which header each test has (as an index: the objects are shared). */
function shape(r: DageParseResult) {
  return { r, headerOf: r.tests.map((t) => r.headers.indexOf(t.header)) };
}

Deno.test("scanDage: passing over repeated header blocks gives the result of reading every line", () => {
  const random = seededRandom(1604).next;
  let passedOver = 0;
  for (let k = 0; k < 3000; k++) {
    const text = randomFile(random);
    const fast = scanDage(text, `f${k}.csv`, true);
    const reference = scanDage(text, `f${k}.csv`, false);
    assert.deepStrictEqual(shape(fast), shape(reference), JSON.stringify(text));
    passedOver += fast.tests.length - fast.headers.length;
  }
  assert.ok(passedOver > 3000, `repeated blocks were there to pass over (${passedOver})`);
});
