/**
 * Reading a production back from the sandbox over loopback: paging, bulk reads, every run once,
 * the local filters, and a refresh that fetches only what changed (getTestRunBulk requests
 * counted at the sandbox).
 */
import assert from "node:assert/strict";
import { ItkpdClient } from "../../lib/client/mod.ts";
import { generateProduction, productionSerial } from "../../lib/demo/production.ts";
import { cachedRuns, RunCache, type RunSelection, syncTestRuns } from "../../lib/readback/mod.ts";
import { type Sandbox, startSandbox } from "../../lib/sandbox/mod.ts";

const PULLS: RunSelection = {
  project: "P",
  componentType: "MODULE",
  testTypes: ["WIREBOND_PULL_TEST"],
};

function count(sb: Sandbox, command: string): number {
  return sb.stats().byCommand[command] ?? 0;
}

Deno.test("readback: sync, every run once, refresh fetches only what changed", async (t) => {
  const sb = await startSandbox({});
  const client = new ItkpdClient({ env: sb.env(), onWarning: () => {} });
  const dir = await Deno.makeTempDir({ prefix: "itkpd-readback-" });
  const cacheFile = `${dir}/runs.sqlite`;
  try {
    const made = await generateProduction(client, { modules: 150, attachFailing: true });
    const site = client.config.apiUrl;
    const ids = made.runs.map((r) => r.runId);
    assert.ok(made.failing > 0 && made.retests > 0 && made.attached > 0, JSON.stringify(made));

    await t.step("first sync: paged listing, 100 per bulk call, every run once", async () => {
      using cache = new RunCache(cacheFile);
      const r = await syncTestRuns(client, cache, PULLS, { pageSize: 40, concurrency: 3 });
      assert.equal(r.listed, ids.length);
      assert.equal(r.fetched, ids.length);
      assert.equal(r.unchanged, 0);
      assert.equal(r.bulkCalls, Math.ceil(ids.length / 100));
      assert.equal(count(sb, "getTestRunBulk"), Math.ceil(ids.length / 100));
      assert.equal(count(sb, "listTestRunsByTestType"), Math.ceil(ids.length / 40));
      const got = cachedRuns(cache, site, PULLS)!;
      assert.equal(got.notCached, 0);
      assert.equal(got.runs.length, ids.length);
      assert.deepEqual(new Set(got.runs.map((x) => x.id)), new Set(ids));
      const one = got.runs.find((x) => x.id === made.runs[0].runId)!;
      assert.equal(one.serial, made.runs[0].serial);
      assert.equal(one.institution, made.runs[0].institution);
      assert.equal(one.passed, made.runs[0].passed);
      assert.equal(one.stage, "MODULE/WIREBONDING");
      assert.equal(typeof one.results.PULL_STRENGTH, "number");
      assert.ok(Array.isArray(one.results.PULL_STRENGTH_DATA));
      const withFile = made.runs.find((x) => x.attachment)!;
      const cachedWithFile = got.runs.find((x) => x.id === withFile.runId)!;
      assert.deepEqual(cachedWithFile.attachments.map((a) => a.code), [withFile.attachment]);
    });

    await t.step("reopened, nothing changed: listed again, nothing fetched", async () => {
      using cache = new RunCache(cacheFile);
      const before = count(sb, "getTestRunBulk");
      const r = await syncTestRuns(client, cache, PULLS);
      assert.deepEqual([r.fetched, r.unchanged, r.bulkCalls], [0, ids.length, 0]);
      assert.equal(count(sb, "getTestRunBulk"), before);
    });

    const added = await generateProduction(client, {
      modules: 30,
      retestRate: 0,
      serialOf: (i) => productionSerial(500 + i),
      seed: 77,
    });
    const deleted = ids.slice(0, 3);
    for (const id of deleted) await client.deleteTestRun({ testRun: id });

    await t.step("refresh: only the new runs are fetched; deleted ones drop out", async () => {
      using cache = new RunCache(cacheFile);
      const before = count(sb, "getTestRunBulk");
      const r = await syncTestRuns(client, cache, PULLS);
      assert.equal(r.fetched, added.runs.length);
      assert.equal(r.unchanged, ids.length - deleted.length);
      assert.equal(count(sb, "getTestRunBulk"), before + 1);
      const got = cachedRuns(cache, site, PULLS)!;
      const expected = new Set([...ids.slice(3), ...added.runs.map((x) => x.runId)]);
      assert.equal(got.runs.length, expected.size);
      assert.deepEqual(new Set(got.runs.map((x) => x.id)), expected);
    });

    await t.step(
      "with deleted runs selected: only the changed (deleted) runs are fetched",
      async () => {
        using cache = new RunCache(cacheFile);
        const sel = { ...PULLS, states: ["ready", "deleted"] };
        const r = await syncTestRuns(client, cache, sel);
        assert.equal(r.fetched, deleted.length);
        const got = cachedRuns(cache, site, sel)!;
        const states = got.runs.filter((x) => deleted.includes(x.id)).map((x) => x.state);
        assert.deepEqual(states, ["deleted", "deleted", "deleted"]);
      },
    );

    await t.step("full: every selected run fetched again", async () => {
      using cache = new RunCache(cacheFile);
      const r = await syncTestRuns(client, cache, PULLS, { full: true });
      assert.equal(r.fetched, r.selected);
      assert.equal(r.unchanged, 0);
    });
  } finally {
    client.close();
    await sb.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("readback: local filters (institution, components, dates) fetch only what they keep", async (t) => {
  const sb = await startSandbox({});
  const client = new ItkpdClient({ env: sb.env(), onWarning: () => {} });
  try {
    const made = await generateProduction(client, { modules: 60 });
    const site = client.config.apiUrl;

    await t.step("one institution", async () => {
      using cache = new RunCache(":memory:");
      const sel = { ...PULLS, institutions: ["SANDBOX_B"] };
      const r = await syncTestRuns(client, cache, sel);
      const want = made.runs.filter((x) => x.institution === "SANDBOX_B");
      assert.equal(r.listed, made.runs.length);
      assert.equal(r.selected, want.length);
      assert.equal(r.fetched, want.length);
      const got = cachedRuns(cache, site, sel)!.runs;
      assert.deepEqual(new Set(got.map((x) => x.id)), new Set(want.map((x) => x.runId)));
      // Another institution of the same listing, offline: not fetched yet.
      const other = cachedRuns(cache, site, { ...PULLS, institutions: ["SANDBOX_A"] })!;
      assert.equal(other.runs.length, 0);
      assert.equal(other.notCached, made.runs.filter((x) => x.institution === "SANDBOX_A").length);
    });

    await t.step("components and a date range", async () => {
      using cache = new RunCache(":memory:");
      const serials = [made.runs[0].serial, made.runs[5].serial];
      const sel = { ...PULLS, components: serials };
      await syncTestRuns(client, cache, sel);
      const got = cachedRuns(cache, site, sel)!.runs;
      assert.deepEqual(
        new Set(got.map((x) => x.id)),
        new Set(made.runs.filter((x) => serials.includes(x.serial)).map((x) => x.runId)),
      );
      const from = "2024-03-01";
      const to = "2024-03-31";
      const ranged = { ...PULLS, from, to };
      await syncTestRuns(client, cache, ranged);
      const inMarch = cachedRuns(cache, site, ranged)!.runs;
      const want = made.runs.filter((x) =>
        x.date.slice(0, 10) >= from && x.date.slice(0, 10) <= to
      );
      assert.ok(want.length > 0);
      assert.deepEqual(new Set(inMarch.map((x) => x.id)), new Set(want.map((x) => x.runId)));
    });
  } finally {
    client.close();
    await sb.close();
  }
});
