import assert from "node:assert/strict";
import { join } from "node:path";
import { generateIv } from "../../lib/fixtures/mod.ts";
import { parseIv } from "../../lib/parsers/mod.ts";
import { buildIvRun, ivPlot, readIvInput, renderIvSummary } from "../../lib/upload/mod.ts";

Deno.test("buildIvRun", async (t) => {
  const text = "U[V]\tImean[nA]\tIsem[nA]\n0\t-1\t0.5\n-2\tx\t0.5\n-4\t-3\t0.25\n";
  const parsed = parseIv(text, "iv.txt");

  await t.step("VOLTAGE in V, CURRENT and SIGMA_CURRENT in µA; bad rows with file:line", () => {
    const b = buildIvRun(parsed, { component: "C", institution: "I" });
    assert.equal(b.fileName, `C_IV_MEASURE_${b.testRun.runNumber}.json`);
    assert.deepEqual(b.testRun.results, {
      VOLTAGE: [0, -4],
      CURRENT: [-0.001, -0.003],
      SIGMA_CURRENT: [0.0005, 0.00025],
    });
    assert.equal(b.testRun.component, "C");
    assert.match(b.testRun.runNumber, /^iv-[0-9a-f]{8}$/);
    assert.deepEqual(b.rejected.map((p) => p.path), ["iv.txt:3"]);
    const summary = renderIvSummary(b);
    assert.match(summary, /^read iv\.txt: 2 points \(columns U\[V\] Imean\[nA\] Isem\[nA\]\)$/m);
    assert.match(summary, /^ {2}iv\.txt:3: Imean\[nA\] value "x" is not a number$/m);
  });

  await t.step("the output file is named by component, test type and run number", () => {
    const b = buildIvRun(parsed, { testType: "IV_OTHER", runNumber: "5" });
    assert.equal(b.fileName, "no-component_IV_OTHER_5.json");
    assert.equal(
      buildIvRun(parsed, { component: "a/b", runNumber: "../x" }).fileName,
      "a_b_IV_MEASURE___x.json",
    );
    assert.equal(b.testRun.runNumber, "5");
  });

  await t.step("reading a file and plotting it", async () => {
    const dir = await Deno.makeTempDir({ prefix: "itkpd_upload_iv_" });
    try {
      await Deno.writeTextFile(join(dir, "g.txt"), generateIv({ index: 3 }));
      const b = buildIvRun(await readIvInput({ path: join(dir, "g.txt"), name: "g.txt" }));
      assert.equal(b.testRun.results.VOLTAGE.length, 51);
      assert.equal(b.parsed.file, "g.txt");
      assert.match((await ivPlot(b)).svg, /^<svg/);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  });
});
