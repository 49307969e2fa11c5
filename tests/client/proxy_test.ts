/**
 * Proxies: which proxy a URL goes through (the rules of Python requests, checked against
 * requests itself when a `python3` with requests is on PATH), and the requests on the wire —
 * HTTPS through a CONNECT tunnel with the site's certificate checked, plain HTTP in absolute
 * form, credentials, NO_PROXY, and proxies that refuse (one line each, nothing sent).
 */
import assert from "node:assert/strict";
import {
  type EnvRecord,
  ItkpdClient,
  proxyConfigFromEnv,
  proxyFor,
  redact,
} from "../../lib/client/mod.ts";
import { NetworkError, UsageError } from "../../lib/errors.ts";
import { startSandbox } from "../../lib/sandbox/mod.ts";
import { startProxy } from "../_helpers/connect_proxy.ts";
import { testPki } from "../_helpers/tls.ts";
import { wirebondRun } from "../sandbox/_helpers.ts";

const P = "http://proxy.lab:3128";
const Q = "http://other.proxy:8080";

/** [environment, URL, the proxy requests uses (null: direct)]. */
const CASES: [EnvRecord, string, string | null][] = [
  [{ HTTPS_PROXY: P }, "https://itkpd.unicornuniversity.net/getComponent", P],
  [{ HTTPS_PROXY: P }, "http://127.0.0.1:8080/api/x", null],
  [{ HTTP_PROXY: Q }, "http://127.0.0.1:8080/api/x", Q],
  [{ HTTP_PROXY: Q }, "https://itkpd.unicornuniversity.net/", null],
  [{ https_proxy: P, HTTPS_PROXY: Q }, "https://itkpd.unicornuniversity.net/", P],
  [{ https_proxy: "", HTTPS_PROXY: Q }, "https://itkpd.unicornuniversity.net/", null],
  [{ HTTPS_PROXY: "" }, "https://itkpd.unicornuniversity.net/", null],
  [{ ALL_PROXY: Q }, "https://itkpd.unicornuniversity.net/", Q],
  [{ all_proxy: Q, HTTPS_PROXY: P }, "https://itkpd.unicornuniversity.net/", P],
  [{ HTTPS_PROXY: P, NO_PROXY: "cern.ch" }, "https://db.cern.ch/", null],
  [{ HTTPS_PROXY: P, NO_PROXY: "cern.ch" }, "https://cern.ch/", null],
  [{ HTTPS_PROXY: P, NO_PROXY: "cern.ch" }, "https://notcern.ch/", P],
  [{ HTTPS_PROXY: P, NO_PROXY: ".cern.ch" }, "https://cern.ch/", null],
  [{ HTTPS_PROXY: P, NO_PROXY: "CERN.CH" }, "https://db.cern.ch/", null],
  [{ HTTPS_PROXY: P, NO_PROXY: " foo.org , cern.ch " }, "https://db.cern.ch/", null],
  [{ HTTPS_PROXY: P, NO_PROXY: "*" }, "https://itkpd.unicornuniversity.net/", null],
  [{ HTTPS_PROXY: P, NO_PROXY: "*,foo.org" }, "https://itkpd.unicornuniversity.net/", P],
  [{ HTTPS_PROXY: P, NO_PROXY: "*.cern.ch" }, "https://db.cern.ch/", P],
  [{ HTTPS_PROXY: P, NO_PROXY: "127.0.0.1" }, "https://127.0.0.1:8443/api/", null],
  [{ HTTPS_PROXY: P, NO_PROXY: "127.0.0.1:8443" }, "https://127.0.0.1:8443/api/", P],
  [{ HTTPS_PROXY: P, NO_PROXY: "127.0.0.0/8" }, "https://127.0.0.1:8443/api/", null],
  [{ HTTPS_PROXY: P, NO_PROXY: "10.0.0.0/8" }, "https://127.0.0.1:8443/api/", P],
  [{ HTTPS_PROXY: P, NO_PROXY: "db.example.org:8443" }, "https://db.example.org:8443/", null],
  [{ HTTPS_PROXY: P, NO_PROXY: "db.example.org:8443" }, "https://db.example.org/", P],
  [{ HTTPS_PROXY: P, NO_PROXY: "example.org" }, "https://badexample.org/", P],
  [{ HTTPS_PROXY: P, no_proxy: "foo.org", NO_PROXY: "cern.ch" }, "https://db.cern.ch/", P],
  [{ HTTPS_PROXY: P, no_proxy: "", NO_PROXY: "cern.ch" }, "https://db.cern.ch/", null],
  [{ HTTPS_PROXY: P, no_proxy: "", NO_PROXY: "*" }, "https://db.cern.ch/", P],
  [{ HTTPS_PROXY: P, NO_PROXY: "localhost" }, "https://localhost:8443/", null],
];

