/**
 * The one exactly-once rule for a run (uploadRunOnce / uploadOnce) against the real sandbox:
 * looked up right before each send, looked up again after a lost answer, a failed look-up never
 * taken for "not in the database", the after-create step run once per created run.
 */
import assert from "node:assert/strict";
import { ItkpdClient } from "../../lib/client/mod.ts";
import { NetworkError, ServerError } from "../../lib/errors.ts";
import { demoSerial, generateDageFile } from "../../lib/fixtures/mod.ts";
import { parseDage } from "../../lib/parsers/mod.ts";
import { type Sandbox, type SandboxOptions, startSandbox } from "../../lib/sandbox/mod.ts";
import {
  type CreatedRun,
  describeUploadOnce,
  OutcomeUnknownError,
  presentRuns,
  uploadOnce,
  uploadRunOnce,
} from "../../lib/upload/mod.ts";
import { DEFAULT_BREAK_MODE_MAPPING, wirebondPullTest } from "../../lib/analysis/mod.ts";
import type { TestRunUpload } from "../../lib/schemas/test_run.ts";

function pullRun(i: number) {
  const serial = demoSerial(i);
  const parsed = parseDage(generateDageFile({ index: i, seed: 4 }), `${serial}.csv`);
  return wirebondPullTest(parsed, DEFAULT_BREAK_MODE_MAPPING, {
    component: serial,
    institution: "SANDBOX_A",
  }).testRun;
}

async function world(opts: SandboxOptions = {}) {
  const sandbox = await startSandbox({ port: 0, demoModules: 16, seed: 3, ...opts });
  const client = new ItkpdClient({
    env: sandbox.env(),
    retryBaseMs: 5,
    retries: 3,
    onWarning: () => {},
  });
  const uploads = () => sandbox.stats().byCommand.uploadTestRunResults ?? 0;
  const allRuns = (serial: string) =>
    client.listTestRunsByComponent({ filterMap: { code: serial, state: ["ready", "deleted"] } });
  return {
    sandbox,
    client,
    uploads,
    allRuns,
    async close() {
      client.close();
      await sandbox.close();
    },
  };
}

Deno.test("uploadOnce under dropped connections: exactly what happened", async () => {
  const w = await world();
  try {
    let created = 0;
    let errors = 0;
    for (let i = 1; i <= 16; i++) {
      const testRun = pullRun(i);
      w.sandbox.setFaults({ dropRate: 0.5 });
      let outcome;
      try {
        outcome = await uploadOnce(w.client, testRun, { source: `${demoSerial(i)}.json` });
      } catch (e) {
        assert.ok(e instanceof NetworkError, String(e));
        outcome = e;
      } finally {
        w.sandbox.setFaults({ dropRate: 0 });
      }
      const runs = await w.allRuns(demoSerial(i));
      assert.ok(runs.length <= 1, `${demoSerial(i)}: never two runs (${runs.length})`);
      if (outcome instanceof Error) {
        errors++;
        // "Not stored" is said only when it is so; anything unsure says the run may exist.
        if (!/may or may not be stored|may still store it/.test(outcome.message)) {
          assert.equal(runs.length, 0, `${demoSerial(i)}: ${outcome.message}`);
        }
      } else {
        assert.equal(runs.length, 1, `${demoSerial(i)}: one run`);
        assert.equal(runs[0].id, outcome.id);
        assert.match(describeUploadOnce(outcome, testRun.runNumber), /testRun|already/);
        created++;
      }
    }
    assert.equal(created + errors, 16);
    assert.ok(w.sandbox.stats().dropped > 0, "connections were dropped");
  } finally {
    await w.close();
  }
});

Deno.test("a failed look-up after a lost answer is never 'not in the database'", async () => {
  const ref: { sandbox?: Sandbox } = {};
  const w = await world({
    slowCommitRate: 1,
    slowCommitMs: 60_000,
    // The write is stored at once, its answer lost, and every later request fails (5xx).
    onSlowCommit: () => {
      ref.sandbox!.commitHeld();
      ref.sandbox!.setFaults({ slowCommitRate: 0, failRate: 1 });
    },
  });
  ref.sandbox = w.sandbox;
  try {
    const testRun = pullRun(1);
    // uploadOnce prepares (reads) first: the faults start with the upload itself.
    const error = await uploadOnce(w.client, testRun, { source: "r.json" }).then(
      () => undefined,
      (e) => e,
    );
    assert.ok(error instanceof NetworkError, String(error));
    assert.doesNotMatch(error.message, /not in the database/);
    assert.match(error.message, /may or may not be stored/);
    w.sandbox.setFaults({ failRate: 0 });
    assert.equal((await w.allRuns(demoSerial(1))).length, 1, "it was stored");
  } finally {
    await w.close();
  }
});

