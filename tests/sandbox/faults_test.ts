import assert from "node:assert/strict";
import { Faults, mulberry32 } from "../../lib/sandbox/faults.ts";
import { startSandbox } from "../../lib/sandbox/mod.ts";
import { http, tokenOf, wirebondRun } from "./_helpers.ts";

Deno.test("Faults: the same seed gives the same plans", async (t) => {
  await t.step("mulberry32 is deterministic and in [0, 1)", () => {
    const a = mulberry32(7);
    const b = mulberry32(7);
    for (let i = 0; i < 100; i++) {
      const x = a();
      assert.equal(x, b());
      assert.ok(x >= 0 && x < 1);
    }
  });
  await t.step("rates are respected roughly, drops of writes split before/after", () => {
    const f = new Faults({ failRate: 0.2, dropRate: 0.5 }, 123);
    const plans = Array.from({ length: 2000 }, () => f.next(true));
    const fails = plans.filter((p) => p.failStatus).length;
    const after = plans.filter((p) => p.drop === "after").length;
    const before = plans.filter((p) => p.drop === "before").length;
    assert.ok(fails > 300 && fails < 500, `fails ${fails}`);
    assert.ok(after > 300 && before > 300, `after ${after} before ${before}`);
    const reads = new Faults({ dropRate: 1 }, 1);
    for (let i = 0; i < 50; i++) assert.equal(reads.next(false).drop, "before");
  });
  await t.step("bad settings are refused", () => {
    assert.throws(() => new Faults({ failRate: 2 }, 1), /failRate must be 0\.\.1/);
    assert.throws(() => new Faults({ latencyMs: -1 }, 1), /latencyMs must be >= 0/);
  });
});

/** Runs `n` sequential uploads; returns each outcome: a status or "drop". */
async function outcomes(seed: number, n: number) {
  const sb = await startSandbox({ demoModules: 1, failRate: 0.3, dropRate: 0.3, seed });
  try {
    const token = await tokenOf(sb);
    const out: (number | "drop")[] = [];
    for (let i = 0; i < n; i++) {
      try {
        const res = await http(sb.apiUrl + "uploadTestRunResults", {
          token,
          body: wirebondRun("20UPGM20000001", String(i)),
        });
        out.push(res.status);
      } catch {
        out.push("drop");
      }
    }
    sb.setFaults({ failRate: 0, dropRate: 0 });
    const list = await http(sb.apiUrl + "listTestRunsByComponent", {
      token,
      body: { filterMap: { code: "20UPGM20000001" } },
    });
    return { out, stored: list.json.itemList.length as number, stats: sb.stats() };
  } finally {
    await sb.close();
  }
}

Deno.test("sandbox fault injection is reproducible with a seed", async (t) => {
  const n = 40;
  const a = await outcomes(42, n);
  const b = await outcomes(42, n);

  await t.step("the same seed and request order give the same outcomes", () => {
    assert.deepEqual(a.out, b.out);
    assert.equal(a.stored, b.stored);
  });

  await t.step("5xx answers, drops and successes all happen", () => {
    const fails = a.out.filter((o) => o === 500 || o === 503).length;
    const drops = a.out.filter((o) => o === "drop").length;
    const ok = a.out.filter((o) => o === 200).length;
    assert.ok(fails > 0 && drops > 0 && ok > 0, JSON.stringify(a.out));
    assert.equal(a.stats.faults, fails);
    assert.equal(a.stats.dropped, drops);
    assert.equal(a.stats.byCommand.uploadTestRunResults, n);
    // failed requests store nothing; drops before the write store nothing; drops after do
    assert.ok(a.stored >= ok && a.stored < ok + drops, `stored ${a.stored}, ok ${ok}`);
    assert.ok(a.stored > ok, "some writes were committed and then dropped");
  });

  await t.step("another seed gives other outcomes", async () => {
    const c = await outcomes(7, n);
    assert.notDeepEqual(c.out, a.out);
  });
});

Deno.test("sandbox faults: 5xx shape, latency, run-time changes, auth untouched", async (t) => {
  const sb = await startSandbox({ demoModules: 1, failRate: 1, seed: 1 });
  try {
    await t.step("grantToken is not subject to faults", async () => {
      await tokenOf(sb);
    });
    const token = await tokenOf(sb);
    const get = () =>
      http(sb.apiUrl + "getComponent", { token, body: { component: "20UPGM20000001" } });

    await t.step("failRate 1 → every API call answers 5xx with an error entry", async () => {
      for (let i = 0; i < 5; i++) {
        const res = await get();
        assert.ok(res.status === 500 || res.status === 503);
        const [code] = Object.keys(res.json.uuAppErrorMap);
        assert.match(code, /^cern-itkpd-main\/(internalServerError|serviceUnavailable)$/);
        assert.equal(res.json.uuAppErrorMap[code].type, "error");
      }
    });

    await t.step("setFaults changes at run time; latency is added", async () => {
      sb.setFaults({ failRate: 0, latencyMs: 150 });
      const started = performance.now();
      const res = await get();
      assert.equal(res.status, 200);
      assert.ok(performance.now() - started >= 140);
      sb.setFaults({ latencyMs: 0, dropRate: 1 });
      await assert.rejects(get());
      sb.setFaults({ dropRate: 0 });
      assert.equal((await get()).status, 200);
    });

    await t.step("stats count requests and commands", () => {
      const s = sb.stats();
      assert.equal(s.byCommand.getComponent, 8);
      assert.equal(s.faults, 5);
      assert.equal(s.dropped, 1);
      assert.equal(s.requests, 10);
    });

    await t.step("close is prompt even with a request waiting in latency", async () => {
      sb.setFaults({ latencyMs: 60_000 });
      const before = sb.stats().byCommand.getComponent;
      const pending = get().catch((e) => e);
      // Close once the sandbox has the request (counted, then held in the latency).
      while (sb.stats().byCommand.getComponent === before) {
        await new Promise((r) => setTimeout(r, 1));
      }
      await sb.close();
      assert.ok(await pending instanceof Error);
    });
  } finally {
    await sb.close();
  }
});

