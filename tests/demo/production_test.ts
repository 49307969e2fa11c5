/** The generated production, uploaded through the client to a sandbox over loopback. */
import assert from "node:assert/strict";
import { ItkpdClient } from "../../lib/client/mod.ts";
import { generateProduction, productionSerial } from "../../lib/demo/production.ts";
import { startSandbox } from "../../lib/sandbox/mod.ts";

async function produce(modules: number, seed: number) {
  const sb = await startSandbox({});
  const client = new ItkpdClient({ env: sb.env(), onWarning: () => {} });
  try {
    const made = await generateProduction(client, { modules, seed, attachFailing: true });
    const stored = await client.getTestRunBulk(made.runs.map((r) => r.runId));
    const files = new Map<string, string>();
    for (const r of made.runs.filter((x) => x.attachment)) {
      const bytes = await client.getTestRunAttachment({ testRun: r.runId, code: r.attachment! });
      files.set(r.runId, new TextDecoder().decode(bytes));
    }
    return { made, stored, files };
  } finally {
    client.close();
    await sb.close();
  }
}

Deno.test("generateProduction: sites in turn, working days, failures, retests, raw files", async () => {
  const { made, stored, files } = await produce(60, 5);
  assert.equal(made.modules, 60);
  assert.equal(made.runs.length, 60 + made.retests);
  assert.equal(stored.length, made.runs.length);
  assert.ok(made.failing > 0, "some modules fail");
  for (let i = 1; i <= 60; i++) {
    const first = made.runs.find((r) => r.serial === productionSerial(i))!;
    assert.equal(first.institution, ["SANDBOX_A", "SANDBOX_B", "SANDBOX_C"][(i - 1) % 3]);
  }
  for (const r of made.runs) {
    const d = new Date(r.date);
    assert.ok(d.getUTCDay() >= 1 && d.getUTCDay() <= 5, `${r.date} is a working day`);
    assert.ok(r.date >= "2024-02-05" && r.date < "2024-07-01", r.date);
    const run = stored.find((s) => s.id === r.runId)!;
    assert.equal(run.components![0].serialNumber, r.serial);
    assert.equal(run.passed, r.passed);
    // The raw file is attached to every failing run, and only to those.
    assert.equal(r.attachment !== undefined, !r.passed);
    if (r.attachment) {
      assert.deepEqual(run.attachments!.map((a) => a.filename), [`${r.serial}.csv`]);
      assert.match(files.get(r.runId)!, new RegExp(`"Serial Number","${r.serial}"`));
    }
  }
  // A retest is the same module, tested later.
  const bySerial = Map.groupBy(made.runs, (r) => r.serial);
  const retested = [...bySerial.values()].filter((runs) => runs.length > 1);
  assert.equal(retested.length, made.retests);
  for (const [first, second] of retested) {
    assert.equal(first.passed, false);
    assert.ok(second.date > first.date);
  }
});

Deno.test("generateProduction: the same seed gives the same production", async () => {
  const strip = (m: Awaited<ReturnType<typeof produce>>["made"]) =>
    m.runs.map((r) => [r.serial, r.institution, r.date, r.passed]);
  const [a, b, c] = await Promise.all([produce(15, 9), produce(15, 9), produce(15, 10)]);
  assert.deepEqual(strip(a.made), strip(b.made));
  assert.notDeepEqual(strip(a.made), strip(c.made));
});
