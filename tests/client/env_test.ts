import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { UsageError } from "../../lib/errors.ts";
import {
  configFromEnv,
  DEFAULT_API_URL,
  DEFAULT_AUTH_URL,
  ENV_NAMES,
  ItkpdClient,
  readEnv,
  resolveConnection,
} from "../../lib/client/mod.ts";

Deno.test("env: configuration from an injected environment", async (t) => {
  await t.step("every name is read; URLs end with /", () => {
    const settings = configFromEnv({
      ITKDB_API_URL: "http://127.0.0.1:9/api",
      ITKDB_AUTH_URL: "http://127.0.0.1:9/auth",
      ITKDB_ACCESS_CODE1: "c1",
      ITKDB_ACCESS_CODE2: "c2",
      ITKDB_ACCESS_SCOPE: "openid https://itkpd-test.unicorncollege.cz",
      ITKDB_LEEWAY: "5",
      ITK_DB_AUTH: "tok",
      ITK_DB_AUTH_EXPIRES_AT: "1700000000",
    });
    assert.deepEqual(settings, {
      apiUrl: "http://127.0.0.1:9/api/",
      authUrl: "http://127.0.0.1:9/auth/",
      accessCode1: "c1",
      accessCode2: "c2",
      scope: "openid https://itkpd-test.unicorncollege.cz",
      leewaySeconds: 5,
      token: "tok",
      tokenExpiresAt: 1700000000,
    });
    const resolved = resolveConnection({}, settings);
    assert.equal(resolved.audience, "https://itkpd-test.unicorncollege.cz");
  });
  await t.step("the old name ITKDB_SITE_URL works; ITKDB_API_URL wins", () => {
    assert.equal(
      configFromEnv({ ITKDB_SITE_URL: "https://a.example" }).apiUrl,
      "https://a.example/",
    );
    assert.equal(
      configFromEnv({ ITKDB_SITE_URL: "https://a.example", ITKDB_API_URL: "https://b.example/" })
        .apiUrl,
      "https://b.example/",
    );
  });
  await t.step("defaults and options over the environment", () => {
    const client = new ItkpdClient({ env: {}, onWarning: () => {} });
    assert.equal(client.config.apiUrl, DEFAULT_API_URL);
    assert.equal(client.config.authUrl, DEFAULT_AUTH_URL);
    assert.equal(client.config.scope, "openid https://itkpd.unicornuniversity.net");
    assert.equal(client.config.audience, "https://itkpd.unicornuniversity.net");
    assert.equal(client.config.leewaySeconds, 2);
    client.close();
    const over = new ItkpdClient({
      env: { ITKDB_API_URL: "https://env.example/" },
      apiUrl: "https://option.example",
    });
    assert.equal(over.config.apiUrl, "https://option.example/");
    assert.ok(!("accessCode1" in over.config), "no secret in config");
    over.close();
  });
  await t.step("bad values → UsageError", () => {
    assert.throws(() => configFromEnv({ ITKDB_LEEWAY: "soon" }), UsageError);
    assert.throws(() => configFromEnv({ ITKDB_API_URL: "ftp://x" }), UsageError);
    assert.throws(() => configFromEnv({ ITKDB_API_URL: "not a url" }), UsageError);
  });
  await t.step("empty values are unset", () => {
    assert.equal(readEnv("ITKDB_API_URL", { ITKDB_API_URL: "  " }), undefined);
  });
  await t.step("ENV_NAMES lists every variable", () => {
    assert.equal(ENV_NAMES.length, 10);
    assert.ok(ENV_NAMES.includes("ITKDB_SITE_URL") && ENV_NAMES.includes("ITK_DB_AUTH_EXPIRES_AT"));
  });
});

Deno.test("env: a script with --allow-env=ITKDB_API_URL only does not crash", async () => {
  const probe = fileURLToPath(new URL("./_env_probe.ts", import.meta.url));
  const config = fileURLToPath(new URL("../../deno.json", import.meta.url));
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--no-prompt", "--config", config, "--allow-env=ITKDB_API_URL", probe],
    env: {
      ITKDB_API_URL: "http://127.0.0.1:9/api",
      ITKDB_ACCESS_CODE1: "not-granted-code",
      ITK_DB_AUTH: "not-granted-token",
      NO_COLOR: "1",
    },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stderr = new TextDecoder().decode(output.stderr);
  assert.equal(output.code, 0, stderr);
  const seen = JSON.parse(new TextDecoder().decode(output.stdout));
  assert.deepEqual(seen.settings, { apiUrl: "http://127.0.0.1:9/api/" });
  assert.equal(seen.apiUrl, "http://127.0.0.1:9/api/");
});