Deno.test("sandbox slow commits: answered as a drop, stored later, awaitable", async (t) => {
  const held: number[] = [];
  const sb = await startSandbox({
    demoModules: 1,
    slowCommitRate: 1,
    slowCommitMs: 60_000,
    seed: 3,
    onSlowCommit: (pending) => held.push(pending),
  });
  try {
    const token = await tokenOf(sb);
    const list = async () =>
      (await http(sb.apiUrl + "listTestRunsByComponent", {
        token,
        body: { filterMap: { code: "20UPGM20000001" } },
      })).json.itemList.length as number;

    await t.step("a write is dropped, not stored yet; reads are not held", async () => {
      await assert.rejects(
        http(sb.apiUrl + "uploadTestRunResults", { token, body: wirebondRun("20UPGM20000001") }),
      );
      assert.deepEqual(held, [1]);
      assert.equal(await list(), 0, "a look-up right after the lost answer sees nothing");
      const s = sb.stats();
      assert.equal(s.slowCommits, 1);
      assert.equal(s.pendingCommits, 1);
      assert.equal(s.dropped, 1);
    });

    await t.step("settled() resolves once the held write is stored", async () => {
      const settled = sb.settled();
      assert.equal(sb.commitHeld(), 1);
      await settled;
      assert.equal(await list(), 1);
      assert.equal(sb.stats().pendingCommits, 0);
      await sb.settled(); // nothing held: at once
    });

    await t.step("the delay commits by itself", async () => {
      sb.setFaults({ slowCommitMs: 5 });
      await assert.rejects(
        http(sb.apiUrl + "uploadTestRunResults", {
          token,
          body: wirebondRun("20UPGM20000001", "2"),
        }),
      );
      await sb.settled();
      assert.equal(await list(), 2);
    });

    await t.step("a held write dies with the server (never stored)", async () => {
      sb.setFaults({ slowCommitMs: 60_000 });
      await assert.rejects(
        http(sb.apiUrl + "uploadTestRunResults", {
          token,
          body: wirebondRun("20UPGM20000001", "3"),
        }),
      );
      const settled = sb.settled();
      await sb.close();
      await settled;
      assert.equal(sb.stats().pendingCommits, 0);
    });
  } finally {
    await sb.close();
  }
});

Deno.test("Faults: slow commits leave the other faults' sequence unchanged", () => {
  const plain = new Faults({ failRate: 0.2, dropRate: 0.2 }, 77);
  const slow = new Faults({ failRate: 0.2, dropRate: 0.2, slowCommitRate: 0.5 }, 77);
  let slowOnes = 0;
  for (let i = 0; i < 500; i++) {
    const write = i % 3 !== 0;
    const a = plain.next(write);
    const b = slow.next(write);
    assert.equal(b.failStatus, a.failStatus);
    assert.equal(b.drop, a.drop);
    if (b.slowCommitMs) {
      slowOnes++;
      assert.ok(write, "only writes are held");
      assert.equal(a.failStatus + (a.drop === "none" ? 0 : 1), 0, "only otherwise clean ones");
    }
  }
  assert.ok(slowOnes > 100, `slow commits: ${slowOnes}`);
});

Deno.test("sandbox failNext: the next requests of one command fail, the others go through", async () => {
  const sb = await startSandbox({ demoModules: 1, seed: 1 });
  try {
    const token = await tokenOf(sb);
    const call = (command: string) =>
      http(sb.apiUrl + command, { token, body: { component: "20UPGM20000001" } });
    sb.setFaults({ failNext: { getComponent: 2 } });
    assert.equal((await call("listInstitutions")).status, 200, "another command is untouched");
    for (let i = 0; i < 2; i++) {
      const res = await call("getComponent");
      assert.equal(res.status, 500);
      assert.deepEqual(Object.keys(res.json.uuAppErrorMap), [
        "cern-itkpd-main/internalServerError",
      ]);
    }
    assert.equal((await call("getComponent")).status, 200, "only the next two");
    assert.equal(sb.stats().faults, 2);
    assert.throws(() => sb.setFaults({ failNext: { getComponent: -1 } }), /integer >= 0/);
  } finally {
    await sb.close();
  }
});
