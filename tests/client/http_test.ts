/**
 * The request engine on a closed client: every call fails at once, with no request sent and no
 * retry, in one line that says what to do (in a notebook: run the set-up cell again), with a
 * stack of that one line (what the Jupyter kernel shows as the traceback).
 *
 * @module
 */
import assert from "node:assert/strict";
import { NetworkError } from "../../lib/errors.ts";
import { clientFor, withSandbox } from "./_helpers.ts";

Deno.test("a closed client fails at once, in one line, without retries", async () => {
  await withSandbox({}, async (sb) => {
    const { client, lines } = clientFor(sb, { retries: 4 });
    await client.listInstitutions();
    client.close();
    const before = client.stats();
    const served = sb.stats().requests;
    for (
      const call of [() => client.listInstitutions(), () => client.getTestRun({ testRun: "x" })]
    ) {
      await assert.rejects(call(), (e: unknown) => {
        assert.ok(e instanceof NetworkError, String(e));
        assert.equal(e.maybeSent, false);
        assert.equal(e.retryable, false);
        assert.equal(e.message.split("\n").length, 1, e.message);
        assert.match(e.message, /client is closed .*run the set-up cell again/);
        assert.equal(e.stack, `NetworkError: ${e.message}`);
        return true;
      });
    }
    assert.deepEqual(client.stats(), before, "nothing sent, no retry");
    assert.equal(sb.stats().requests, served);
    assert.ok(!lines.some((l) => /retry/.test(l)), lines.join("\n"));
  });
});
