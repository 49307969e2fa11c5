import assert from "node:assert/strict";
import { NetworkError, ServerError, TimeoutError } from "../../lib/errors.ts";
import { HttpEngine, NodeTransport } from "../../lib/client/mod.ts";
import { demoSerial } from "../../lib/fixtures/serials.ts";
import { clientFor, wirebondRun, withSandbox } from "./_helpers.ts";

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
  const transport = new NodeTransport();
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
