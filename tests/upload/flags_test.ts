import assert from "node:assert/strict";
import { UsageError } from "../../lib/errors.ts";
import { parseStepFlags, stringFlag } from "../../lib/upload/mod.ts";

Deno.test("parseStepFlags", async (t) => {
  await t.step("parses like parseFlags", () => {
    const { values, help } = parseStepFlags(["--out", "x", "--input", "a", "--input", "b"], {
      out: { type: "string" },
      input: { type: "string", multiple: true },
    });
    assert.equal(help, false);
    assert.equal(values.out, "x");
    assert.deepEqual(values.input, ["a", "b"]);
    assert.equal(stringFlag(values, "input"), "b");
    assert.equal(stringFlag(values, "none"), undefined);
  });
  await t.step("a mistake is a one-line UsageError", () => {
    assert.throws(() => parseStepFlags(["--outt", "x"], { out: { type: "string" } }), (e) => {
      assert.ok(e instanceof UsageError);
      assert.match(e.message, /^unknown flag --outt \(did you mean --out\?\)[;(] ?see --help\)?$/);
      assert.equal(e.exitCode, 2);
      return true;
    });
  });
});
