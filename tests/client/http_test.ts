/**
 * Tests of lib/client/http.ts: the retry rules, counted on the wire. A loopback server of the
 * test answers each request as scripted (an HTTP status, a dropped connection after the whole
 * request arrived) and counts the requests it received; the client is the real one (HttpEngine
 * over the node:http transport, and ItkpdClient for the commands' rules). Then the same rules
 * under the sandbox's seeded faults (random 5xx answers and dropped connections).
 */
import assert from "node:assert/strict";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { generateKeyPair, SignJWT } from "jose";
import { ApiValidationError, NetworkError, ServerError, TimeoutError } from "../../lib/errors.ts";
import { HttpEngine, HttpTransport, ItkpdClient, type RetryPolicy } from "../../lib/client/mod.ts";
import { demoSerial } from "../../lib/fixtures/serials.ts";
import { clientFor, wirebondRun, withSandbox } from "./_helpers.ts";

/** What the server does with one request. */
type Reply = { status: number; headers?: Record<string, string>; body?: unknown } | "drop";

const OK: Reply = { status: 200 };
const status = (code: number, headers?: Record<string, string>): Reply => ({
  status: code,
  headers,
  body: code === 400
    ? {
      uuAppErrorMap: {
        "cern-itkpd-main/x/invalidDtoIn": {
          type: "error",
          message: "DtoIn is not valid.",
          paramMap: { missingKeyMap: { "$.component": { "isRequired.e001": "missing" } } },
        },
      },
    }
    : { uuAppErrorMap: { "test/injected": { type: "error", message: `injected ${code}` } } },
});

/** A loopback server answering the n-th request to a path with `script(path)[n]` (then 200). */
class WireServer {
  /** Every request received in full: path and time (performance.now()). */
  readonly received: { path: string; at: number }[] = [];
  readonly #server: http.Server;
  readonly #script: Record<string, Reply[]>;

  private constructor(script: Record<string, Reply[]>, answer?: WireServer["answer"]) {
    this.#script = script;
    if (answer) this.answer = answer;
    this.#server = http.createServer(async (req, res) => {
      for await (const _ of req) { /* the whole request arrives before any reply */ }
      const path = new URL(req.url ?? "/", "http://x").pathname;
      const nth = this.received.filter((r) => r.path === path).length;
      this.received.push({ path, at: performance.now() });
      const reply = this.#script[path]?.[nth] ?? (await this.answer(path));
      if (reply === "drop") return void req.socket.destroy();
      res.writeHead(reply.status, { "content-type": "application/json", ...reply.headers });
      res.end(JSON.stringify(reply.body ?? { uuAppErrorMap: {} }));
    });
  }

  /** The answer once the script of a path is used up. */
  answer: (path: string) => Reply | Promise<Reply> = () => OK;

  static async start(
    script: Record<string, Reply[]>,
    options: { port?: number; answer?: WireServer["answer"] } = {},
  ): Promise<WireServer> {
    const s = new WireServer(script, options.answer);
    await new Promise<void>((resolve, reject) => {
      s.#server.once("error", reject);
      s.#server.listen(options.port ?? 0, "127.0.0.1", () => resolve());
    });
    return s;
  }

  get port(): number {
    return (this.#server.address() as AddressInfo).port;
  }

  url(path: string): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  /** Requests received for `path`. */
  count(path: string): number {
    return this.received.filter((r) => r.path === path).length;
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.#server.closeAllConnections();
      this.#server.close(() => resolve());
    });
  }
}

/** An engine with a fixed token, its log captured; `firstRetry`: the first retry's log line. */
function engineFor(options: { retries?: number; retryBaseMs?: number; retryMaxMs?: number } = {}) {
  const transport = new HttpTransport();
  const lines: string[] = [];
  let announce: (line: string) => void = () => {};
  const firstRetry = new Promise<string>((resolve) => (announce = resolve));
  const engine = new HttpEngine({
    transport,
    timeoutMs: 30_000,
    retries: options.retries ?? 3,
    retryBaseMs: options.retryBaseMs ?? 1,
    retryMaxMs: options.retryMaxMs,
    log: (l) => {
      lines.push(l);
      if (l.startsWith("retry ")) announce(l);
    },
  });
  engine.tokens = { getToken: () => Promise.resolve("token"), invalidate: () => {} };
  return { engine, transport, lines, firstRetry };
}

function send(engine: HttpEngine, url: string, policy: RetryPolicy, signal?: AbortSignal) {
  return engine.send({
    command: policy === "write" ? "uploadTestRunResults" : "listInstitutions",
    url,
    wireMethod: policy === "write" ? "POST" : "GET",
    json: { n: 1 },
    auth: true,
    policy,
    signal,
  });
}

