import assert from "node:assert/strict";
import { InputError, ParseError } from "../../lib/errors.ts";
import { parseDage, parseDageFile, parseDageStrict, requireTests } from "../../lib/parsers/mod.ts";
import { reference } from "../_helpers/assertions.ts";

const REFERENCE = reference("sample_wirebond_data.csv");

const HEADER = [
  `"TESTER","4000Plus","20001013"`,
  `"DATE","10/09/2018"`,
  `"TIME","14:05:32"`,
  `"OPERATOR","Default operator"`,
  `"LOADUNIT","g"`,
  `"TESTSPEED",300,"um/s"`,
  `"TESTLOAD",15,"g"`,
];
const test = (i: number, load: string | number, label = "r1 20g", grade = "1") =>
  `"TEST",${i},"${grade}",${load},0.021440,"0","${label}"`;

/** A file with a header block before every test (the reference layout). */
function perTest(loads: (string | number)[], header = HEADER): string[] {
  return loads.flatMap((l, i) => ["", ...header, test(i + 1, l)]);
}

Deno.test("parseDage: reference file", async (t) => {
  const r = await parseDageFile(REFERENCE);
  await t.step("60 valid pulls, no problems", () => {
    assert.equal(r.tests.length, 60);
    assert.deepEqual(r.errors, []);
    assert.deepEqual(r.warnings, []);
  });
  await t.step("statistics of the original", () => {
    const loads = r.tests.map((x) => x.load);
    const mean = loads.reduce((a, b) => a + b, 0) / loads.length;
    const std = Math.sqrt(loads.reduce((a, b) => a + (b - mean) ** 2, 0) / (loads.length - 1));
    assert.ok(Math.abs(mean - 8.702613) < 1e-6, `mean ${mean}`);
    assert.ok(Math.abs(std - 1.272768) < 1e-6, `std ${std}`);
    assert.equal(Math.max(...loads), 10.997);
    assert.equal(Math.min(...loads), 5.5805);
  });
  await t.step("identical header blocks are one shared header with every field", () => {
    assert.equal(r.headers.length, 1);
    const h = r.headers[0];
    assert.equal(h.line, 2);
    assert.ok(r.tests.every((x) => x.header === h));
    assert.deepEqual(h.tester, ["4000Plus", "20001013"]);
    assert.equal(h.date, "10/09/2018");
    assert.equal(h.time, "14:05:32");
    assert.equal(h.operator, "Default operator");
    assert.equal(h.loadUnit, "g");
    assert.equal(h.testGroup, "Destructive Wire Pull");
    assert.equal(h.testType, "Destruct");
    assert.deepEqual(h.testSpeed, { value: 300, unit: "um/s" });
    assert.deepEqual(h.testLoad, { value: 15, unit: "g" });
    assert.deepEqual(h.maxTestLoad, { value: 25, unit: "g" });
    assert.deepEqual(h.fallback, { value: 30, unit: "%" });
    assert.deepEqual(h.fields.CARTRIDGE, ["25 g", "20397512", "Wire Pull"]);
    assert.deepEqual(h.fields["USERFIELD10"], [""]);
    assert.deepEqual(h.fields.Batch, ["G3 Dummy Pull strength analysis"]);
    assert.equal(Object.keys(h.fields).length, 22);
  });
  await t.step("first and last test, trimmed label", () => {
    const first = r.tests[0];
    assert.equal(first.line, 24);
    assert.equal(first.index, 1);
    assert.equal(first.gradeCode, "1");
    assert.equal(first.load, 10.525);
    assert.deepEqual(first.loadRaw, { value: 10.525, unit: "g" });
    assert.equal(first.secondValue, 0.02144);
    assert.equal(first.flag, "0");
    assert.equal(first.label, "r1 20g");
    const last = r.tests[59];
    assert.equal(last.line, 1440);
    assert.equal(last.label, "r2 24g");
    assert.equal(r.tests.filter((x) => x.gradeCode === "4").length, 5);
  });
});

