/** The strict JSON reader (lib/parsers/json.ts). */
import assert from "node:assert/strict";
import { ParseError } from "../../lib/errors.ts";
import { MAX_JSON_DEPTH, parseJsonDocument } from "../../lib/parsers/json.ts";

Deno.test("parseJsonDocument: the same values as JSON.parse", async (t) => {
  const docs = [
    '{"a": [1, -2.5e3, 0.25, true, false, null], "b": {"c": "x\\u00e9\\"q\\""}, "d": []}',
    "[]",
    "0",
    '"text"',
    '\ufeff{"bom": 1}',
    ' {\r\n\t"ws": {}\r\n} ',
    '{"__proto__": {"polluted": true}, "constructor": 1}',
  ];
  for (const text of docs) {
    await t.step(JSON.stringify(text), () => {
      const { value, problems } = parseJsonDocument(text, "f.json");
      assert.deepEqual(problems, []);
      assert.deepEqual(value, JSON.parse(text.replace(/^\ufeff/, "")));
    });
  }
  await t.step("__proto__ is an own key, never the prototype", () => {
    const { value } = parseJsonDocument('{"__proto__": {"polluted": true}}', "f.json");
    assert.equal(Object.getPrototypeOf(value), Object.prototype);
    assert.ok(Object.hasOwn(value as object, "__proto__"));
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });
});

Deno.test("parseJsonDocument: depth and size bounds", async (t) => {
  await t.step(`nesting beyond ${MAX_JSON_DEPTH} levels: one ParseError, no stack overflow`, () => {
    for (const open of ["[", '{"a":']) {
      const close = open === "[" ? "]" : "}";
      const text = open.repeat(10_000) + "1" + close.repeat(10_000);
      assert.throws(() => parseJsonDocument(text, "deep.json"), (e: unknown) => {
        assert.ok(e instanceof ParseError);
        assert.equal(e.line, 1);
        assert.match(e.message, /nested deeper than 64 levels/);
        return true;
      });
    }
    const ok = "[".repeat(MAX_JSON_DEPTH) + "]".repeat(MAX_JSON_DEPTH);
    assert.deepEqual(parseJsonDocument(ok, "f.json").problems, []);
  });
  await t.step("more values than allowed: one ParseError", () => {
    const text = "[" + Array(101).fill("0").join(",") + "]";
    assert.throws(
      () => parseJsonDocument(text, "f.json", { maxValues: 100 }),
      /more than 100 values/,
    );
  });
});

Deno.test("parseJsonDocument: problems JSON.parse lets through", async (t) => {
  await t.step("a key given twice (also written with an escape), with both lines", () => {
    const { value, problems } = parseJsonDocument('{\n"a": 1,\n"\\u0061": 2\n}', "f.json");
    assert.deepEqual(problems, [{
      path: "$.a",
      message: 'the key "a" is given twice in one object (lines 2 and 3): remove one of them ' +
        "(only one value can be kept)",
    }]);
    assert.deepEqual(value, { a: 2 });
  });
  await t.step("non-finite numbers, by path and line", () => {
    const { problems } = parseJsonDocument('{"x": [1, 1e999],\n "y": -2.5E+400}', "f.json");
    assert.deepEqual(problems.map((p) => p.path), ["$.x[1]", "$.y"]);
    assert.match(problems[1].message, /-2\.5E\+400 \(line 2\) is too large to be a finite number/);
  });
  await t.step("control characters in strings and keys; line breaks only in free text", () => {
    const text = '{"a": "x\\ty", "comments": ["one\\ntwo"], "b\\u0000": 1, "c": ["\\u202e"]}';
    const strict = parseJsonDocument(text, "f.json").problems.map((p) => p.path);
    assert.deepEqual(strict, ["$.a", "$.comments[0]", '$["b\\u0000"]', "$.c[0]"]);
    const free = parseJsonDocument(text, "f.json", { freeTextKeys: ["comments"] });
    assert.deepEqual(free.problems.map((p) => p.path), ["$.a", '$["b\\u0000"]', "$.c[0]"]);
  });
  await t.step("a key with a newline is shown escaped in the path (no forged line)", () => {
    const { problems } = parseJsonDocument('{"a\\nplan: 0 to create": 1}', "f.json");
    assert.equal(problems[0].path, '$["a\\nplan: 0 to create"]');
    assert.ok(!problems[0].path.includes("\n"));
  });
  await t.step("many problems: the first ones kept, the rest counted", () => {
    const text = "[" + Array(1000).fill('"\\u001b"').join(",") + "]";
    const { problems } = parseJsonDocument(text, "f.json");
    assert.equal(problems.length, 201);
    assert.equal(problems[200].message, "… and 800 more problems of the kinds above");
  });
});

Deno.test("parseJsonDocument: syntax mistakes say line and column", async (t) => {
  const cases: [string, number, number, RegExp][] = [
    ['{"a": 1,}', 1, 9, /expected a key in double quotes/],
    ["[1 2]", 1, 4, /expected ',' or ']' after a list element/],
    ['{"a" 1}', 1, 6, /expected ':' after a key/],
    ['"a\\x"', 1, 4, /invalid escape \\x/],
    ['"\\u12"', 1, 4, /\\u must be followed by 4 hex digits/],
    ['"a\nb"', 1, 3, /a string is not closed on its line/],
    ["NaN", 1, 1, /expected a value, found "N"/],
    ["1 2", 1, 3, /unexpected "2" after the end of the document/],
    ["[\n\n  -]", 3, 3, /a number is malformed/],
  ];
  for (const [text, line, column, reason] of cases) {
    await t.step(JSON.stringify(text), () => {
      assert.throws(() => parseJsonDocument(text, "f.json"), (e: unknown) => {
        assert.ok(e instanceof ParseError);
        assert.equal(e.line, line);
        assert.match(e.message, new RegExp(`at line ${line}, column ${column}: `));
        assert.match(e.message, reason);
        return true;
      });
    });
  }
});
