import assert from "node:assert/strict";
import { addSecret, redact } from "../../lib/client/mod.ts";
import { demoSerial } from "../../lib/fixtures/serials.ts";
import { clientFor, withSandbox } from "./_helpers.ts";

Deno.test("redact: tokens, Bearer credentials and access codes become ***", async (t) => {
  await t.step("JWT-looking strings and Bearer", () => {
    const jwt = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJlLXNpZ25hdHVyZQ";
    assert.equal(redact(`token ${jwt} end`), "token *** end");
    assert.equal(redact("Authorization: Bearer abc.def"), "Authorization: ***");
  });
  await t.step("registered and extra secrets", () => {
    addSecret("hunter2-code");
    assert.equal(redact("code=hunter2-code!"), "code=***!");
    assert.equal(redact("x=other-secret", ["other-secret"]), "x=***");
    assert.equal(redact("ab stays", ["ab"]), "ab stays", "too short to be a secret");
  });
});

Deno.test("redact: logs and error messages never show the token or access codes", async () => {
  await withSandbox({ demoModules: 1 }, async (sb) => {
    const { client, lines } = clientFor(sb, { verbose: true });
    const messages: string[] = [];
    try {
      await client.getComponent({ component: demoSerial(1) });
      await client.call("getComponent", { component: demoSerial(1), extra: 1 });
      for (
        const attempt of [
          () => client.call("getComponent", {}),
          () => client.call("noSuchRoute", {}),
          () => client.getComponent({ component: "20UPGM29999999" }),
        ]
      ) {
        try {
          await attempt();
        } catch (error) {
          messages.push(String(error), (error as Error).stack ?? "");
        }
      }
      const wrong = clientFor(sb, { accessCode1: "wrong-code-111", accessCode2: "wrong-code-222" });
      try {
        await wrong.client.listInstitutions();
      } catch (error) {
        messages.push(String(error));
      } finally {
        wrong.client.close();
      }
      lines.push(...wrong.lines);
      const token = await client.auth.getToken();
      const secrets = [token, sb.accessCode1, sb.accessCode2, "wrong-code-111", "wrong-code-222"];
      assert.ok(lines.length > 5);
      assert.ok(
        lines.some((l) =>
          /^itkpd: GET http:\/\/127\.0\.0\.1:\d+\/api\/getComponent 200 \d+ ms$/.test(l)
        ),
      );
      assert.equal(messages.length, 7);
      for (const text of [...lines, ...messages]) {
        for (const secret of secrets) {
          assert.ok(!text.includes(secret), `secret leaked in: ${text}`);
        }
        assert.ok(!/Bearer\s+\S/.test(text), `bearer leaked in: ${text}`);
      }
    } finally {
      client.close();
    }
  });
});
