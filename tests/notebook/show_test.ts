import assert from "node:assert/strict";
import { $display, type MimeBundle } from "../../lib/display/mime.ts";
import type { KernelDisplayOptions } from "../../lib/display/kernel.ts";
import { mimeBundle, plainText, show } from "../../lib/notebook/show.ts";

function collect() {
  let text = "";
  return { writer: { write: (t: string) => void (text += t) }, text: () => text };
}

Deno.test("show", async (t) => {
  await t.step("show prints plain text outside the kernel", async () => {
    const out = collect();
    await show({ a: 1 }, { writer: out.writer });
    assert.equal(out.text(), "{ a: 1 }\n");
    const out2 = collect();
    await show("already text\n", { writer: out2.writer });
    assert.equal(out2.text(), "already text\n");
  });

  await t.step("show prints a displayable object by its toString()", async () => {
    const obj = {
      [$display]: () => ({ "text/html": "<b>x</b>" }),
      toString: () => "x as text",
    };
    const out = collect();
    await show(obj, { writer: out.writer, kernel: null });
    assert.equal(out.text(), "x as text\n");
  });

  await t.step("show sends a raw MIME bundle to a kernel", async () => {
    const sent: [MimeBundle, KernelDisplayOptions][] = [];
    const fake = {
      display: (b: MimeBundle, o: KernelDisplayOptions) => (sent.push([b, o]), Promise.resolve()),
    };
    await show({ [$display]: () => ({ "text/html": "<i>h</i>" }) }, { kernel: fake });
    assert.equal(sent.length, 1);
    assert.equal(sent[0][0]["text/html"], "<i>h</i>");
    assert.equal(typeof sent[0][0]["text/plain"], "string");
    assert.deepEqual(sent[0][1], { raw: true });
  });

  await t.step("show falls back to text when the kernel refuses", async () => {
    const out = collect();
    const broken = { display: () => Promise.reject(new Error("no kernel")) };
    await show("hello", { kernel: broken, writer: out.writer });
    assert.equal(out.text(), "hello\n");
  });

  await t.step("mimeBundle and plainText of plain values", () => {
    assert.deepEqual(mimeBundle(42), { "text/plain": "42" });
    assert.equal(plainText("s"), "s");
  });
});
