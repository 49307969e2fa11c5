/**
 * A dtoIn checked once and sent as its text (lib/client/checked_dtoin.ts): the check is the
 * client's, the text is what the client would have sent for the object, and a changed key is
 * checked too.
 */
import assert from "node:assert/strict";
import { InputError } from "../../lib/errors.ts";
import { checkDtoIn, CheckedDtoIn, checkInput } from "../../lib/client/checked_dtoin.ts";
import { CommandInputs } from "../../lib/client/commands.ts";
import { demoSerial } from "../../lib/fixtures/serials.ts";
import { clientFor, wirebondRun, withSandbox } from "./_helpers.ts";

Deno.test("checkDtoIn: what the client's check refuses is refused, with the same problems", () => {
  const bad: Record<string, unknown>[] = [
    { ...wirebondRun(1, "1"), results: undefined },
    { ...wirebondRun(1, "1"), component: "" },
    { ...wirebondRun(1, "1"), passed: "yes" },
    { ...wirebondRun(1, "1"), properties: [1] },
  ];
  const thrown = (f: () => unknown): unknown => {
    try {
      f();
    } catch (e) {
      return e;
    }
    return undefined;
  };
  for (const dtoIn of bad) {
    const want = thrown(() =>
      checkInput("uploadTestRunResults", CommandInputs.uploadTestRunResults, dtoIn)
    );
    const got = thrown(() => checkDtoIn("uploadTestRunResults", dtoIn as never));
    assert.ok(want instanceof InputError && got instanceof InputError, JSON.stringify(dtoIn));
    assert.equal(got.message, want.message);
    assert.deepEqual(got.problems, want.problems);
  }
});

Deno.test("checkDtoIn: the text is the JSON of what the check gives back", () => {
  const run = wirebondRun(2, "7");
  assert.equal(checkDtoIn("uploadTestRunResults", run).text, JSON.stringify(run));
  // A default filled in by the check is in the text, as the client would have sent it.
  const { properties: _, ...without } = run;
  const text = checkDtoIn("uploadTestRunResults", without).text;
  assert.deepEqual(JSON.parse(text), { ...without, properties: {} });
  assert.throws(
    () => new CheckedDtoIn(Symbol("checkDtoIn"), "uploadTestRunResults", "{}"),
    TypeError,
  );
});

Deno.test("CheckedDtoIn.with: the first key changed in the text, checked by its schema", () => {
  const run = wirebondRun(3, "1");
  const checked = checkDtoIn("uploadTestRunResults", run);
  for (const to of ["20UPGM29999999", 'a"quote\\and\u00e9', "\u2028x"]) {
    const changed = checked.with("component", run.component, to);
    assert.equal(changed?.text, JSON.stringify({ ...run, component: to }));
  }
  // The schema refuses an empty component: no text then (the caller checks the whole again).
  assert.equal(checked.with("component", run.component, ""), undefined);
  // Not the value the text holds, or a value that only begins the same: no text.
  assert.equal(checked.with("component", "20UPGM", "X"), undefined);
  assert.equal(checked.with("component", run.component.slice(0, -1), "X"), undefined);
  assert.equal(checked.with("testType", "WIREBOND", "X"), undefined, "not the first key");
  // The same value: the same checked text, not a copy (a batch keeps one per run).
  assert.strictEqual(checked.with("component", run.component, run.component), checked);
  assert.equal(checked.with("component", "20UPGM", "20UPGM"), undefined);
});

Deno.test("uploadTestRunResults: a checked dtoIn is sent as its text, for its command only", async () => {
  await withSandbox({ demoModules: 3 }, async (sb) => {
    const { client } = clientFor(sb);
    try {
      const run = wirebondRun(1, "42");
      const checked = checkDtoIn("uploadTestRunResults", run).with(
        "component",
        run.component,
        demoSerial(2),
      )!;
      const created = await client.uploadTestRunResults(checked);
      const stored = await client.getTestRun({ testRun: created.id });
      assert.equal(stored.runNumber, "42");
      const mean = stored.results?.find((r) => r.code === "MEAN_LOAD")?.value;
      assert.equal(mean, 8.7);
      const { code } = await client.getComponent({ component: demoSerial(2) });
      const listed = await client.listTestRunsByComponent({ filterMap: { code } });
      assert.ok(listed.some((r) => r.id === created.id), "stored for the component of the text");
      const other = checkDtoIn("getComponent", { component: demoSerial(1) });
      await assert.rejects(client.uploadTestRunResults(other as never), TypeError);
    } finally {
      client.close();
    }
  });
});
