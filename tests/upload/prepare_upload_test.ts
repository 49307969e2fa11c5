/**
 * prepareUpload (and the upload of what it prepares) against an in-process sandbox.
 */
import assert from "node:assert/strict";
import { InputError } from "../../lib/errors.ts";
import { ItkpdClient } from "../../lib/client/mod.ts";
import { startSandbox } from "../../lib/sandbox/mod.ts";
import {
  findPresentRun,
  identityOf,
  type PreparedUpload,
  prepareUpload,
  renderDryRun,
  resolveTestType,
  type RunToUpload,
  uploadRunOnce,
} from "../../lib/upload/mod.ts";
import type { TestRunUpload } from "../../lib/schemas/test_run.ts";

const toUpload = (p: PreparedUpload): RunToUpload => ({
  dtoIn: p.dtoIn as unknown as TestRunUpload,
  componentCode: p.resolved.component.code,
});

function ivRun(component: string | null, runNumber = "r1"): Record<string, unknown> {
  return {
    component,
    testType: "IV_MEASURE",
    institution: "SANDBOX_A",
    runNumber,
    passed: true,
    results: { VOLTAGE: [0, -2], CURRENT: [0.1, 0.2] },
  };
}

Deno.test("prepare and upload", async (t) => {
  const sandbox = await startSandbox({ port: 0, demoModules: 2 });
  const warnings: string[] = [];
  const client = new ItkpdClient({
    env: sandbox.env(),
    onWarning: (w) => warnings.push(w.code),
  });
  try {
    await t.step("resolveTestType: the component's project, type and the definition", async () => {
      const r = await resolveTestType(client, "20UPGM20000001", "IV_MEASURE");
      assert.equal(r.project, "P");
      assert.equal(r.componentType, "MODULE");
      assert.equal(r.testType.code, "IV_MEASURE");
      assert.equal(r.component.serialNumber, "20UPGM20000001");
    });

    await t.step("an unknown component or test type: InputError at its JSON path", async () => {
      await assert.rejects(resolveTestType(client, "20UPGM29999999", "IV_MEASURE"), (e) => {
        assert.ok(e instanceof InputError);
        assert.equal(e.problems[0].path, "$.component");
        return true;
      });
      await assert.rejects(resolveTestType(client, "20UPGM20000001", "IV_MEASUR"), (e) => {
        assert.ok(e instanceof InputError);
        assert.equal(e.problems[0].path, "$.testType");
        assert.match(e.problems[0].message, /did you mean IV_MEASURE\?.*available: WIREBOND/);
        return true;
      });
    });

    await t.step("a serial number in another case: refused, with the one meant", async () => {
      for (const typed of ["20upgm20000001", "20UpGm20000001"]) {
        await assert.rejects(prepareUpload(client, ivRun(typed, "lower")), (e) => {
          assert.ok(e instanceof InputError);
          assert.deepEqual(e.problems.find((p) => p.path === "$.component"), {
            path: "$.component",
            message: `no component "${typed}"; did you mean 20UPGM20000001? Serial numbers ` +
              "are written in upper case",
          });
          return true;
        });
      }
      // Malformed: what is wrong with it, in words; unknown: what to do.
      await assert.rejects(resolveTestType(client, "20UPGM2000001", "IV_MEASURE"), (e) => {
        assert.ok(e instanceof InputError);
        assert.match(e.problems[0].message, /has 13 characters where a serial number has 14/);
        return true;
      });
      await assert.rejects(resolveTestType(client, "20upgm29999999", "IV_MEASURE"), (e) => {
        assert.ok(e instanceof InputError);
        assert.match(e.problems[0].message, /^no component with this serial number or code/);
        return true;
      });
    });

    await t.step("local and definition problems together, with notes", async () => {
      const doc = ivRun("20UPGM20000001");
      doc.institution = null;
      doc.results = { VOLTAGE: [0, "x"], CURRENT: [0.1], NOTE: "some_string" };
      await assert.rejects(prepareUpload(client, doc, { source: "iv.json" }), (e) => {
        assert.ok(e instanceof InputError);
        assert.match(e.message, /^iv\.json: not uploaded: 3 problems \(checked against/);
        assert.deepEqual(e.problems.map((p) => p.path), [
          "$.institution",
          "$.results.NOTE",
          "$.results.VOLTAGE[1]",
          "$.results.NOTE",
        ]);
        assert.match(e.problems[3].message, /^\(note\) not defined by test type IV_MEASURE/);
        return true;
      });
    });

    await t.step("without a component: the local problems only", async () => {
      await assert.rejects(prepareUpload(client, ivRun(null)), (e) => {
        assert.ok(e instanceof InputError);
        assert.deepEqual(e.problems.map((p) => p.path), ["$.component"]);
        return true;
      });
    });

    let firstId = "";
    await t.step("a valid run: prepared, rendered, uploaded once", async () => {
      const prepared = await prepareUpload(client, ivRun("20UPGM20000002"));
      assert.equal(prepared.dtoIn.problems, false);
      assert.deepEqual(prepared.notices, [{
        path: "$.problems",
        message: "absent: sent as false",
      }]);
      assert.equal(JSON.parse(renderDryRun(prepared.dtoIn)).runNumber, "r1");
      assert.equal(await findPresentRun(client, identityOf(toUpload(prepared))), undefined);
      const { id, status } = await uploadRunOnce(client, toUpload(prepared));
      assert.equal(status, "created");
      firstId = id;
      const stored = await client.getTestRun({ testRun: id });
      assert.equal(stored.runNumber, "r1");
      assert.equal((await findPresentRun(client, identityOf(toUpload(prepared))))?.id, id);
      const again = await uploadRunOnce(client, toUpload(prepared));
      assert.deepEqual([again.status, again.id], ["present", id]);
      const other = await prepareUpload(client, ivRun("20UPGM20000002", "r2"));
      assert.equal(await findPresentRun(client, identityOf(toUpload(other))), undefined);
    });

    await t.step("unknown result codes are notes; the service warns about them", async () => {
      const doc = ivRun("20UPGM20000002", "r3");
      (doc.results as Record<string, unknown>).EXTRA = 1;
      const prepared = await prepareUpload(client, doc);
      assert.deepEqual(prepared.notices.map((n) => n.path), ["$.problems", "$.results.EXTRA"]);
      const { id } = await uploadRunOnce(client, toUpload(prepared));
      assert.notEqual(id, firstId);
      assert.ok(warnings.some((w) => w.endsWith("/unknownFields")), warnings.join());
    });
    await t.step("a non-finite or out-of-range value is never sent", async () => {
      const run = ivRun("20UPGM20000001", "guard");
      run.results = { VOLTAGE: [0, NaN], CURRENT: [0.1, 1e9] };
      await assert.rejects(prepareUpload(client, run, { source: "iv.json" }), (e) => {
        assert.ok(e instanceof InputError);
        assert.deepEqual(e.problems.slice(0, 2).map((p) => p.path), [
          "$.results.VOLTAGE[1]",
          "$.results.CURRENT[1]",
        ]);
        return true;
      });
    });

    await t.step("100,000 bad elements: a short, summarised answer", async () => {
      const run = {
        component: "20UPGM20000001",
        testType: "WIREBOND_PULL_TEST",
        institution: "SANDBOX_A",
        runNumber: "bad-pulls",
        passed: true,
        results: { PULL_STRENGTH_DATA: Array.from({ length: 100_000 }, (_, i) => i % 50) },
      };
      await assert.rejects(prepareUpload(client, run, { source: "big.json" }), (e) => {
        assert.ok(e instanceof InputError);
        const summary = e.problems.find((p) => p.path === "$.results.PULL_STRENGTH_DATA[*]");
        assert.ok(summary, JSON.stringify(e.problems.slice(0, 5)));
        assert.equal(
          summary.message,
          "100,000 elements: expected a list [strength, break mode, location], got a " +
            "number; first at $.results.PULL_STRENGTH_DATA[0]",
        );
        assert.ok(e.message.split("\n").length < 40, e.message);
        return true;
      });
    });
  } finally {
    client.close();
    await sandbox.close();
  }
});
