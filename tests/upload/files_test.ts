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
import { jsonErrorOffset, lineColumn } from "../../lib/upload/_json_position.ts";

Deno.test("parseTestRunJson", async (t) => {
  await t.step("reads an object, with or without a byte-order mark", () => {
    assert.deepEqual(parseTestRunJson('{"a": 1}', "f.json"), { a: 1 });
    assert.deepEqual(parseTestRunJson('\uFEFF{"a": [true]}', "f.json"), { a: [true] });
  });

  const cases: [string, string, number, number][] = [
    ['{\n  "a": }\n', "Unexpected token '}'", 2, 8],
    ['{"a": 1,\n}', "Expected double-quoted property name", 2, 1],
    ['{"a": 1\n "b": 2}', "Expected ',' or '}' after property value", 2, 2],
    ['{"a": "x', "", 1, 9],
    ["", "the text ends too early", 1, 1],
    ['{"a": tru}', "Unexpected token '}'", 1, 10],
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

Deno.test("jsonErrorOffset and lineColumn", () => {
  assert.equal(jsonErrorOffset('{"a": [1, 2, {"b": null}], "c": "\\u00e9"}'), undefined);
  assert.equal(jsonErrorOffset("[1, 2,]"), 6);
  assert.equal(jsonErrorOffset('{"a": 01}'), 7);
  assert.equal(jsonErrorOffset('"\\x"'), 2);
  assert.deepEqual(lineColumn("ab\ncd", 4), { line: 2, column: 2 });
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