Deno.test("uploadRunOnce: the rule step by step", async (t) => {
  const w = await world();
  const dtoIn = (i: number, runNumber?: string): TestRunUpload => ({
    ...pullRun(i),
    ...(runNumber ? { runNumber } : {}),
  } as unknown as TestRunUpload);
  try {
    await t.step("created: one send, the after-create step once, with the id", async () => {
      const created: CreatedRun[] = [];
      const sends: number[] = [];
      const outcome = await uploadRunOnce(w.client, { dtoIn: dtoIn(1) }, {
        hooks: { beforeSend: (n) => void sends.push(n), afterCreate: (r) => void created.push(r) },
      });
      assert.equal(outcome.status, "created");
      assert.deepEqual(sends, [1]);
      assert.equal(created.length, 1);
      assert.equal(created[0].id, outcome.id);
      assert.equal(created[0].confirmedBy, "answer");
    });

    await t.step("present: looked up right before the send, nothing sent", async () => {
      const before = w.uploads();
      const created: CreatedRun[] = [];
      const outcome = await uploadRunOnce(w.client, { dtoIn: dtoIn(1) }, {
        hooks: { afterCreate: (r) => void created.push(r) },
      });
      assert.equal(outcome.status, "present");
      assert.equal(w.uploads(), before);
      assert.deepEqual(created, []);
    });

    await t.step("a deleted run does not count: the run is uploaded again", async () => {
      const [run] = await presentRuns(w.client, {
        component: demoSerial(1),
        testType: "WIREBOND_PULL_TEST",
        runNumber: dtoIn(1).runNumber,
      });
      await w.client.deleteTestRun({ testRun: run.id });
      const outcome = await uploadRunOnce(w.client, { dtoIn: dtoIn(1) });
      assert.equal(outcome.status, "created");
      assert.notEqual(outcome.id, run.id);
    });

    await t.step("a lost answer, the run stored: found, not sent again", async () => {
      w.sandbox.setFaults({ slowCommitRate: 1, slowCommitMs: 60_000 });
      const created: CreatedRun[] = [];
      const outcome = await uploadRunOnce(w.client, { dtoIn: dtoIn(2) }, {
        hooks: {
          onUnknown: () => {
            // The answer was lost; the server stores the run before the client looks again.
            w.sandbox.commitHeld();
            w.sandbox.setFaults({ slowCommitRate: 0 });
          },
          afterCreate: (r) => void created.push(r),
        },
      });
      assert.equal(outcome.status, "created");
      assert.equal(outcome.unknownSends, 1);
      assert.equal(outcome.attempts, 1);
      assert.equal(created[0]?.confirmedBy, "lookup");
      assert.equal((await w.allRuns(demoSerial(2))).length, 1);
    });

    await t.step("a lost answer, nothing stored: looked up, then sent again", async () => {
      w.sandbox.setFaults({ slowCommitRate: 1, slowCommitMs: 60_000 });
      const before = w.uploads();
      const outcome = await uploadRunOnce(w.client, { dtoIn: dtoIn(3) }, {
        hooks: { onUnknown: () => w.sandbox.setFaults({ slowCommitRate: 0 }) },
      });
      assert.equal(outcome.status, "created");
      assert.equal(outcome.attempts, 2);
      assert.equal(w.uploads() - before, 2);
      // The first write is still held (a late commit): reconciliation's business (lib/batch).
      assert.equal(w.sandbox.stats().pendingCommits, 1);
      w.sandbox.commitHeld();
    });

    await t.step("refused (507, nothing stored): thrown as it is, not sent again", async () => {
      w.sandbox.setFaults({ diskFull: true });
      const before = w.uploads();
      let error: unknown;
      for (let i = 4; i < 12 && !error; i++) {
        error = await uploadRunOnce(w.client, { dtoIn: dtoIn(i) }).then(() => undefined, (e) => e);
      }
      w.sandbox.setFaults({ diskFull: false });
      assert.ok(error instanceof ServerError && error.status === 507, String(error));
      assert.ok(w.uploads() - before <= 8, "one send per run");
    });

    await t.step(
      "--allow-duplicate: a second run, its lost answer settled by its new id",
      async () => {
        const first = await uploadRunOnce(w.client, { dtoIn: dtoIn(12) });
        w.sandbox.setFaults({ slowCommitRate: 1, slowCommitMs: 60_000 });
        const second = await uploadRunOnce(w.client, { dtoIn: dtoIn(12) }, {
          allowDuplicate: true,
          hooks: {
            onUnknown: () => {
              w.sandbox.commitHeld();
              w.sandbox.setFaults({ slowCommitRate: 0 });
            },
          },
        });
        assert.equal(second.status, "created");
        assert.notEqual(second.id, first.id);
        assert.equal((await w.allRuns(demoSerial(12))).length, 2);
      },
    );
  } finally {
    await w.close();
  }
});

Deno.test("uploadRunOnce: a look-up that fails before any send is thrown, nothing sent", async () => {
  const w = await world({ failRate: 1 });
  try {
    const error = await uploadRunOnce(w.client, {
      dtoIn: pullRun(1) as unknown as TestRunUpload,
    }).then(() => undefined, (e) => e);
    assert.ok(error instanceof ServerError, String(error));
    assert.equal(error.command, "listTestRunsByComponent");
    assert.ok(!(error instanceof OutcomeUnknownError));
    assert.equal(w.uploads(), 0);
  } finally {
    await w.close();
  }
});