Deno.test("http: which answers make a request go again, counted on the wire", async (t) => {
  // [policy, what the server does first, requests it receives, the outcome]
  type Outcome = "ok" | { error: new (...a: never[]) => Error; status?: number; maybeSent?: true };
  const cases: [RetryPolicy, Reply, number, Outcome][] = [
    ["write", status(500), 1, { error: ServerError, status: 500 }],
    ["write", status(502), 1, { error: ServerError, status: 502 }],
    ["write", status(504), 1, { error: ServerError, status: 504 }],
    ["write", status(400), 1, { error: ApiValidationError, status: 400 }],
    ["write", "drop", 1, { error: NetworkError, maybeSent: true }],
    ["write", status(503), 2, "ok"],
    ["write", status(429), 2, "ok"],
    ["read", status(500), 2, "ok"],
    ["read", status(502), 2, "ok"],
    ["read", status(503), 2, "ok"],
    ["read", status(504), 2, "ok"],
    ["read", status(429), 2, "ok"],
    ["read", "drop", 2, "ok"],
    ["read", status(400), 1, { error: ApiValidationError, status: 400 }],
  ];
  for (const [policy, first, expected, outcome] of cases) {
    const what = first === "drop" ? "dropped after it arrived" : `answered ${first.status}`;
    const verdict = expected === 1 ? "sent once" : "sent again";
    await t.step(`a ${policy} ${what} is ${verdict}`, async () => {
      const server = await WireServer.start({ "/api/x": [first] });
      const { engine, transport } = engineFor();
      try {
        const result = send(engine, server.url("/api/x"), policy);
        if (outcome === "ok") {
          assert.equal((await result).status, 200);
        } else {
          await assert.rejects(result, (e: Error) => {
            assert.ok(e instanceof outcome.error, `${e.name}: ${e.message}`);
            if (outcome.status) assert.equal((e as ServerError).status, outcome.status);
            if (outcome.maybeSent) assert.equal((e as NetworkError).maybeSent, true);
            return true;
          });
        }
        assert.equal(server.count("/api/x"), expected);
        assert.equal(engine.stats.requests, expected);
      } finally {
        transport.close();
        await server.close();
      }
    });
  }

  await t.step(
    "a write answered 503 every time: sent 1 + retries times, then ServerError",
    async () => {
      const server = await WireServer.start({}, { answer: () => status(503) });
      const { engine, transport } = engineFor({ retries: 2 });
      try {
        await assert.rejects(
          send(engine, server.url("/api/x"), "write"),
          (e: Error) => e instanceof ServerError && e.status === 503,
        );
        assert.equal(server.count("/api/x"), 3);
      } finally {
        transport.close();
        await server.close();
      }
    },
  );

  await t.step("a write refused at connect (nothing sent) is sent again", async () => {
    // A port with nothing listening: the first attempt is refused. The server starts on that
    // port when the engine asks for the token of its second attempt (an event, not a delay).
    const probe = await WireServer.start({});
    const port = probe.port;
    await probe.close();
    let server: WireServer | undefined;
    const { engine, transport, lines } = engineFor();
    let attempts = 0;
    engine.tokens = {
      getToken: async () => {
        if (++attempts === 2) server = await WireServer.start({}, { port });
        return "token";
      },
      invalidate: () => {},
    };
    try {
      const result = await send(engine, `http://127.0.0.1:${port}/api/x`, "write");
      assert.equal(result.status, 200);
      assert.equal(attempts, 2);
      assert.equal(server!.count("/api/x"), 1, "received once: the refused attempt sent nothing");
      assert.ok(lines.some((l) => /failed .*NetworkError, not sent/.test(l)), lines.join("\n"));
    } finally {
      transport.close();
      await server?.close();
    }
  });
});

Deno.test("http: Retry-After is honoured, within retryMaxMs", async (t) => {
  for (const code of [503, 429]) {
    await t.step(
      `a write answered ${code} with Retry-After: 1 waits 1 s, then goes again`,
      async () => {
        const server = await WireServer.start({
          "/api/x": [status(code, { "retry-after": "1" })],
        });
        // Without Retry-After the backoff would wait at most 1 ms.
        const { engine, transport, lines } = engineFor({ retryBaseMs: 1 });
        try {
          assert.equal((await send(engine, server.url("/api/x"), "write")).status, 200);
          assert.equal(server.count("/api/x"), 2);
          const retry = lines.map((l) => /^retry 1\/3 after (\d+) ms \(HTTP (\d+)\)$/.exec(l))
            .find((m) => m !== null);
          assert.ok(retry, lines.join("\n"));
          assert.equal(retry[2], String(code));
          assert.ok(Number(retry[1]) >= 990, `waited ${retry[1]} ms`);
          const [first, second] = server.received;
          assert.ok(second.at - first.at >= 990, `resent after ${second.at - first.at} ms`);
        } finally {
          transport.close();
          await server.close();
        }
      },
    );
  }
  await t.step("a Retry-After of an hour is capped at retryMaxMs", async () => {
    const server = await WireServer.start({
      "/api/x": [status(503, { "retry-after": "3600" })],
    });
    const { engine, transport, firstRetry } = engineFor({ retryMaxMs: 50 });
    const abort = new AbortController();
    const sending = send(engine, server.url("/api/x"), "write", abort.signal);
    try {
      // Checked as soon as the retry is announced: an uncapped wait would last an hour.
      const settled = sending.then(() => "no retry", () => "no retry");
      assert.match(
        await Promise.race([firstRetry, settled]),
        /^retry 1\/3 after \d+ ms \(HTTP 503\)$/,
      );
      assert.equal((await sending).status, 200);
      assert.equal(server.count("/api/x"), 2);
    } finally {
      abort.abort();
      await sending.catch(() => {});
      transport.close();
      await server.close();
    }
  });
});

