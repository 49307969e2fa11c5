/** Tests of lib/client/token_check.ts: signature, audience, and a service without a key set. */
import assert from "node:assert/strict";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { generateKeyPair, SignJWT } from "jose";
import { AuthError } from "../../lib/errors.ts";
import { ItkpdClient } from "../../lib/client/mod.ts";
import { clientFor, withSandbox } from "./_helpers.ts";

Deno.test("token checks against the identity service's key set", async (t) => {
  await withSandbox({}, async (sb) => {
    const env = sb.env();
    await t.step("a token for another audience is refused", async () => {
      const { client } = clientFor(sb, { audience: "https://itkpd-test.unicorncollege.cz" });
      try {
        await assert.rejects(
          client.listInstitutions(),
          (e: Error) => e instanceof AuthError && /not for this site \(audience/.test(e.message),
        );
      } finally {
        client.close();
      }
    });

    await t.step("a forged token (signed by another key) is rejected", async () => {
      const { privateKey } = await generateKeyPair("RS256");
      const now = Math.floor(Date.now() / 1000);
      const forged = await new SignJWT({ name: "Mallory" })
        .setProtectedHeader({ alg: "RS256", kid: "forged" })
        .setAudience("https://itkpd.unicornuniversity.net")
        .setIssuedAt(now).setExpirationTime(now + 3600).sign(privateKey);
      const client = new ItkpdClient({
        env: {
          ITKDB_API_URL: env.ITKDB_API_URL,
          ITKDB_AUTH_URL: env.ITKDB_AUTH_URL,
          ITK_DB_AUTH: forged,
        },
        onWarning: () => {},
      });
      try {
        await assert.rejects(
          client.listInstitutions(),
          (e: Error) =>
            e instanceof AuthError && /failed its signature check/.test(e.message) &&
            !e.message.includes(forged),
        );
        assert.deepEqual(sb.stats().byCommand, {}, "no API command was sent with it");
      } finally {
        client.close();
      }
    });
  });
});

Deno.test("auth: without a key set the token is decoded unverified, and the log says so", async () => {
  const { privateKey } = await generateKeyPair("RS256");
  const server = http.createServer(async (req, res) => {
    for await (const _ of req) { /* drain the body */ }
    if (req.url === "/auth/grantToken") {
      const now = Math.floor(Date.now() / 1000);
      const token = await new SignJWT({})
        .setProtectedHeader({ alg: "RS256" })
        .setAudience("https://itkpd.unicornuniversity.net")
        .setIssuedAt(now).setExpirationTime(now + 600).sign(privateKey);
      res.setHeader("content-type", "application/json");
      return void res.end(JSON.stringify({ id_token: token, expires_in: 600 }));
    }
    if (req.url === "/api/listInstitutions") {
      res.setHeader("content-type", "application/json");
      return void res.end(JSON.stringify({ pageItemList: [{ code: "X" }], uuAppErrorMap: {} }));
    }
    res.writeHead(404, { "content-type": "text/html" });
    res.end("<html>no such page</html>");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const lines: string[] = [];
  const client = new ItkpdClient({
    env: false,
    apiUrl: `http://127.0.0.1:${port}/api/`,
    authUrl: `http://127.0.0.1:${port}/auth/`,
    accessCode1: "code-one",
    accessCode2: "code-two",
    logger: (l) => lines.push(l),
  });
  try {
    assert.deepEqual((await client.listInstitutions()).map((i) => i.code), ["X"]);
    assert.equal((await client.auth.getTokenInfo()).verified, false);
    assert.ok(lines.some((l) => /no key set at .*listKeys.*without verifying/.test(l)));
  } finally {
    client.close();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});
