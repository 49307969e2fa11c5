import assert from "node:assert/strict";
import { createLocalJWKSet, decodeJwt, generateKeyPair, jwtVerify, SignJWT } from "jose";
import { startSandbox } from "../../lib/sandbox/mod.ts";
import { type Answer, http, tokenOf } from "./_helpers.ts";

Deno.test("sandbox auth", async (t) => {
  const lines: string[] = [];
  const sb = await startSandbox({
    accessCode1: "code-one-secret",
    accessCode2: "code-two-secret",
    demoModules: 1,
    log: (l) => lines.push(l),
  });
  try {
    await t.step("grantToken with good codes answers a Bearer RS256 token", async () => {
      const res = await http(sb.authUrl + "grantToken", {
        body: {
          grant_type: "password",
          accessCode1: "code-one-secret",
          accessCode2: "code-two-secret",
          scope: "openid https://itkpd-test.unicorncollege.cz",
        },
      });
      assert.equal(res.status, 200);
      assert.equal(res.json.token_type, "Bearer");
      assert.equal(res.json.access_token, res.json.id_token);
      assert.equal(res.json.expires_in, 3 * 3600);
      assert.deepEqual(res.json.uuAppErrorMap, {});
      const claims = decodeJwt(res.json.id_token);
      assert.equal(claims.iss, sb.authUrl);
      assert.equal(claims.aud, "https://itkpd-test.unicorncollege.cz");
      assert.equal(claims.exp, claims.iat! + 3 * 3600);
      assert.equal(claims.nbf, claims.iat);
      assert.equal(typeof claims.sub, "string");
      assert.equal(typeof claims.name, "string");
    });

    await t.step("each grant is a token of its own, even within one second", async () => {
      const tokens = await Promise.all([tokenOf(sb), tokenOf(sb), tokenOf(sb)]);
      assert.equal(new Set(tokens).size, 3);
      const ids = tokens.map((tk) => decodeJwt(tk).jti);
      assert.equal(new Set(ids).size, 3);
    });

    await t.step("without scope the audience is the current ITkPD host", async () => {
      const claims = decodeJwt(await tokenOf(sb));
      assert.equal(claims.aud, "https://itkpd.unicornuniversity.net");
    });

    await t.step("the token verifies against listKeys", async () => {
      const token = await tokenOf(sb, "openid https://itkpd.unicornuniversity.net");
      const keys = await http(sb.authUrl + "listKeys", { method: "GET" });
      assert.equal(keys.status, 200);
      const [key] = keys.json.keys;
      assert.deepEqual(Object.keys(key).sort(), ["alg", "e", "kid", "kty", "n", "use"]);
      assert.equal(key.alg, "RS256");
      assert.equal(key.use, "sig");
      const { payload, protectedHeader } = await jwtVerify(token, createLocalJWKSet(keys.json), {
        audience: "https://itkpd.unicornuniversity.net",
        issuer: sb.authUrl,
      });
      assert.equal(protectedHeader.kid, key.kid);
      assert.ok(payload.exp! > Date.now() / 1000);
    });

    await t.step("wrong codes → 401 invalidCredentials", async () => {
      const res = await http(sb.authUrl + "grantToken", {
        body: { grant_type: "password", accessCode1: "code-one-secret", accessCode2: "nope" },
      });
      assert.equal(res.status, 401);
      const entry = res.json.uuAppErrorMap["uu-oidc/grantToken/invalidCredentials"];
      assert.equal(entry.type, "error");
      assert.match(entry.message, /Invalid credentials/);
      assert.equal(res.json.id_token, undefined);
    });

    const getComponent = (headers: Record<string, string>) =>
      http(sb.apiUrl + "getComponent", {
        method: "GET",
        body: { component: "20UPGM20000001" },
        headers,
      });
    const invalidToken = (res: Answer) => {
      assert.equal(res.status, 401);
      const entry = res.json.uuAppErrorMap["uu-oidc/invalidToken"];
      assert.equal(entry.type, "error");
      return entry.message as string;
    };
    const messages = new Set<string>();

    await t.step("a valid token is accepted", async () => {
      const res = await getComponent({ authorization: `Bearer ${await tokenOf(sb)}` });
      assert.equal(res.status, 200);
      assert.equal(res.json.serialNumber, "20UPGM20000001");
    });

    await t.step("missing token → 401 invalidToken", async () => {
      const msg = invalidToken(await getComponent({}));
      assert.match(msg, /missing/);
      messages.add(msg);
    });

    await t.step("forged token (other key) → 401 invalidToken, signature message", async () => {
      const other = await generateKeyPair("RS256");
      const good = decodeJwt(await tokenOf(sb));
      const forged = await new SignJWT(good).setProtectedHeader({ alg: "RS256" }).sign(
        other.privateKey,
      );
      const msg = invalidToken(await getComponent({ authorization: `Bearer ${forged}` }));
      assert.match(msg, /signature/);
      messages.add(msg);
    });

    await t.step("tampered payload → 401 invalidToken", async () => {
      const [h, , s] = (await tokenOf(sb)).split(".");
      const payload = btoa(JSON.stringify({ sub: "admin", exp: 9999999999 })).replace(/=+$/, "");
      const msg = invalidToken(
        await getComponent({ authorization: `Bearer ${h}.${payload}.${s}` }),
      );
      assert.match(msg, /signature/);
    });

    await t.step("garbage token → 401 invalidToken, not-a-JWT message", async () => {
      const msg = invalidToken(await getComponent({ authorization: "Bearer not.a.jwt" }));
      assert.match(msg, /not a valid JWT/);
      messages.add(msg);
    });

    await t.step("the request log holds no token or access code", () => {
      const all = lines.join("\n");
      assert.ok(lines.length > 5);
      assert.ok(!all.includes("code-one-secret") && !all.includes("code-two-secret"));
      assert.ok(!all.includes("eyJ"), "no JWT in the log");
    });

    await t.step("expired token (ttl 1 s) → 401 invalidToken, expired message", async () => {
      // The service's clock stands still until moved: the token lapses when the test says.
      let now = Math.floor(Date.now() / 1000) * 1000; // a whole second: exp is now + 1 s
      const short = await startSandbox({ tokenTtlSeconds: 1, demoModules: 1, now: () => now });
      try {
        const token = await tokenOf(short);
        const ok = await http(short.apiUrl + "getComponent", {
          token,
          body: { component: "20UPGM20000001" },
        });
        assert.equal(ok.status, 200);
        now += 999; // still good
        const still = await http(short.apiUrl + "getComponent", {
          token,
          body: { component: "20UPGM20000001" },
        });
        assert.equal(still.status, 200);
        now += 1; // exp reached
        const res = await http(short.apiUrl + "getComponent", {
          token,
          body: { component: "20UPGM20000001" },
        });
        const msg = invalidToken(res);
        assert.match(msg, /expired/);
        messages.add(msg);
      } finally {
        await short.close();
      }
    });

    await t.step("a token verified once is checked against the clock at every use", async () => {
      // The signature is verified once per token; its time claims, at every request.
      let now = Math.floor(Date.now() / 1000) * 1000;
      const sandbox = await startSandbox({ tokenTtlSeconds: 60, demoModules: 1, now: () => now });
      try {
        const token = await tokenOf(sandbox);
        const ask = () =>
          http(sandbox.apiUrl + "getComponent", { token, body: { component: "20UPGM20000001" } });
        assert.equal((await ask()).status, 200);
        now -= 1000; // the clock set back: before the token's nbf
        assert.match(invalidToken(await ask()), /not yet valid \(nbf\)/);
        now += 1000;
        assert.equal((await ask()).status, 200);
        now += 60_000; // its exp
        assert.match(invalidToken(await ask()), /expired/);
      } finally {
        await sandbox.close();
      }
    });

    await t.step("each failure has its own message", () => {
      assert.equal(messages.size, 4);
    });
  } finally {
    await sb.close();
  }
});
