import assert from "node:assert/strict";
import { InputError, ParseError } from "../../lib/errors.ts";
import {
  dageSerial,
  MAX_LINE_PROBLEMS,
  MAX_TESTS,
  parseDage,
  parseDageStrict,
  requireTests,
} from "../../lib/parsers/mod.ts";
import { parseDageFile } from "../../lib/upload/data_files.ts";
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
      assert.match(e.message, /^bad\.csv:9: no valid TEST line found; 2 line\(s\) rejected:/);
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
      assert.match(e.message, /^\/nonexistent\/x\.csv: cannot read the DAGE file \(no such file\)/);
      return true;
    });
  });
});

Deno.test("parseDage: every number finite and in its physical range", async (t) => {
  const rejected = (lines: string[]) => parseDage(lines.join("\n"), "n.csv").errors;
  await t.step("loads that overflow a double, negative or absurd: the line is refused", () => {
    const huge = "9".repeat(20_000_000);
    const r = parseDage(
      perTest(["1e999", "2.5E+400", huge, "-1", "1e300", "100001", 8.5]).join("\n"),
      "n.csv",
    );
    assert.equal(r.tests.length, 1);
    assert.deepEqual(r.errors.map((p) => p.path), [
      "n.csv:9",
      "n.csv:18",
      "n.csv:27",
      "n.csv:36",
      "n.csv:45",
      "n.csv:54",
    ]);
    assert.match(r.errors[0].message, /^load "1e999" is too large to be a finite number$/);
    assert.match(r.errors[2].message, /^load "9{20}"… \(20,000,000 characters\) is too large/);
    assert.match(r.errors[3].message, /^load -1 is negative$/);
    assert.match(r.errors[4].message, /is outside 0 … 100000 g \(no pull tester measures more/);
    assert.ok(r.tests.every((x) => Number.isFinite(x.load)));
  });
  await t.step("a load in kg that is 200 kg: refused after conversion", () => {
    const kg = HEADER.map((l) => l.replace('"LOADUNIT","g"', '"LOADUNIT","kg"'));
    const r = parseDage(perTest([200], kg).join("\n"), "kg.csv");
    assert.match(r.errors[0].message, /^load "200" kg is 200000 g: 200000 is outside 0 … 100000 g/);
  });
  await t.step("the second value: finite and within ±10⁶", () => {
    const line = (second: string) => `"TEST",1,"1",9.5,${second},"0","r1"`;
    const errs = rejected([...HEADER, line("1e999"), ...HEADER, line("2e6")]);
    assert.match(errs[0].message, /^second value "1e999": Infinity is not a finite number$/);
    assert.match(errs[1].message, /^second value "2e6": 2000000 is outside -1000000 … 1000000$/);
  });
  await t.step("a test index that is not a safe whole number", () => {
    const errs = rejected([...HEADER, `"TEST",${"9".repeat(30)},"1",9.5,0.02,"0","r1"`]);
    assert.match(errs[0].message, /^test index "9{20}"… \(30 characters\) is not a whole number$/);
  });
  await t.step("header quantities out of range or not finite: refused with their line", () => {
    const header = [
      ...HEADER.filter((l) => !/TESTSPEED|TESTLOAD/.test(l)),
      `"TESTSPEED",1e999,"um/s"`,
      `"TESTLOAD",-3,"g"`,
      `"MAXTESTLOAD",2.5E+400,"g"`,
      `"FALLBACK",130,"%"`,
    ];
    const r = parseDage([...header, test(1, 9.5)].join("\n"), "h.csv");
    assert.deepEqual(r.errors.map((p) => [p.path, p.message]), [
      ["h.csv:6", 'TESTSPEED value "1e999" um/s refused: too large to be a finite number'],
      ["h.csv:7", 'TESTLOAD value "-3" g refused: -3 is outside 0 … 100000 g'],
      ["h.csv:8", 'MAXTESTLOAD value "2.5E+400" g refused: too large to be a finite number'],
      ["h.csv:9", 'FALLBACK value "130" % refused: 130 is outside 0 … 100 %'],
    ]);
    assert.equal(r.tests[0].header.testSpeed, undefined);
    assert.equal(r.tests.length, 1);
  });
});

Deno.test("parseDage: DATE and TIME must be real", async (t) => {
  for (
    const [date, time, line, reason] of [
      ["yesterday", "14:05:32", 2, /DATE "yesterday" is not a date MM\/DD\/YYYY/],
      ["2018-13-45", "14:05:32", 2, /is not a date MM\/DD\/YYYY/],
      ["10/09/99999", "14:05:32", 2, /is not a date/],
      ["02/31/2018", "14:05:32", 2, /day 31 does not exist in 2018-02/],
      ["10/09/2018", "25:61:00", 3, /TIME "25:61:00" is not a time of day/],
    ] as const
  ) {
    await t.step(`${date} ${time}: an error at line ${line}`, () => {
      const header = HEADER.map((l) =>
        l.startsWith('"DATE"')
          ? `"DATE","${date}"`
          : l.startsWith('"TIME"')
          ? `"TIME","${time}"`
          : l
      );
      const r = parseDage([...header, test(1, 9.5)].join("\n"), "d.csv");
      assert.equal(r.errors.length, 1);
      assert.equal(r.errors[0].path, `d.csv:${line}`);
      assert.match(r.errors[0].message, reason);
    });
  }
});

Deno.test("parseDage: control characters in values that go into a run", async (t) => {
  await t.step("in a label, a grade code or a flag: the TEST line is refused", () => {
    const r = parseDage(
      [...HEADER, test(1, 9.5, "r1\x1b[2J"), test(2, 9.5, "r1\u202e"), test(3, 9, "r1", "1\x00")]
        .join("\n"),
      "c.csv",
    );
    assert.equal(r.tests.length, 0);
    assert.deepEqual(r.errors.map((p) => p.message), [
      "label contains ESC (\\x1b): control characters are not accepted",
      "label contains the bidirectional control (\\u202e): control characters are not accepted",
      "grade code contains NUL (\\x00): control characters are not accepted",
    ]);
  });
  await t.step(
    "in OPERATOR (stored in the run): an error; in another header field: a warning",
    () => {
      const header = [
        ...HEADER.map((l) => l.replace("Default operator", "Eve\x1b]0;pwned\x07")),
        `"Batch","lot\x07"`,
      ];
      const r = parseDage([...header, test(1, 9.5)].join("\n"), "o.csv");
      assert.deepEqual(r.errors, [{
        path: "o.csv:4",
        message: "OPERATOR contains ESC (\\x1b): control characters are not accepted",
      }]);
      assert.deepEqual(r.warnings.map((p) => p.path), ["o.csv:8"]);
    },
  );
});

Deno.test("parseDage: bounded whatever the file holds", async (t) => {
  await t.step(`more than ${MAX_TESTS.toLocaleString("en")} TEST lines: refused as a whole`, () => {
    const text = '"LOADUNIT","g"\n' +
      Array.from({ length: MAX_TESTS + 1 }, (_, i) => `"TEST",${i + 1},"1",9,0,"0","a"`)
        .join("\n");
    assert.throws(() => parseDage(text, "many.csv"), (e: unknown) => {
      assert.ok(e instanceof ParseError);
      assert.equal(e.line, MAX_TESTS + 2);
      assert.match(e.message, /more than 100,000 TEST lines/);
      return true;
    });
  });
  await t.step("a header block of thousands of lines: refused as a whole", () => {
    const text = Array.from({ length: 2000 }, (_, i) => `"K${i}","v"`).join("\n") +
      '\n"TEST",1,"1",9,0,"0","a"\n';
    assert.throws(() => parseDage(text, "h.csv"), /more than 1000 header lines/);
  });
  await t.step(`rejected lines: ${MAX_LINE_PROBLEMS} listed, the rest counted`, () => {
    const text = '"LOADUNIT","g"\n' +
      Array.from({ length: 5000 }, (_, i) => `"TEST",${i + 1},"1",x,0,"0","a"`).join("\n");
    const r = parseDage(text, "bad.csv");
    assert.equal(r.errors.length, MAX_LINE_PROBLEMS + 1);
    assert.deepEqual(r.errors.at(-1), {
      path: "bad.csv:5001",
      message: "… and 4,000 more rejected lines (the last here)",
    });
  });
});

Deno.test("dageSerial", async (t) => {
  const withSerial = (serial: string) =>
    [`"Serial Number","${serial}"`, ...HEADER.slice(1)].join("\n");
  await t.step("the serial of the file, with its line; empty fields ignored", () => {
    const r = parseDage(
      `${withSerial("")}\n${test(1, 9)}\n${withSerial("20UPGM20000011")}\n${test(2, 9)}\n`,
      "s.csv",
    );
    assert.deepEqual(dageSerial(r), { serial: "20UPGM20000011", where: "s.csv:9", problems: [] });
  });
  await t.step("two serials in one file: a problem at the second", () => {
    const r = parseDage(
      `${withSerial("20UPGM20000011")}\n${test(1, 9)}\n${withSerial("20UPGM20000013")}\n${
        test(2, 9)
      }\n`,
      "s.csv",
    );
    const s = dageSerial(r);
    assert.equal(s.serial, "20UPGM20000011");
    assert.deepEqual(s.problems.map((p) => p.path), ["s.csv:9"]);
    assert.match(s.problems[0].message, /one file must hold the pulls of one module/);
  });
});
