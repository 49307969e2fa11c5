import assert from "node:assert/strict";
import { InputError, NetworkError, ParseError } from "../../lib/errors.ts";
import { failureGroups } from "../../lib/notebook/failure_groups.ts";
import { $display } from "../../lib/display/mime.ts";

const FIX = "fix the file (or the manifest), then run the same batch again";

/** An item the plan held back, as notebook 3 shows it. */
function held(file: string, problems: { path: string; message: string }[], hint = FIX) {
  return { item: file, error: new InputError(`${file}: not uploaded`, problems, { hint }) };
}

const FAILURES = [
  held("20UPGM20000037.csv", [{
    path: "20UPGM20000037.csv:1440",
    message: "TEST line cannot be read: Quoted field unterminated (MissingQuotes)",
  }]),
  ...[190, 191, 192].map((i) =>
    held(`20UPGM20000${i}.csv`, [{
      path: `20UPGM20000${i}.csv $.institution`,
      message: 'unknown institution "SANDBOX-B" (did you mean SANDBOX_B?)',
    }])
  ),
  ...[198, 199].map((i) =>
    held(`20UPGM20000${i}.csv`, [{
      path: `20UPGM20000${i}.csv`,
      message: `component 20UPGM20000${i} does not exist in ITkPD`,
    }])
  ),
  held("20UPGM20000158.csv", [{
    path: "20UPGM20000158.csv:1440",
    message: "TEST line cannot be read: Quoted field unterminated (MissingQuotes)",
  }]),
];

Deno.test("failure groups", async (t) => {
  await t.step("one row per cause; each item once; the shared remedy said once", () => {
    const view = failureGroups(FAILURES, { title: "7 file(s) not uploaded" });
    assert.deepEqual(view.groups.map((g) => [g.cause, g.items.length]), [
      ["TEST line cannot be read: Quoted field unterminated (MissingQuotes)", 2],
      ['unknown institution "SANDBOX-B" (did you mean SANDBOX_B?)', 3],
      ["component does not exist in ITkPD", 2],
    ]);
    assert.deepEqual(view.groups[0].places, ["20UPGM20000037.csv:1440", "20UPGM20000158.csv:1440"]);
    assert.equal(view.sharedTodo, FIX);
    const text = view.toString();
    assert.equal(text.split(FIX).length - 1, 1, text);
    for (const f of FAILURES) assert.equal(text.split(f.item).length - 1, 1, `${f.item}\n${text}`);
    const html = view.toHtml();
    assert.equal(html.split(FIX).length - 1, 1, html);
    assert.equal((html.match(/<tr>/g) ?? []).length, 4, "a header and 3 causes");
    assert.equal(view[$display]()["text/html"], html);
  });

  await t.step("different remedies: said once per cause", () => {
    const view = failureGroups([
      FAILURES[0],
      held(
        "20UPGM20000198.csv",
        [{ path: "20UPGM20000198.csv", message: "no such module" }],
        "register it",
      ),
      {
        item: "20UPGM20000003.csv",
        error: new NetworkError("connection reset", { maybeSent: true }),
      },
    ]);
    assert.equal(view.sharedTodo, undefined);
    assert.equal(view.groups.length, 3);
    assert.equal(view.title, "3 items not done, for 3 causes");
    assert.match(view.toString(), /what to do/);
    assert.match(view.groups[2].todo, /check before sending it again/);
  });

  await t.step(
    "errors without problems: the headline is the cause, the place is the item's",
    () => {
      const view = failureGroups([
        { item: "a.csv", error: new ParseError("a.csv", 3, "no valid TEST line") },
        { item: "b.csv", error: new ParseError("b.csv", 7, "no valid TEST line") },
      ]);
      assert.equal(view.groups.length, 1);
      assert.deepEqual(view.groups[0].places, ["a.csv:3", "b.csv:7"]);
    },
  );

  await t.step("many places: the first ones and a count", () => {
    const many = Array.from(
      { length: 20 },
      (_, i) =>
        held(`m${i}.csv`, [{ path: `m${i}.csv`, message: "component does not exist in ITkPD" }]),
    );
    const text = failureGroups(many, { maxPlaces: 5 }).toString();
    assert.match(text, /m4\.csv, … 15 more/);
    assert.doesNotMatch(text, /m5\.csv/);
  });
});