Deno.test("http: the client's commands follow the rule, counted on the wire", async (t) => {
  // A stand-in ITkPD and identity service: grantToken gives a signed token, there is no key
  // set (so the client decodes it unverified), and the commands answer as scripted.
  const { privateKey } = await generateKeyPair("RS256");
  const token = async () => {
    const now = Math.floor(Date.now() / 1000);
    return await new SignJWT({})
      .setProtectedHeader({ alg: "RS256" })
      .setAudience("https://itkpd.unicornuniversity.net")
      .setIssuedAt(now).setExpirationTime(now + 3600).sign(privateKey);
  };
  const routes = async (path: string): Promise<Reply> => {
    if (path === "/auth/grantToken") {
      return { status: 200, body: { id_token: await token(), expires_in: 3600 } };
    }
    if (path === "/auth/listKeys") return { status: 404 };
    if (path === "/api/listInstitutions") {
      return { status: 200, body: { pageItemList: [{ code: "X" }], uuAppErrorMap: {} } };
    }
    if (path === "/api/uploadTestRunResults") {
      return { status: 200, body: { testRun: { id: "run-1" }, uuAppErrorMap: {} } };
    }
    return { status: 404 };
  };
  const withClient = async (
    script: Record<string, Reply[]>,
    fn: (client: ItkpdClient, server: WireServer) => Promise<void>,
  ) => {
    const server = await WireServer.start(script, { answer: routes });
    const client = new ItkpdClient({
      env: false,
      apiUrl: server.url("/api/"),
      authUrl: server.url("/auth/"),
      accessCode1: "code-one",
      accessCode2: "code-two",
      retries: 3,
      retryBaseMs: 1,
      logger: () => {},
    });
    try {
      await fn(client, server);
    } finally {
      client.close();
      await server.close();
    }
  };

  await t.step("uploadTestRunResults answered 500 is sent exactly once", async () => {
    await withClient({ "/api/uploadTestRunResults": [status(500)] }, async (client, server) => {
      await assert.rejects(
        client.uploadTestRunResults(wirebondRun(1, "r-500")),
        (e: Error) => e instanceof ServerError && e.status === 500,
      );
      assert.equal(server.count("/api/uploadTestRunResults"), 1);
    });
  });
  await t.step("uploadTestRunResults dropped after it arrived is sent exactly once", async () => {
    await withClient({ "/api/uploadTestRunResults": ["drop"] }, async (client, server) => {
      await assert.rejects(
        client.uploadTestRunResults(wirebondRun(1, "r-drop")),
        (e: Error) => e instanceof NetworkError && e.maybeSent === true,
      );
      assert.equal(server.count("/api/uploadTestRunResults"), 1);
    });
  });
  await t.step("uploadTestRunResults answered 503 is sent again", async () => {
    await withClient({ "/api/uploadTestRunResults": [status(503)] }, async (client, server) => {
      const run = await client.uploadTestRunResults(wirebondRun(1, "r-503"));
      assert.equal(run.id, "run-1");
      assert.equal(server.count("/api/uploadTestRunResults"), 2);
    });
  });
  await t.step("listInstitutions answered 500, then dropped, is sent again each time", async () => {
    await withClient(
      { "/api/listInstitutions": [status(500), "drop"] },
      async (client, server) => {
        assert.deepEqual((await client.listInstitutions()).map((i) => i.code), ["X"]);
        assert.equal(server.count("/api/listInstitutions"), 3);
      },
    );
  });
});

