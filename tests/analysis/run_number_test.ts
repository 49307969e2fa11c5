/** Tests of lib/analysis/run_number.ts: the run number and test date derived from a DAGE file. */
import assert from "node:assert/strict";
import { runNumber, testDate } from "../../lib/analysis/run_number.ts";
import { parseDage } from "../../lib/parsers/dage.ts";
import { DAGE_HEADER, dageFile } from "../_helpers/dage.ts";

Deno.test("run number and date", async (t) => {
  const a = dageFile([["1", 10], ["1", 9]]);
  await t.step("from DATE/TIME plus a content hash, stable", () => {
    const rn = runNumber(a);
    assert.match(rn, /^20181009-140532-[0-9a-f]{8}$/);
    assert.equal(runNumber(dageFile([["1", 10], ["1", 9]])), rn);
    assert.notEqual(runNumber(dageFile([["1", 10], ["1", 9.1]])), rn);
    assert.equal(testDate(a), "2018-10-09T14:05:32.000Z");
  });
  await t.step("CRLF does not change it", () => {
    const text = DAGE_HEADER +
      `"TEST",1,"1",10,0.02,"0","r1 20g"\n"TEST",2,"1",9,0.02,"0","r1 20g"\n`;
    assert.equal(runNumber(parseDage(text.replaceAll("\n", "\r\n"))), runNumber(a));
  });
  await t.step("no date: undated-<hash>", () => {
    const p = parseDage(`"LOADUNIT","g"\n"TEST",1,"1",10,0.02,"0","x"\n`);
    assert.match(runNumber(p), /^undated-[0-9a-f]{8}$/);
    assert.equal(testDate(p), undefined);
  });
});