Deno.test("proxy: the proxy a URL goes through follows Python requests", async (t) => {
  for (const [env, url, expected] of CASES) {
    await t.step(`${JSON.stringify(env)} ${url}`, () => {
      assert.equal(proxyFor(url, proxyConfigFromEnv(env))?.value ?? null, expected);
    });
  }
});

/** A python3 that has requests, or undefined. */
async function pythonWithRequests(): Promise<string | undefined> {
  try {
    const out = await new Deno.Command("python3", {
      args: ["-c", "import requests"],
      stdout: "null",
      stderr: "null",
    }).output();
    return out.success ? "python3" : undefined;
  } catch {
    return undefined;
  }
}

const PYTHON = await pythonWithRequests();

Deno.test({
  name: "proxy: requests itself chooses the same proxies (python3 with requests on PATH)",
  ignore: PYTHON === undefined,
  async fn() {
    // One process for every case: requests reads os.environ at each call.
    const script = [
      "import json, os, sys, requests",
      "from requests.utils import select_proxy",
      "names = ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy',",
      "         'ALL_PROXY', 'all_proxy', 'NO_PROXY', 'no_proxy', 'REQUEST_METHOD']",
      "s = requests.Session()",
      "out = []",
      "for env, url in json.load(sys.stdin):",
      "    for n in names: os.environ.pop(n, None)",
      "    os.environ.update(env)",
      "    proxies = s.merge_environment_settings(url, {}, None, None, None)['proxies']",
      "    out.append(select_proxy(url, proxies))",
      "print(json.dumps(out))",
    ].join("\n");
    const child = new Deno.Command(PYTHON!, {
      args: ["-c", script],
      stdin: "piped",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const writer = child.stdin.getWriter();
    await writer.write(new TextEncoder().encode(JSON.stringify(CASES.map(([e, u]) => [e, u]))));
    await writer.close();
    const out = await child.output();
    assert.ok(out.success, new TextDecoder().decode(out.stderr));
    const chosen: (string | null)[] = JSON.parse(new TextDecoder().decode(out.stdout));
    CASES.forEach(([env, url, expected], i) => {
      assert.equal(chosen[i], expected, `requests: ${JSON.stringify(env)} ${url}`);
    });
  },
});

Deno.test("proxy: proxy URLs, credentials, unsupported kinds", async (t) => {
  await t.step("no scheme means http://, no port means 80", () => {
    const a = proxyFor("https://x.org/", proxyConfigFromEnv({ HTTPS_PROXY: "proxy.lab:3128" }));
    assert.deepEqual([a?.hostname, a?.port, a?.display], ["proxy.lab", 3128, "proxy.lab:3128"]);
    const b = proxyFor("https://x.org/", proxyConfigFromEnv({ HTTPS_PROXY: "http://proxy.lab" }));
    assert.equal(b?.port, 80);
  });
  await t.step("user and password (percent-encoded) become Basic credentials, redacted", () => {
    const env = { HTTPS_PROXY: "http://me:p%40ss%3Aword@proxy.lab:3128" };
    const proxy = proxyFor("https://x.org/", proxyConfigFromEnv(env))!;
    assert.equal(proxy.authorization, `Basic ${btoa("me:p@ss:word")}`);
    assert.equal(proxy.display, "proxy.lab:3128");
    assert.equal(redact(`sent ${proxy.authorization} for p@ss:word`), "sent Basic *** for ***");
  });
  await t.step("https:// and socks proxies: one line saying so", () => {
    for (const value of ["https://proxy.lab:3128", "socks5://me:secret@proxy.lab:1080"]) {
      const config = proxyConfigFromEnv({ https_proxy: value });
      assert.throws(() => proxyFor("https://x.org/", config), (e: Error) => {
        assert.ok(e instanceof UsageError);
        assert.match(
          e.message,
          /^https_proxy names a (https|socks5):\/\/ proxy \(proxy\.lab:\d+\); only http:\/\/ proxies are supported/,
        );
        assert.doesNotMatch(e.message, /secret/);
        return true;
      });
      // not used, not refused
      assert.equal(proxyFor("http://x.org/", config), undefined);
    }
  });
});

Deno.test("proxy: on the wire", async (t) => {
  const pki = await testPki();
  const tlsSandbox = await startSandbox({
    demoModules: 6,
    tlsCert: pki.server.cert,
    tlsKey: pki.server.key,
  });
  const plainSandbox = await startSandbox({ demoModules: 2 });
  const site = `127.0.0.1:${tlsSandbox.port}`;
  const lines: string[] = [];
  const client = (env: EnvRecord, retries = 0, sandbox = tlsSandbox) =>
    new ItkpdClient({
      env: { ...sandbox.env(), ...env },
      transport: { caCerts: [pki.caPem] },
      retries,
      retryBaseMs: 1,
      logger: (line) => lines.push(line),
      onWarning: () => {},
    });
  const failure = async (c: ItkpdClient): Promise<NetworkError> => {
    try {
      const e = await c.getComponent({ component: "20UPGM20000001" }).then(
        () => assert.fail("the request went through"),
        (e: unknown) => e,
      );
      assert.ok(e instanceof NetworkError, String(e));
      return e;
    } finally {
      c.close();
    }
  };
  try {
    await t.step(
      "HTTPS through a CONNECT tunnel: reads and a write, the site's certificate checked",
      async () => {
        const proxy = startProxy();
        const c = client({ HTTPS_PROXY: `http://127.0.0.1:${proxy.port}` });
        try {
          const before = tlsSandbox.stats().requests;
          assert.equal(
            (await c.getComponent({ component: "20UPGM20000001" })).serialNumber,
            "20UPGM20000001",
          );
          const run = await c.uploadTestRunResults(wirebondRun("20UPGM20000003") as never);
          assert.match(run.id, /^[0-9a-f]{24}$/);
          assert.ok((proxy.connects.get(site) ?? 0) >= 2, JSON.stringify([...proxy.connects]));
          assert.deepEqual([...proxy.connects.keys()], [site]);
          assert.ok(tlsSandbox.stats().requests - before >= 3); // token, read, write
          assert.deepEqual(proxy.forwarded, []);
        } finally {
          c.close();
          await proxy.close();
        }
      },
    );

    await t.step("the tunnel does not change which certificate is trusted", async () => {
      const proxy = startProxy();
      const c = new ItkpdClient({
        env: { ...tlsSandbox.env(), HTTPS_PROXY: `http://127.0.0.1:${proxy.port}` },
        retries: 0,
      });
      try {
        const e = await failure(c);
        assert.match(e.message, /^the certificate of 127\.0\.0\.1:\d+ is not trusted/);
        assert.equal(proxy.connects.get(site), 1);
      } finally {
        await proxy.close();
      }
    });

    await t.step("credentials: sent as Proxy-Authorization, never shown", async () => {
      const proxy = startProxy({ credentials: "me:p@ss word" });
      lines.length = 0;
      const c = client({ https_proxy: `http://me:p%40ss%20word@127.0.0.1:${proxy.port}` });
      try {
        await c.getComponent({ component: "20UPGM20000001" });
        assert.ok(proxy.authorizations.length >= 1);
        for (const a of proxy.authorizations) assert.equal(a, `Basic ${btoa("me:p@ss word")}`);
        assert.ok(lines.length > 0);
        for (const line of lines) assert.doesNotMatch(line, /p@ss|p%40ss|bWU6cEBzcyB3b3Jk/);
      } finally {
        c.close();
        await proxy.close();
      }
    });

    await t.step(
      "407: one line naming the proxy (no credentials), nothing sent, no retry",
      async () => {
        const proxy = startProxy({ credentials: "me:right" });
        const wrong = await failure(
          client({ HTTPS_PROXY: `http://me:wrong-pw@127.0.0.1:${proxy.port}` }, 3),
        );
        assert.match(
          wrong.message,
          /^the proxy 127\.0\.0\.1:\d+ \(HTTPS_PROXY\) refused the user and password of HTTPS_PROXY \(HTTP 407 Proxy Authentication Required\); nothing was sent\n/,
        );
        assert.equal(wrong.maybeSent, false);
        assert.equal(wrong.retryable, false);
        assert.doesNotMatch(wrong.message, /wrong-pw|me:/);
        assert.equal(proxy.connects.get(site), 1, "not retried");
        const none = await failure(client({ HTTPS_PROXY: `http://127.0.0.1:${proxy.port}` }));
        assert.match(none.message, /\(HTTPS_PROXY\) asks for a user and password \(HTTP 407/);
        assert.match(none.hint ?? "", /HTTPS_PROXY=http:\/\/USER:PASSWORD@127\.0\.0\.1:\d+/);
        await proxy.close();
      },
    );

    await t.step("502 and 403 from the proxy: one line each, nothing sent", async () => {
      const bad = startProxy({ refuseWith: 502 });
      const e502 = await failure(client({ HTTPS_PROXY: `http://127.0.0.1:${bad.port}` }));
      assert.match(
        e502.message,
        /^the proxy 127\.0\.0\.1:\d+ \(HTTPS_PROXY\) could not reach 127\.0\.0\.1:\d+ \(HTTP 502 Refused by the test proxy\); nothing was sent\n/,
      );
      assert.equal(e502.maybeSent, false);
      await bad.close();
      const forbidden = startProxy({ refuseWith: 403 });
      const e403 = await failure(client({ HTTPS_PROXY: `http://127.0.0.1:${forbidden.port}` }, 3));
      assert.match(
        e403.message,
        /\(HTTPS_PROXY\) refused the tunnel to 127\.0\.0\.1:\d+ \(HTTP 403/,
      );
      assert.equal(e403.retryable, false);
      assert.equal(forbidden.connects.get(site), 1, "not retried");
      await forbidden.close();
    });

    await t.step("a proxy that is not there: one line naming it, nothing sent", async () => {
      const gone = startProxy();
      const port = gone.port;
      await gone.close();
      const e = await failure(client({ HTTPS_PROXY: `http://127.0.0.1:${port}` }));
      assert.match(
        e.message,
        /^could not connect to the proxy 127\.0\.0\.1:\d+ \(HTTPS_PROXY\): connection refused; nothing was sent\n/,
      );
      assert.equal(e.maybeSent, false);
    });

    await t.step("NO_PROXY: the site is reached directly", async () => {
      const proxy = startProxy();
      const c = client({
        HTTPS_PROXY: `http://127.0.0.1:${proxy.port}`,
        NO_PROXY: "localhost,127.0.0.1",
      });
      try {
        await c.getComponent({ component: "20UPGM20000001" });
        assert.equal(proxy.connects.size, 0);
        assert.equal(proxy.authorizations.length, 0);
      } finally {
        c.close();
        await proxy.close();
      }
    });

    await t.step(
      "plain HTTP through HTTP_PROXY: absolute form, GET bodies and writes arrive",
      async () => {
        const proxy = startProxy({ credentials: "me:pw" });
        const c = client({ HTTP_PROXY: `http://me:pw@127.0.0.1:${proxy.port}` }, 0, plainSandbox);
        try {
          const module = await c.getComponent({ component: "20UPGM20000002" });
          assert.equal(module.serialNumber, "20UPGM20000002");
          await c.uploadTestRunResults(wirebondRun("20UPGM20000002") as never);
          const base = `http://127.0.0.1:${plainSandbox.port}`;
          assert.ok(
            proxy.forwarded.includes(`${base}/api/getComponent`),
            proxy.forwarded.join(" "),
          );
          assert.ok(proxy.forwarded.includes(`${base}/api/uploadTestRunResults`));
          assert.equal(proxy.connects.size, 0);
          assert.equal(plainSandbox.stats().byCommand.uploadTestRunResults, 1);
        } finally {
          c.close();
        }
        const e = await failure(
          client({ HTTP_PROXY: `http://127.0.0.1:${proxy.port}` }, 3, plainSandbox),
        );
        assert.match(
          e.message,
          /^the proxy 127\.0\.0\.1:\d+ \(HTTP_PROXY\) asks for a user and password \(HTTP 407\); nothing was sent\n/,
        );
        assert.equal(e.maybeSent, false);
        await proxy.close();
      },
    );
  } finally {
    await tlsSandbox.close();
    await plainSandbox.close();
  }
});