Deno.test("faults: reads succeed through 5xx answers and dropped connections", async () => {
  await withSandbox({ demoModules: 3, seed: 7 }, async (sb) => {
    const { client, lines } = clientFor(sb, { retries: 8, retryBaseMs: 2 });
    try {
      await client.auth.getToken();
      sb.setFaults({ failRate: 0.3, dropRate: 0.2 });
      for (let i = 0; i < 20; i++) {
        const component = await client.getComponent({ component: demoSerial(1 + (i % 3)) });
        assert.equal(component.serialNumber, demoSerial(1 + (i % 3)));
      }
      const stats = sb.stats();
      assert.ok(stats.faults + stats.dropped > 0, "faults were injected");
      assert.ok(client.stats().retries > 0);
      assert.ok(lines.some((l) => /retry \d+\/8/.test(l)));
    } finally {
      client.close();
    }
  });
});

Deno.test("faults: a write is never resent blindly", async (t) => {
  await withSandbox({ demoModules: 1, seed: 11 }, async (sb) => {
    const { client } = clientFor(sb, { retries: 4, retryBaseMs: 2 });
    try {
      await client.auth.getToken();
      await t.step("under dropped connections: success or NetworkError(maybeSent)", async () => {
        sb.setFaults({ dropRate: 0.5 });
        let ok = 0;
        let unknown = 0;
        for (let i = 0; i < 16; i++) {
          try {
            await client.uploadTestRunResults(wirebondRun(1, `drop-${i}`));
            ok++;
          } catch (error) {
            assert.ok(error instanceof NetworkError, String(error));
            assert.equal(error.maybeSent, true);
            unknown++;
          }
        }
        assert.ok(unknown > 0, "some drops happened");
        sb.setFaults({ dropRate: 0 });
        const runs = await client.listTestRunsByComponent({ filterMap: { code: demoSerial(1) } });
        const numbers = runs.map((r) => r.runNumber).filter((n) => n?.startsWith("drop-"));
        assert.equal(new Set(numbers).size, numbers.length, "no run stored twice");
        assert.ok(numbers.length >= ok && numbers.length <= ok + unknown);
        assert.equal(sb.stats().byCommand.uploadTestRunResults, 16, "each upload sent once");
      });
      await t.step("under 5xx: 503 is resent (not processed), 500 is not", async () => {
        sb.setFaults({ failRate: 0.5 });
        const before = sb.stats().byCommand.uploadTestRunResults ?? 0;
        let ok = 0;
        let failed = 0;
        for (let i = 0; i < 12; i++) {
          try {
            await client.uploadTestRunResults(wirebondRun(1, `fail-${i}`));
            ok++;
          } catch (error) {
            assert.ok(error instanceof ServerError, String(error));
            assert.equal(error.status, 500);
            failed++;
          }
        }
        sb.setFaults({ failRate: 0 });
        const runs = await client.listTestRunsByComponent({ filterMap: { code: demoSerial(1) } });
        const numbers = runs.map((r) => r.runNumber).filter((n) => n?.startsWith("fail-"));
        assert.equal(numbers.length, ok, "injected failures store nothing, successes once");
        assert.equal(new Set(numbers).size, numbers.length);
        assert.ok((sb.stats().byCommand.uploadTestRunResults ?? 0) - before >= 12);
        assert.ok(ok + failed === 12);
      });
    } finally {
      client.close();
    }
  });
});

Deno.test("faults: connection refused is provably not sent, so a write is retried", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  const lines: string[] = [];
  const transport = new HttpTransport();
  const engine = new HttpEngine({
    transport,
    timeoutMs: 2000,
    retries: 2,
    retryBaseMs: 1,
    log: (l) => lines.push(l),
  });
  engine.tokens = { getToken: () => Promise.resolve("t"), invalidate: () => {} };
  try {
    await assert.rejects(
      engine.send({
        command: "uploadTestRunResults",
        url: `http://127.0.0.1:${port}/api/uploadTestRunResults`,
        wireMethod: "POST",
        json: {},
        auth: true,
        policy: "write",
      }),
      (e: Error) =>
        e instanceof NetworkError && e.maybeSent === false && /ECONNREFUSED/.test(e.message),
    );
    assert.equal(lines.filter((l) => /retry \d\/2/.test(l)).length, 2);
  } finally {
    transport.close();
  }
});

Deno.test("faults: a slow answer gives TimeoutError, without waiting for it", async () => {
  await withSandbox({}, async (sb) => {
    const { client } = clientFor(sb, { timeoutMs: 200, retries: 3 });
    try {
      await client.auth.getToken();
      const before = client.stats();
      sb.setFaults({ latencyMs: 600_000 }); // the answer would come after the test's time
      await assert.rejects(
        client.listInstitutions(),
        (e: Error) => e instanceof TimeoutError && /no answer within 200 ms/.test(e.message),
      );
      // Not retried: one request put on the wire (the sandbox may not even have it yet).
      assert.equal(client.stats().requests - before.requests, 1);
      assert.equal(client.stats().retries, before.retries);
      assert.ok((sb.stats().byCommand.listInstitutions ?? 0) <= 1);
    } finally {
      client.close();
    }
  });
});

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