Deno.test("parseDage: variations of real files", async (t) => {
  const base = perTest([10.5, 9.5, 8.5]).join("\n") + "\n";
  const ref = parseDage(base, "a.csv");
  const same = (r: ReturnType<typeof parseDage>) => {
    assert.deepEqual(r.tests.map((x) => x.load), [10.5, 9.5, 8.5]);
    assert.deepEqual(r.errors, []);
    assert.deepEqual(r.warnings, []);
  };
  await t.step("plain layout", () => {
    same(ref);
    assert.deepEqual(ref.tests.map((x) => x.line), [9, 18, 27]);
  });
  await t.step("CRLF", () => {
    const r = parseDage(base.replaceAll("\n", "\r\n"), "a.csv");
    same(r);
    assert.deepEqual(r.tests.map((x) => x.line), [9, 18, 27]);
    assert.equal(r.tests[0].label, "r1 20g");
    assert.equal(r.headers[0].time, "14:05:32");
  });
  await t.step("byte-order mark", () => {
    const r = parseDage("\uFEFF" + base, "a.csv");
    same(r);
    assert.deepEqual(r.tests.map((x) => x.line), [9, 18, 27]);
  });
  await t.step("BOM directly before the first header line", () => {
    const r = parseDage("\uFEFF" + base.slice(1), "a.csv");
    same(r);
    assert.equal(r.headers[0].line, 1);
    assert.equal(r.headers[0].tester?.[0], "4000Plus");
  });
  await t.step("blank and whitespace-only lines anywhere", () => {
    const lines = perTest([10.5, 9.5, 8.5]);
    lines.splice(3, 0, "  ", "\t");
    lines.push("", "", "   ");
    const r = parseDage(lines.join("\n"), "a.csv");
    same(r);
    assert.deepEqual(r.tests.map((x) => x.line), [11, 20, 29]);
  });
  await t.step("several tests per header block", () => {
    const text = ["", ...HEADER, test(1, 10.5), test(2, 9.5), "", ...HEADER, test(3, 8.5)];
    const r = parseDage(text.join("\n"), "a.csv");
    same(r);
    assert.deepEqual(r.tests.map((x) => x.line), [9, 10, 19]);
    assert.equal(r.headers.length, 1);
  });
  await t.step("one header for many tests", () => {
    const text = [...HEADER, test(1, 10.5), "", test(2, 9.5), "", test(3, 8.5)];
    const r = parseDage(text.join("\n"), "a.csv");
    same(r);
    assert.equal(r.headers.length, 1);
    assert.ok(r.tests.every((x) => x.header === r.headers[0]));
  });
  await t.step("a header block that changes gets its own header", () => {
    const other = HEADER.map((l) => l.replace("14:05:32", "14:06:00"));
    const text = [...perTest([10.5]), "", ...other, test(2, 9.5)];
    const r = parseDage(text.join("\n"), "a.csv");
    assert.equal(r.headers.length, 2);
    assert.equal(r.tests[1].header.time, "14:06:00");
    assert.equal(r.tests[1].header.line, 11);
    assert.equal(r.tests[0].header.time, "14:05:32");
  });
  await t.step("loads in mN and cN are converted to grams", () => {
    for (const [unit, factor] of [["mN", 9.80665], ["cN", 0.980665], ["N", 0.00980665]] as const) {
      const header = HEADER.map((l) => l.replace(`"LOADUNIT","g"`, `"LOADUNIT","${unit}"`));
      const r2 = parseDage(perTest([10 * factor], header).join("\n"), "u.csv");
      assert.deepEqual(r2.errors, []);
      assert.ok(Math.abs(r2.tests[0].load - 10) < 1e-12, `${unit}: ${r2.tests[0].load}`);
      assert.deepEqual(r2.tests[0].loadRaw, { value: 10 * factor, unit });
    }
  });
  await t.step("unknown load unit: error, not guessed", () => {
    const header = HEADER.map((l) => l.replace(`"LOADUNIT","g"`, `"LOADUNIT","lbf"`));
    const r = parseDage(perTest([10]).join("\n"), "u.csv");
    assert.equal(r.tests.length, 1);
    const r2 = parseDage(perTest([10], header).join("\n"), "u.csv");
    assert.equal(r2.tests.length, 0);
    assert.equal(r2.errors.length, 1);
    assert.equal(r2.errors[0].path, "u.csv:9");
    assert.match(r2.errors[0].message, /load unit "lbf" \(header line 2\) is not known/);
  });
  await t.step("missing lines: a missing TEST line and a missing header field", () => {
    const noOperator = HEADER.filter((l) => !l.startsWith(`"OPERATOR"`));
    const text = [
      ...perTest([10.5]),
      "",
      ...noOperator,
      test(2, 9.5),
      "",
      ...HEADER,
      test(4, 8.5),
    ];
    const r = parseDage(text.join("\n"), "m.csv");
    assert.equal(r.tests.length, 3);
    assert.deepEqual(r.errors, []);
    assert.deepEqual(r.warnings, [
      { path: "m.csv:11", message: "header block lacks OPERATOR" },
      {
        path: "m.csv:26",
        message: "test index jumps from 2 (line 17) to 4: 1 TEST line(s) missing?",
      },
    ]);
    assert.equal(r.tests[1].header.operator, undefined);
  });
  await t.step("missing LOADUNIT: the block's tests are rejected", () => {
    const header = HEADER.filter((l) => !l.startsWith(`"LOADUNIT"`));
    const r = parseDage(perTest([10.5], header).join("\n"), "m.csv");
    assert.equal(r.tests.length, 0);
    assert.deepEqual(r.errors, [{
      path: "m.csv:8",
      message: "the header block of line 2 has no LOADUNIT: the load unit is unknown",
    }]);
    assert.deepEqual(r.warnings, [{ path: "m.csv:2", message: "header block lacks LOADUNIT" }]);
  });
  await t.step("TEST line before any header", () => {
    const r = parseDage(test(1, 10.5) + "\n", "h.csv");
    assert.deepEqual(r.errors, [{
      path: "h.csv:1",
      message: "TEST line before any header block: the load unit (LOADUNIT) is unknown",
    }]);
  });
  await t.step("truncated last line (no final line end)", () => {
    const text = perTest([10.5, 9.5, 8.5]).join("\n");
    const r = parseDage(text.slice(0, -4), "t.csv");
    assert.deepEqual(r.tests.map((x) => x.load), [10.5, 9.5]);
    assert.equal(r.errors.length, 1);
    assert.equal(r.errors[0].path, "t.csv:27");
    assert.match(r.errors[0].message, /^TEST line cannot be read: Quoted field unterminated/);
  });
  await t.step("truncated in the middle of the numbers", () => {
    const text = perTest([10.5, 9.5]).join("\n") + "\n" + `"TEST",3,"1",8.5`;
    const r = parseDage(text, "t.csv");
    assert.equal(r.tests.length, 2);
    assert.deepEqual(r.errors, [{
      path: "t.csv:19",
      message: 'TEST line has 4 fields, expected 7 ("TEST",<index>,"<grade code>",<load>,' +
        '<second value>,"<flag>","<label>"); truncated?',
    }]);
  });
  await t.step("non-numeric loads are rejected with file:line", () => {
    const r = parseDage(perTest([10.5, "ERR", "", "1,5", 8.5]).join("\n"), "n.csv");
    assert.deepEqual(r.tests.map((x) => x.index), [1, 5]);
    assert.deepEqual(r.errors.map((e) => e.path), ["n.csv:18", "n.csv:27", "n.csv:36"]);
    assert.deepEqual(r.tests.map((x) => x.line), [9, 45]);
    assert.equal(r.errors[0].message, 'load "ERR" is not a number');
    assert.equal(r.errors[1].message, 'load "" is not a number');
    assert.equal(
      r.errors[2].message,
      'TEST line has 8 fields, expected 7 ("TEST",<index>,"<grade code>",<load>,' +
        '<second value>,"<flag>","<label>"); a decimal comma or an unquoted comma?',
    );
    assert.deepEqual(r.warnings, []);
  });
  await t.step("hex, Infinity and negative loads are rejected", () => {
    const r = parseDage(perTest(["0x10", "Infinity", -3]).join("\n"), "n.csv");
    assert.equal(r.tests.length, 0);
    assert.deepEqual(r.errors.map((e) => e.message), [
      'load "0x10" is not a number',
      'load "Infinity" is not a number',
      "load -3 is negative",
    ]);
  });
  await t.step("trailing spaces in labels are trimmed", () => {
    const r = parseDage(perTest([10.5]).join("\n").replace("r1 20g", "r2 24g   "), "s.csv");
    assert.equal(r.tests[0].label, "r2 24g");
  });
  await t.step("embedded commas and quotes go through papaparse", () => {
    const text = [...HEADER, `"TEST",1,"1",10.5,0.02,"0","r1, ""20g"""`].join("\n");
    const r = parseDage(text, "q.csv");
    assert.deepEqual(r.errors, []);
    assert.equal(r.tests[0].label, 'r1, "20g"');
  });
  await t.step("unreadable header line is a warning", () => {
    const text = [...HEADER, `"Batch","a"b"`, test(1, 10.5)].join("\n");
    const r = parseDage(text, "w.csv");
    assert.equal(r.tests.length, 1);
    assert.equal(r.warnings.length, 1);
    assert.equal(r.warnings[0].path, "w.csv:8");
    assert.match(r.warnings[0].message, /^header line cannot be read: /);
  });
  await t.step("unknown header keys are kept", () => {
    const text = [...HEADER, `"SITEFIELD","x",3`, test(1, 10.5)].join("\n");
    const r = parseDage(text, "k.csv");
    assert.deepEqual(r.headers[0].fields.SITEFIELD, ["x", "3"]);
  });
  await t.step("header block at the end without TEST line", () => {
    const r = parseDage([...perTest([10.5]), "", ...HEADER].join("\n"), "e.csv");
    assert.equal(r.tests.length, 1);
    assert.deepEqual(r.warnings, [{
      path: "e.csv:11",
      message: "header block not followed by any TEST line (file cut short?)",
    }]);
  });
});

