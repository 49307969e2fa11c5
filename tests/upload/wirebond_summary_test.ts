import assert from "node:assert/strict";
import { generateDage } from "../../lib/fixtures/mod.ts";
import { parseDage } from "../../lib/parsers/mod.ts";
import { buildWirebondRun } from "../../lib/upload/wirebond.ts";
import { renderWirebondSummary } from "../../lib/upload/wirebond_summary.ts";

Deno.test("renderWirebondSummary", async (t) => {
  await t.step("files read, lines left out with file:line, grade codes with break modes", () => {
    const g = generateDage({ index: 5, variations: ["non-numeric-load", "crlf"] });
    const b = buildWirebondRun([parseDage(g.text, "m5.csv")], { component: g.serial });
    const bad = g.pulls.filter((p) => !p.valid).map((p) => `m5.csv:${p.line}`);
    const text = renderWirebondSummary(b);
    for (const where of bad) assert.ok(text.includes(`  ${where}: `), text);
    assert.match(text, /^read m5\.csv: 58 pulls, 2 lines left out$/m);
    assert.match(text, /^by grade code:$/m);
    assert.match(text, /→ break mode 0 midspan break/);
  });

  await t.step("the summary says which date was used and where it came from", () => {
    const text = generateDage({ index: 1, pulls: 5, serial: "20UPGM20000011" }).text;
    const b = buildWirebondRun([parseDage(text, "a11.csv")], { component: "20UPGM20000011" });
    assert.match(
      renderWirebondSummary(b),
      /^date \d{4}-\d\d-\d\d \d\d:\d\d:\d\d from a11\.csv:3 \(DATE\/TIME\)$/m,
    );
  });
});
