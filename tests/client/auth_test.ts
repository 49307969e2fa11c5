import assert from "node:assert/strict";
import { generateKeyPair, SignJWT } from "jose";
import { AuthError } from "../../lib/errors.ts";
import { HttpEngine, HttpTransport, ItkpdClient } from "../../lib/client/mod.ts";
import { clientFor, withSandbox } from "./_helpers.ts";

/** A clock that stands still until the test moves it (no test waits for a token to lapse). */
function testClock(): {
  now: () => number;
  advance: (ms: number) => void;
  set: (ms: number) => void;
} {
  let t = Date.now();
  return { now: () => t, advance: (ms) => void (t += ms), set: (ms) => void (t = ms) };
}

Deno.test("auth: access codes give a verified token", async (t) => {
  await withSandbox({}, async (sb) => {
    await t.step("grantToken then a call, signature checked against listKeys", async () => {
      const { client, lines } = clientFor(sb);
      try {
        const institutions = await client.listInstitutions();
        assert.ok(institutions.length > 0);
        const info = await client.auth.getTokenInfo();
        assert.equal(info.origin, "grant");
        assert.equal(info.verified, true);
        assert.ok(info.expiresAt > Date.now() / 1000 + 60);
        assert.equal(client.stats().grants, 1);
        assert.ok(lines.some((l) => l.includes("POST") && l.includes("/auth/grantToken 200")));
        assert.ok(lines.some((l) => l.includes("GET") && l.includes("/auth/listKeys 200")));
      } finally {
        client.close();
      }
    });
  });
});

Deno.test("auth: a short-lived token is renewed once when it lapses", async (t) => {
  const clock = testClock();
  await withSandbox({ tokenTtlSeconds: 2, now: clock.now }, async (sb) => {
    const { client, lines } = clientFor(sb, { now: clock.now });
    try {
      await t.step("first call grants a token", async () => {
        await client.getComponentType({ code: "MODULE", project: "P" });
        assert.equal(client.stats().grants, 1);
      });
      await t.step("a call after it lapsed renews it once, with no error", async () => {
        clock.advance(2100);
        await client.getComponentType({ code: "MODULE", project: "P" });
        assert.equal(client.stats().grants, 2);
      });
      await t.step("concurrent calls after a lapse share one renewal", async () => {
        clock.advance(2100);
        const all = await Promise.all(
          Array.from({ length: 8 }, () => client.listInstitutions()),
        );
        assert.equal(all.length, 8);
        assert.equal(client.stats().grants, 3);
      });
      await t.step("renewed before use: the service never refused a lapsed token", () => {
        assert.ok(!lines.some((l) => /token refused/.test(l)), lines.join("\n"));
      });
    } finally {
      client.close();
    }
  });
});

Deno.test("auth: the renewal margin, at and around its boundary", async (t) => {
  // [token lifetime s, seconds left when the next call is made, renewed before that call]
  // The margin is 15 s (SPEC §1, as itkdb), capped at a quarter of the lifetime so that a
  // short-lived token is usable: 10 s for a 40 s token.
  const cases: [number, number, boolean][] = [
    [3600, 60, false],
    [3600, 15.001, false],
    [3600, 15, true],
    [3600, 14.999, true],
    [3600, 0, true],
    [3600, -30, true],
    [40, 10.001, false],
    [40, 10, true],
  ];
  for (const [ttl, left, renewed] of cases) {
    const what = renewed ? "renewed before use" : "used as it is";
    await t.step(`${ttl} s token, ${left} s left: ${what}`, async () => {
      const clock = testClock();
      await withSandbox({ tokenTtlSeconds: ttl, now: clock.now }, async (sb) => {
        const { client, lines } = clientFor(sb, { now: clock.now });
        try {
          await client.listInstitutions();
          const first = await client.auth.getTokenInfo();
          assert.equal(client.stats().grants, 1);
          clock.set((first.expiresAt - left) * 1000);
          await client.listInstitutions();
          assert.equal(client.stats().grants, renewed ? 2 : 1);
          const now = await client.auth.getTokenInfo();
          assert.equal(now.token === first.token, !renewed);
          assert.ok(!lines.some((l) => /token refused/.test(l)), "no lapsed token was sent");
        } finally {
          client.close();
        }
      });
    });
  }
});