Deno.test("requireTests and parseDageStrict", async (t) => {
  await t.step("no TEST line at all: ParseError naming the file", () => {
    const r = parseDage(HEADER.join("\n"), "empty.csv");
    assert.throws(() => requireTests(r), (e: unknown) => {
      assert.ok(e instanceof ParseError);
      assert.equal(e.file, "empty.csv");
      assert.equal(e.line, undefined);
      assert.match(e.message, /^empty\.csv: no valid TEST line found/);
      return true;
    });
  });
  await t.step("only bad TEST lines: ParseError at the first one, listing all", () => {
    const r = parseDage(perTest(["x", "y"]).join("\n"), "bad.csv");
    assert.throws(() => requireTests(r), (e: unknown) => {
      assert.ok(e instanceof ParseError);
      assert.equal(e.line, 9);
      assert.match(e.message, /^bad\.csv:9: no valid TEST line found; 2 rejected:/);
      assert.match(e.message, /bad\.csv:18: load "y" is not a number/);
      return true;
    });
  });
  await t.step("valid tests: returned as is", () => {
    const r = parseDage(perTest([1]).join("\n"));
    assert.equal(requireTests(r), r);
    assert.equal(r.file, "<input>");
  });
  await t.step("strict: any rejected line is an InputError with every problem", () => {
    assert.throws(() => parseDageStrict(perTest([1, "x"]).join("\n"), "s.csv"), (e: unknown) => {
      assert.ok(e instanceof InputError && !(e instanceof ParseError));
      assert.deepEqual(e.problems, [{ path: "s.csv:18", message: 'load "x" is not a number' }]);
      return true;
    });
    assert.equal(parseDageStrict(perTest([1, 2]).join("\n"), "s.csv").tests.length, 2);
  });
  await t.step("parseDageFile: unreadable file is an InputError naming it", async () => {
    await assert.rejects(parseDageFile("/nonexistent/x.csv"), (e: unknown) => {
      assert.ok(e instanceof InputError);
      assert.match(e.message, /^\/nonexistent\/x\.csv: cannot read the file/);
      return true;
    });
  });
});
