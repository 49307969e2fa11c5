/** Tests of lib/client/grant_token.ts: a refusal of the access codes says what to check. */
import assert from "node:assert/strict";
import { AuthError } from "../../lib/errors.ts";
import { clientFor, withSandbox } from "./_helpers.ts";

Deno.test("grantToken", async (t) => {
  await withSandbox({}, async (sb) => {
    await t.step("wrong access codes → AuthError naming the codes to check", async () => {
      const { client } = clientFor(sb, { accessCode1: "wrong-one", accessCode2: "wrong-two" });
      try {
        await assert.rejects(
          client.listInstitutions(),
          (e: Error) => e instanceof AuthError && /refused the access codes/.test(e.message),
        );
      } finally {
        client.close();
      }
    });
  });
});
