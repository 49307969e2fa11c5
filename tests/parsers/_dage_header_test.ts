/**
 * Reading DAGE header blocks (lib/parsers/_dage_header.ts): the lines read before, in this file
 * or another, are not read again; what a block gives (fields, lines, quantities, every warning
 * and error with its place) is the same as when each of its lines is read anew.
 */
import assert from "node:assert/strict";
import { parseDage } from "../../lib/parsers/dage.ts";
import { seededRandom } from "../../lib/fixtures/_prng.ts";

const REFERENCE_HEADER = [
  `"TESTER","4000Plus","20001013"`,
  `"DATE","10/09/2018"`,
  `"TIME","14:05:32"`,
  `"TESTGROUP","Destructive Wire Pull"`,
  `"Batch","G3 Dummy Pull strength analysis"`,
  `"Serial Number","20UPGM20000001"`,
  `"USERFIELD6",""`,
  `"OPERATOR","Default operator"`,
  `"LOADUNIT","g"`,
  `"CARTRIDGE","25 g","20397512","Wire Pull"`,
  `"TESTTYPE","Destruct"`,
  `"TESTSPEED",300,"um/s"`,
  `"TESTLOAD",15,"g"`,
  `"MAXTESTLOAD",25,"g"`,
  `"FALLBACK",30,"%"`,
];

/** Values a mutated line may get: good ones, and every kind the header reader refuses. */
const VALUES = [
  "7",
  "15",
  "1e999",
  "-5",
  "200000",
  "abc",
  "",
  " 12 ",
  "Op\x1berator",
  "a\u202eb",
  "13/45/2024",
  "02/29/2023",
  "25:00:00",
  "10:00",
  "01/08/2024",
  "mN",
  "kg",
  "furlong",
  "x".repeat(300),
];

/** A header block: the reference one, with random changes. */
function randomBlock(random: () => number): string[] {
  const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)];
  const lines = [...REFERENCE_HEADER];
  const changes = Math.floor(random() * 4);
  for (let k = 0; k < changes; k++) {
    const i = Math.floor(random() * lines.length);
    const key = lines[i].slice(0, lines[i].indexOf(","));
    switch (Math.floor(random() * 9)) {
      case 0:
        lines[i] = `${key},"${pick(VALUES)}"`;
        break;
      case 1:
        lines[i] = `${key},${pick(VALUES)},"${pick(VALUES)}"`;
        break;
      case 2:
        lines.splice(i, 1);
        break;
      case 3:
        lines.splice(i, 0, lines[Math.floor(random() * lines.length)]); // a key again
        break;
      case 4:
        lines.splice(i, 0, pick(["", "  ", `,"no key"`, `"unterminated,"x`]));
        break;
      case 5:
        lines.splice(i, 0, `"LONG","${pick(VALUES)}${"y".repeat(300)}"`);
        break;
      case 6:
      case 7: {
        // One character changed (a line of the same length: the usual change between files).
        const at = Math.floor(random() * lines[i].length);
        lines[i] = lines[i].slice(0, at) + pick([...'0123456789aZ ,"\x1b']) +
          lines[i].slice(at + 1);
        break;
      }
      default:
        lines[i] = `${key},"${pick(VALUES)}","${pick(VALUES)}"`;
    }
  }
  return lines;
}

/** A file of blocks, each followed by a TEST line. */
function fileOf(blocks: string[][], crlf: boolean): string {
  const end = crlf ? "\r\n" : "\n";
  return blocks.map((b, i) => `${b.join(end)}${end}"TEST",${i + 1},"1",8.5,0.01,"0","r1"${end}`)
    .join(end);
}

/** A file whose header lines are like no other: after it, every line is read anew. */
const UNRELATED = fileOf([Array.from({ length: 60 }, (_, i) => `"FLUSH${i}","${i}"`)], false);

Deno.test("parseHeaderBlock: lines read before give what reading them anew gives", () => {
  const random = seededRandom(2026).next;
  let compared = 0;
  for (let k = 0; k < 600; k++) {
    // Files of one to three blocks; most like the file before (a batch), some the same again.
    const blocks = Array.from({ length: 1 + Math.floor(random() * 3) }, () => randomBlock(random));
    const text = fileOf(blocks, random() < 0.3);
    const warm = parseDage(text, `f${k}.csv`);
    parseDage(UNRELATED, "flush.csv");
    const anew = parseDage(text, `f${k}.csv`);
    assert.deepStrictEqual(warm, anew, text);
    compared += warm.warnings.length + warm.errors.length;
    if (random() < 0.2) assert.deepStrictEqual(parseDage(text, `f${k}.csv`), anew, text);
  }
  // The random blocks did reach the checks (bad values, repeated keys, unreadable lines).
  assert.ok(compared > 500, `only ${compared} problems compared`);
});

Deno.test("parseHeaderBlock: a header line read in a file before is checked in this one", () => {
  const good = fileOf([REFERENCE_HEADER], false);
  parseDage(good, "a.csv");
  const bad = fileOf([REFERENCE_HEADER.map((l) => l.replace("Default", "Def\x07ault"))], false);
  const r = parseDage(bad, "b.csv");
  assert.deepStrictEqual(r.errors, [{
    path: "b.csv:8",
    message: "OPERATOR contains BEL (\\x07): control characters are not accepted",
  }]);
  const overload = fileOf(
    [REFERENCE_HEADER.map((l) => l.replace('TESTLOAD",15', 'TESTLOAD",1e6'))],
    false,
  );
  assert.match(parseDage(overload, "c.csv").errors[0].message, /^TESTLOAD value "1e6" g refused/);
  assert.deepStrictEqual(parseDage(good, "a.csv").errors, []);
});
