/**
 * uploadOnce against a sandbox that drops connections (half of the write drops after the run is
 * stored): every outcome is either "created" with the one stored run, or an error saying the
 * run is not in the database; never a duplicate, never a false report.
 */
import assert from "node:assert/strict";
import { ItkpdClient } from "../../lib/client/mod.ts";
import { NetworkError } from "../../lib/errors.ts";
import { demoSerial, generateDageFile } from "../../lib/fixtures/mod.ts";
import { parseDage } from "../../lib/parsers/mod.ts";
import { startSandbox } from "../../lib/sandbox/mod.ts";
import { describeUploadOnce, uploadOnce } from "../../lib/upload/mod.ts";
import { DEFAULT_BREAK_MODE_MAPPING, wirebondPullTest } from "../../lib/analysis/mod.ts";

Deno.test("uploadOnce under dropped connections: exactly what happened", async () => {
  const modules = 16;
  const sandbox = await startSandbox({ port: 0, demoModules: modules, seed: 3 });
  const client = new ItkpdClient({
    env: sandbox.env(),
    retryBaseMs: 10,
    retries: 6,
    onWarning: () => {},
  });
  try {
    let created = 0;
    let refused = 0;
    for (let i = 1; i <= modules; i++) {
      const serial = demoSerial(i);
      const parsed = parseDage(generateDageFile({ index: i, seed: 4 }), `${serial}.csv`);
      const { testRun } = wirebondPullTest(parsed, DEFAULT_BREAK_MODE_MAPPING, {
        component: serial,
        institution: "SANDBOX_A",
      });
      sandbox.setFaults({ dropRate: 0.5 });
      let outcome;
      try {
        outcome = await uploadOnce(client, testRun, { source: `${serial}.json` });
      } catch (e) {
        // Either the upload's answer was lost and the run is not stored, or a read before it
        // failed (nothing was sent): both say so, and nothing is stored (checked below).
        assert.ok(e instanceof NetworkError, String(e));
        assert.match(e.message, /not in the database|^GET /);
        outcome = undefined;
      } finally {
        sandbox.setFaults({ dropRate: 0 });
      }
      const runs = await client.listTestRunsByComponent({ filterMap: { code: serial } });
      if (outcome) {
        assert.equal(runs.length, 1, `${serial}: one run`);
        assert.equal(runs[0].id, outcome.id);
        assert.match(describeUploadOnce(outcome, testRun.runNumber), /testRun|already/);
        created++;
      } else {
        assert.equal(runs.length, 0, `${serial}: nothing stored when it says so`);
        refused++;
      }
    }
    assert.equal(created + refused, modules);
    assert.ok(sandbox.stats().dropped > 0, "connections were dropped");
  } finally {
    client.close();
    await sandbox.close();
  }
});
