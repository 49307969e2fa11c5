import assert from "node:assert/strict";
import { join } from "node:path";
import { InputError, ParseError } from "../../lib/errors.ts";
import {
  formatJson,
  parseTestRunJson,
  readInputText,
  readTestRunFile,
  writeJsonFile,
} from "../../lib/upload/mod.ts";

Deno.test("parseTestRunJson", async (t) => {
  await t.step("reads an object, with or without a byte-order mark", () => {
    assert.deepEqual(parseTestRunJson('{"a": 1}', "f.json"), { a: 1 });
    assert.deepEqual(parseTestRunJson('\uFEFF{"a": [true]}', "f.json"), { a: [true] });
  });

  const cases: [string, string, number, number][] = [
    ['{\n  "a": }\n', 'expected a value, found "}"', 2, 8],
    ['{"a": 1,\n}', 'expected a key in double quotes, found "}"', 2, 1],
    ['{"a": 1\n "b": 2}', "expected ',' or '}' after a value", 2, 2],
    ['{"a": "x', "a string is not closed", 1, 9],
    ["", "the text ends too early", 1, 1],
    ['{"a": tru}', 'expected a value, found "t"', 1, 7],
    ['{"a": 01}', "a number must not start with 0", 1, 8],
  ];
  for (const [text, reason, line, column] of cases) {
    await t.step(`a JSON mistake gives file, line ${line} and column ${column}`, () => {
      assert.throws(() => parseTestRunJson(text, "run.json"), (e) => {
        assert.ok(e instanceof ParseError);
        assert.equal(e.file, "run.json");
        assert.equal(e.line, line);
        const start =
          `run.json:${line}: not valid JSON at line ${line}, column ${column}: ${reason}`;
        assert.ok(e.message.startsWith(start), e.message);
        return true;
      });
    });
  }

  await t.step("JSON that is not an object is an InputError", () => {
    assert.throws(() => parseTestRunJson("[1]", "l.json"), (e) => {
      assert.ok(e instanceof InputError && !(e instanceof ParseError));
      assert.match(e.message, /^l\.json: a test-run file holds one JSON object .*not a list/);
      return true;
    });
    assert.throws(() => parseTestRunJson("null", "n.json"), /not null/);
  });
});

Deno.test("parseTestRunJson refuses what JSON.parse lets through", async (t) => {
  const refused = (text: string) => {
    try {
      parseTestRunJson(text, "run.json");
    } catch (e) {
      assert.ok(e instanceof InputError, String(e));
      return e;
    }
    assert.fail("not refused");
  };
  await t.step("a key given twice, with its path and both lines", () => {
    const e = refused('{\n  "results": {"A": 1,\n    "A": 2}\n}');
    assert.ok(!(e instanceof ParseError));
    assert.equal(e.problems.length, 1);
    assert.equal(e.problems[0].path, "$.results.A");
    assert.match(e.problems[0].message, /given twice in one object \(lines 2 and 3\)/);
  });
  await t.step("numbers that overflow a double: 1e999, 2.5E+400, a 20-million-digit number", () => {
    const huge = "9".repeat(20_000_000);
    const e = refused(`{"results": {"A": 1e999, "B": [2.5E+400, -${huge}]}}`);
    assert.deepEqual(e.problems.map((p) => p.path), [
      "$.results.A",
      "$.results.B[0]",
      "$.results.B[1]",
    ]);
    assert.match(
      e.problems[2].message,
      /\(20,000,001 characters\).*too large to be a finite number/,
    );
  });
  await t.step("control characters and lone surrogates in strings, by path", () => {
    const e = refused(
      '{"runNumber": "1\\u001b[2J", "properties": {"OPERATOR": "a\\u0000b", "X": "\\ud800"},' +
        ' "comments": ["two\\nlines are fine here"]}',
    );
    assert.deepEqual(e.problems.map((p) => p.path), [
      "$.runNumber",
      "$.properties.OPERATOR",
      "$.properties.X",
    ]);
    assert.match(e.problems[0].message, /ESC \(\\x1b\)/);
    assert.match(e.problems[2].message, /lone surrogate/);
  });
  await t.step("nesting 10,000 levels deep: one ParseError, no stack overflow", () => {
    const deep = '{"a": ' + "[".repeat(10_000) + "]".repeat(10_000) + "}";
    assert.throws(() => parseTestRunJson(deep, "deep.json"), (e: unknown) => {
      assert.ok(e instanceof ParseError);
      assert.match(e.message, /^deep\.json:1: not valid JSON at line 1, column \d+: nested deeper/);
      return true;
    });
  });
});

Deno.test("reading and writing files", async (t) => {
  const dir = await Deno.makeTempDir({ prefix: "itkpd_upload_files_" });
  try {
    await t.step("writeJsonFile writes 2-space JSON with a final newline", async () => {
      const path = join(dir, "out.json");
      await writeJsonFile(path, { a: [1], b: null });
      assert.equal(await Deno.readTextFile(path), formatJson({ a: [1], b: null }));
      assert.equal(formatJson({ a: 1 }), '{\n  "a": 1\n}\n');
      assert.deepEqual(await readTestRunFile(path), { a: [1], b: null });
    });

    await t.step(
      "an absent file is an InputError naming the file as the user wrote it",
      async () => {
        await assert.rejects(
          readTestRunFile(join(dir, "nope.json"), "nope.json"),
          (e) => {
            assert.ok(e instanceof InputError);
            assert.match(e.message, /^nope\.json: cannot read the test-run file \(no such file\)/);
            return true;
          },
        );
        await assert.rejects(readInputText(dir, "DAGE file"), /it is a folder/);
      },
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
