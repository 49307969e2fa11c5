import assert from "node:assert/strict";
import { $display, isDisplayable } from "../../lib/display/mime.ts";

Deno.test("mime", async (t) => {
  await t.step("the display symbol is the kernel's registered symbol", () => {
    assert.equal($display, Symbol.for("Jupyter.display"));
  });
  await t.step("displayable: an object with a $display function", () => {
    assert.equal(isDisplayable(null), false);
    assert.equal(isDisplayable({}), false);
    assert.equal(isDisplayable({ [$display]: "not a function" }), false);
    assert.equal(isDisplayable({ [$display]: () => ({}) }), true);
  });
});
