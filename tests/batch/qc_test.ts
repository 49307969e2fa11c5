/** The QC verdict of a batch item (lib/batch/qc.ts), from the analysis' own cuts. */
import assert from "node:assert/strict";
import { cutResult, describeCut, fileRunCuts, qcOf } from "../../lib/batch/qc.ts";
import { cutsFailedBy, legacyFailedCuts, WIREBOND_PULL_CUTS } from "../../lib/analysis/mod.ts";

Deno.test("cutResult: the analysis' cut name, the value and the limit", () => {
  const failed = cutsFailedBy({
    PULL_STRENGTH: 6.2,
    PULL_STRENGTH_MIN: 2.61,
    LIFT_OFFS_LESS_THAN_7G: 12.5,
  });
  assert.deepEqual(failed.map(cutResult), [
    { cut: "PULL_STRENGTH", value: 6.2, limit: WIREBOND_PULL_CUTS.PULL_STRENGTH_MIN_MEAN },
    { cut: "PULL_STRENGTH_MIN", value: 2.61, limit: WIREBOND_PULL_CUTS.PULL_STRENGTH_MIN_MIN },
    {
      cut: "LIFT_OFFS_LESS_THAN_7G",
      value: 12.5,
      limit: WIREBOND_PULL_CUTS.LIFT_OFFS_LESS_THAN_7G_MAX,
    },
  ]);
  // A value that is not a finite number: null, and no limit applies.
  const [nan] = cutsFailedBy({
    PULL_STRENGTH: NaN,
    PULL_STRENGTH_MIN: 5,
    LIFT_OFFS_LESS_THAN_7G: 0,
  });
  assert.deepEqual(cutResult(nan), { cut: "PULL_STRENGTH", value: null, limit: null });
  assert.deepEqual(
    legacyFailedCuts({ passed: false, results: { MIN_LOAD: 12.5 } }, 15).map(cutResult),
    [{ cut: "MIN_LOAD", value: 12.5, limit: 15 }],
  );
});

Deno.test("fileRunCuts: a test-run file's WIREBOND_PULL_TEST results against the cuts", () => {
  const results = { PULL_STRENGTH: 8.1, PULL_STRENGTH_MIN: 3.2, LIFT_OFFS_LESS_THAN_7G: 0 };
  assert.deepEqual(fileRunCuts("WIREBOND_PULL_TEST", results), [
    { cut: "PULL_STRENGTH_MIN", value: 3.2, limit: 4 },
  ]);
  assert.deepEqual(fileRunCuts("IV_MEASURE", results), [], "no cut analysis for IV");
  assert.deepEqual(fileRunCuts("WIREBOND_PULL_TEST", { PULL_STRENGTH: 8 }), []);
});

Deno.test("qcOf and describeCut: failedCuts only when not passed; a row's words", () => {
  assert.deepEqual(qcOf(true, [{ cut: "X", value: 1, limit: 2 }]), { passed: true });
  assert.deepEqual(qcOf(false, undefined), { passed: false, failedCuts: [] });
  assert.equal(
    describeCut({ cut: "PULL_STRENGTH_MIN", value: 2.6149, limit: 4 }),
    "PULL_STRENGTH_MIN 2.61 (limit 4)",
  );
  assert.equal(
    describeCut({ cut: "PULL_STRENGTH", value: null, limit: null }),
    "PULL_STRENGTH not a number",
  );
});
