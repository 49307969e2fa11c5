import assert from "node:assert/strict";
import { readSession } from "../../lib/client/mod.ts";
import { clientFor, withSandbox } from "./_helpers.ts";

Deno.test("session file: written with mode 0600 and reused by the next run", async (t) => {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/itkpd-session.json`;
  try {
    await withSandbox({}, async (sb) => {
      await t.step("the first run obtains a token and saves it", async () => {
        const { client } = clientFor(sb, { sessionFile: path });
        try {
          await client.listInstitutions();
          assert.equal(client.stats().grants, 1);
        } finally {
          client.close();
        }
        const info = await Deno.stat(path);
        if (Deno.build.os !== "windows") assert.equal(info.mode! & 0o777, 0o600);
        const { session } = await readSession(path);
        assert.ok(session);
        assert.equal(session.apiUrl, sb.apiUrl);
        assert.equal(session.authUrl, sb.authUrl);
        assert.ok(session.expiresAt > Date.now() / 1000);
        const leftovers = [...Deno.readDirSync(dir)].filter((e) => e.name.endsWith(".tmp"));
        assert.deepEqual(leftovers, [], "no temporary file left behind");
      });
      await t.step("the next run reuses it without grantToken", async () => {
        const { client, lines } = clientFor(sb, { sessionFile: path });
        try {
          await client.listInstitutions();
          assert.equal(client.stats().grants, 0);
          assert.ok(lines.some((l) => /token reused/.test(l)));
          assert.equal((await client.auth.getTokenInfo()).origin, "session");
        } finally {
          client.close();
        }
      });
      await t.step("a session for another site is not used", async () => {
        const { client } = clientFor(sb, {
          sessionFile: path,
          apiUrl: sb.apiUrl.replace("/api/", "/api2/"),
        });
        try {
          await client.auth.getToken();
          assert.equal(client.stats().grants, 1);
        } finally {
          client.close();
        }
      });
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
