/** recordOf on a real recorded getTestRunBulk answer (fixtures/reference copy). */
import assert from "node:assert/strict";
import { recordOf, runRows } from "../../lib/readback/mod.ts";
import { TestRunSchema } from "../../lib/schemas/mod.ts";

const RECORDED = JSON.parse(
  await Deno.readTextFile(
    new URL("../../fixtures/reference/itkpd_getTestRunBulk_pixel_module.json", import.meta.url),
  ),
);

Deno.test("recordOf: the real answer's lists become code → value maps", () => {
  const run = TestRunSchema.parse(RECORDED.itemList[0]);
  const r = recordOf(run);
  assert.equal(r.id, "64ef67f09d1c7e0042bfcb0b");
  assert.equal(r.testType, "QUAD_MODULE_METROLOGY");
  assert.equal(r.serial, "20UPGM22110394");
  assert.equal(r.component, "72b884aab5b0bdf0d39f33f544be485d");
  assert.equal(r.institution, "ANL");
  assert.equal(r.date, "2023-08-30T15:59:00.000Z");
  assert.equal(r.runNumber, "1");
  assert.deepEqual([r.passed, r.problems, r.state], [true, false, "ready"]);
  // A full run carries its stage as the component's testedAtStage.
  assert.equal(r.stage, "MODULE/ASSEMBLY");
  assert.deepEqual(r.properties, { ANALYSIS_VERSION: "1" });
  // Results outside the test type (dataType null) are kept, like the others.
  assert.deepEqual(r.results.PCB_BAREMODULE_POSITION_BOTTOM_LEFT, [2270, 808]);
  assert.deepEqual(r.results.AVERAGE_THICKNESS, [572, 553, 574, 584]);
  assert.equal(r.results.ANGLE_PCB_BM, null);
  assert.equal(r.results.HV_CAPACITOR_THICKNESS, 2269);
  assert.deepEqual(r.attachments, []);
  const table = runRows([r]);
  assert.deepEqual(table.columns.slice(-3), [
    "THICKNESS_VARIATION_PICKUP_AREA",
    "THICKNESS_INCLUDING_POWER_CONNECTOR",
    "HV_CAPACITOR_THICKNESS",
  ]);
  assert.ok(table.columns.includes("property.ANALYSIS_VERSION"));
});
