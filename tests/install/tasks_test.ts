/** Tests of lib/install/tasks.ts: the steps of the installed command, read from deno.json. */
import assert from "node:assert/strict";
import { readTaskCommands, SUBCOMMANDS } from "../../lib/install/tasks.ts";
import { InputError } from "../../lib/errors.ts";

Deno.test("readTaskCommands: deno.json's tasks as subcommands", async (t) => {
  await t.step("every subcommand of this clone's deno.json", async () => {
    const text = await Deno.readTextFile(new URL("../../deno.json", import.meta.url));
    const commands = readTaskCommands(text, SUBCOMMANDS);
    assert.deepEqual(commands.map((c) => c.name), [...SUBCOMMANDS]);
    for (const c of commands) {
      assert.ok(c.description.length > 0, c.name);
      assert.match(c.script, /^(scripts|lib\/sandbox)\/\w+\.ts$/, c.name);
      assert.ok(c.flags.every((f) => f.startsWith("-")), c.name);
    }
  });
  await t.step("a task that is not a plain deno run line is refused", () => {
    for (
      const [command, says] of [
        ["deno run -A x.ts && echo hi", /not a plain/],
        ["deno test -A x.ts", /is not `deno run FLAGS SCRIPT\.ts`/],
        ["deno run -A x.ts extra", /is not `deno run FLAGS SCRIPT\.ts`/],
        ["deno run -A word x.ts", /passes 'word' before its script/],
        ["deno run 'x y.ts'", /not a plain/],
      ] as const
    ) {
      const text = JSON.stringify({ tasks: { demo: { command } } });
      assert.throws(() => readTaskCommands(text, ["demo"]), (e) => {
        assert.ok(e instanceof InputError);
        assert.match(e.message, says);
        return true;
      });
    }
    assert.throws(() => readTaskCommands("{}", ["demo"]), /deno\.json: no task demo/);
  });
});