Deno.test("auth: tokens from the environment", async (t) => {
  const clock = testClock();
  await withSandbox({ tokenTtlSeconds: 1, now: clock.now }, async (sb) => {
    const env = sb.env();

    await t.step(
      "a forged token with access codes at hand: a warning, then a new token",
      async () => {
        const { privateKey } = await generateKeyPair("RS256");
        const now = Math.floor(Date.now() / 1000);
        const forged = await new SignJWT({ name: "Mallory" })
          .setProtectedHeader({ alg: "RS256", kid: "forged" })
          .setAudience("https://itkpd.unicornuniversity.net")
          .setIssuedAt(now).setExpirationTime(now + 3600).sign(privateKey);
        const warnings: string[] = [];
        const client = new ItkpdClient({
          env: { ...env, ITK_DB_AUTH: forged },
          onWarning: () => {},
        });
        const original = console.error;
        console.error = (...a: unknown[]) => warnings.push(a.join(" "));
        try {
          assert.equal((await client.listInstitutions()).length, 3);
          assert.equal(client.auth.grants, 1);
        } finally {
          console.error = original;
          client.close();
        }
        assert.equal(warnings.length, 1, warnings.join("\n"));
        assert.match(
          warnings[0],
          /failed its signature check.*; getting a new token with the access codes/,
        );
        assert.ok(!warnings[0].includes(forged), "the token is not shown");
      },
    );

    await t.step("an expired env token and no access codes → AuthError with the fix", async () => {
      const granter = new ItkpdClient({ env, onWarning: () => {}, now: clock.now });
      const token = await granter.auth.getToken();
      granter.close();
      clock.advance(1200);
      const client = new ItkpdClient({
        env: {
          ITKDB_API_URL: env.ITKDB_API_URL,
          ITKDB_AUTH_URL: env.ITKDB_AUTH_URL,
          ITK_DB_AUTH: token,
        },
        onWarning: () => {},
        now: clock.now,
      });
      try {
        await assert.rejects(
          client.listInstitutions(),
          (e: Error) =>
            e instanceof AuthError && /has expired/.test(e.message) &&
            /get-token/.test(e.message) && /ITKDB_ACCESS_CODE1/.test(e.message),
        );
      } finally {
        client.close();
      }
    });

    await t.step("an expired env token with access codes is renewed silently", async () => {
      const granter = new ItkpdClient({ env, onWarning: () => {}, now: clock.now });
      const token = await granter.auth.getToken();
      granter.close();
      clock.advance(1200);
      const client = new ItkpdClient({
        env: { ...env, ITK_DB_AUTH: token },
        onWarning: () => {},
        now: clock.now,
      });
      try {
        await client.listInstitutions();
        assert.equal(client.stats().grants, 1);
      } finally {
        client.close();
      }
    });
  });
});

Deno.test("auth: a 401 invalidToken renews the token once and resends", async (t) => {
  await withSandbox({}, async (sb) => {
    const transport = new HttpTransport();
    const engine = new HttpEngine({ transport, timeoutMs: 5000, retries: 0, retryBaseMs: 1 });
    const granter = new ItkpdClient({ env: sb.env(), onWarning: () => {} });
    const good = await granter.auth.getToken();
    granter.close();
    try {
      await t.step("a refused token is invalidated, the next one is used", async () => {
        const invalidated: string[] = [];
        let current = "not-a-valid-token";
        engine.tokens = {
          getToken: () => Promise.resolve(current),
          invalidate: (token) => {
            invalidated.push(token);
            current = good;
          },
        };
        const result = await engine.send({
          command: "listInstitutions",
          url: `${sb.apiUrl}listInstitutions`,
          wireMethod: "GET",
          json: {},
          auth: true,
          policy: "read",
        });
        assert.equal(result.status, 200);
        assert.deepEqual(invalidated, ["not-a-valid-token"]);
      });
      await t.step("a token refused twice → AuthError with the service's code", async () => {
        let renewals = 0;
        engine.tokens = {
          getToken: () => Promise.resolve("still-bad"),
          invalidate: () => void renewals++,
        };
        await assert.rejects(
          engine.send({
            command: "listInstitutions",
            url: `${sb.apiUrl}listInstitutions`,
            wireMethod: "GET",
            json: {},
            auth: true,
            policy: "read",
          }),
          (e: Error) =>
            e instanceof AuthError && e.codes.includes("uu-oidc/invalidToken") &&
            /HTTP 401/.test(e.message),
        );
        assert.equal(renewals, 1);
      });
    } finally {
      transport.close();
    }
  });
});
