/** The one escaping function and the one check of unsafe characters (lib/escape.ts). */
import assert from "node:assert/strict";
import { escapeControls, escapeHtml, findUnsafeChar, unsafeCharProblem } from "../lib/escape.ts";
import { hasRawControl } from "./_helpers/control_chars.ts";

Deno.test("escapeControls", async (t) => {
  const cases: [string, string][] = [
    ["plain text, 8.70 g", "plain text, 8.70 g"],
    ["a\x1b]0;pwned\x07b", "a\\x1b]0;pwned\\x07b"],
    ["x\ny", "x\\ny"],
    ["cr\rhere", "cr\\rhere"],
    ["nul\x00", "nul\\x00"],
    ["tab\t", "tab\\t"],
    ["del\x7f c1\x9b", "del\\x7f c1\\x9b"],
    ["evil\u202etxt.csv", "evil\\u202etxt.csv"],
    ["iso\u2066late\u2069", "iso\\u2066late\\u2069"],
    ["mark\u200f", "mark\\u200f"],
    ["sep\u2028", "sep\\u2028"],
    ["bom\ufeff", "bom\\ufeff"],
    ["lone \ud800 high", "lone \\ud800 high"],
    ["lone \udc00 low", "lone \\udc00 low"],
    ["emoji 😀 and é", "emoji 😀 and é"],
  ];
  for (const [input, shown] of cases) {
    await t.step(JSON.stringify(input), () => {
      assert.equal(escapeControls(input), shown);
      assert.ok(!hasRawControl(escapeControls(input), false));
    });
  }
  await t.step("keepNewlines keeps the text's own lines and tabs, escapes the rest", () => {
    assert.equal(
      escapeControls("plan: 1\n\tinvalid: a\r\x1b[2J", { keepNewlines: true }),
      "plan: 1\n\tinvalid: a\\r\\x1b[2J",
    );
  });
});

Deno.test("findUnsafeChar and unsafeCharProblem", async (t) => {
  await t.step("clean values: nothing", () => {
    for (const v of ["r1 20g", "Default operator", "Ödön Ñandú", "שלום\u200f", "😀"]) {
      assert.equal(findUnsafeChar(v), undefined, v);
    }
  });
  await t.step("control characters, lone surrogates, overrides: named with their position", () => {
    assert.deepEqual(findUnsafeChar("ab\x1b[2J"), { index: 2, code: 0x1b, name: "ESC (\\x1b)" });
    assert.equal(findUnsafeChar("a\x00")?.name, "NUL (\\x00)");
    assert.equal(findUnsafeChar("x\ud800")?.name, "a lone surrogate (\\ud800)");
    assert.equal(findUnsafeChar("x\u202e")?.name, "the bidirectional control (\\u202e)");
    assert.equal(findUnsafeChar("c1\x85")?.name, "the control character (\\x85)");
    assert.equal(findUnsafeChar("two\nlines")?.name, "line feed (\\n)");
  });
  await t.step("free text may hold line breaks and tabs, never ESC", () => {
    assert.equal(findUnsafeChar("two\r\nlines\there", { allowLineBreaks: true }), undefined);
    assert.equal(findUnsafeChar("a\n\x1b", { allowLineBreaks: true })?.index, 2);
  });
  await t.step("a problem message says what and where", () => {
    assert.equal(
      unsafeCharProblem("op\x07", "the operator"),
      "the operator contains BEL (\\x07) at position 3; control characters are not stored " +
        "(fix the file)",
    );
    assert.equal(unsafeCharProblem("ok", "x"), undefined);
  });
  await t.step("HTML: markup characters become entities, nothing else changes", () => {
    assert.equal(
      escapeHtml(`<a href="x" title='y'>R&D</a>`),
      "&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;R&amp;D&lt;/a&gt;",
    );
    assert.equal(escapeHtml("20UPGM20000001 · ✓"), "20UPGM20000001 · ✓");
  });
});
