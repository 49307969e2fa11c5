/** The batch's outputs (lib/batch/report.ts): the failing-module table, grouping, run files. */
import assert from "node:assert/strict";
import { join } from "node:path";
import {
  FAILING_ROWS,
  formatFailing,
  formatPlan,
  formatSummary,
  runStamp,
  writeRunFile,
} from "../../lib/batch/report.ts";
import type { BatchPlan, BatchReport, InvalidItem, ItemOutcome } from "../../lib/batch/mod.ts";

const serial = (i: number) => `20UPGM2${String(i).padStart(7, "0")}`;

function outcome(i: number, passed: boolean): ItemOutcome {
  return {
    file: `${serial(i)}.csv`,
    status: "created",
    component: serial(i),
    passed,
    ...(passed ? {} : { failedCuts: [{ cut: "PULL_STRENGTH_MIN", value: 2 + i / 100, limit: 4 }] }),
  };
}

Deno.test("formatFailing: a screenful of rows, then how many more and where", () => {
  const items = Array.from({ length: 60 }, (_, k) => outcome(k + 1, k % 2 === 0));
  const text = formatFailing(items, { reportPath: "/d/batch-report-x.json" });
  const lines = text.split("\n");
  assert.equal(lines[0], "QC: 30 of 60 modules fail: module, file, failed cuts (value and limit)");
  assert.equal(lines.length, 1 + FAILING_ROWS + 1);
  assert.match(
    lines[1],
    /^ {2}20UPGM20000002 {2}20UPGM20000002\.csv {2}PULL_STRENGTH_MIN 2\.02 \(limit 4\)$/,
  );
  assert.equal(
    lines.at(-1),
    `  … and 10 more failing modules (all 30 in /d/batch-report-x.json: the items with "passed": false)`,
  );
  assert.equal(formatFailing([outcome(1, true), outcome(2, true)]), "QC: all 2 modules pass");
  assert.equal(formatFailing([{ file: "x.csv", status: "invalid" }]), "");
  const own = formatFailing([{
    file: "iv.json",
    status: "created",
    component: "S",
    passed: false,
    failedCuts: [],
  }]);
  assert.match(own, /^QC: 1 of 1 module fails: /);
  assert.match(own, /\n {2}S +iv\.json {2}passed = false in the file/);
});

Deno.test("formatSummary: files never sent are 'not sent', not failed", () => {
  const report: BatchReport = {
    startedAt: "",
    finishedAt: "",
    site: "",
    counts: { created: 3, skipped: 0, failed: 0, invalid: 0, notSent: 7 },
    stopped: "cancelled",
    items: [],
  };
  const text = formatSummary(report);
  assert.match(
    text,
    /^summary: 3 created, 0 skipped \(already present\), 0 failed, 0 invalid, 7 not sent$/m,
  );
  assert.match(text, /^not sent: 7 file\(s\) never sent \(interrupted before their turn\)/m);
  assert.doesNotMatch(text, /failed: /);
});

Deno.test("formatPlan: the same problem of many files is one line", () => {
  const file = (name: string) => ({ path: `/d/${name}`, display: name, kind: "dage" as const });
  const invalid: InvalidItem[] = [
    ...["a.csv", "b.csv", "c.csv", "d.csv"].map((n): InvalidItem => ({
      ok: false,
      file: file(n),
      problems: [{ path: n, message: "no valid TEST line: nothing to upload" }],
    })),
    { ok: false, file: file("e.csv"), problems: [{ path: "e.csv:3", message: "bad load" }] },
  ];
  const plan = { toCreate: [], present: [], invalid, warnings: [] } as unknown as BatchPlan;
  const lines = formatPlan(plan).split("\n");
  assert.deepEqual(lines.slice(1), [
    "  invalid: 4 files: no valid TEST line: nothing to upload: a.csv, b.csv, c.csv, … (1 more)",
    "  invalid: e.csv:3: bad load",
  ]);
});

Deno.test("writeRunFile: each run its own file, never another's", async () => {
  const dir = await Deno.makeTempDir({ prefix: "itkpd-report-" });
  try {
    const stamp = runStamp("2026-11-29T19:54:49.123Z");
    assert.equal(stamp, "2026-11-29T19-54-49Z");
    const first = await writeRunFile(dir, "batch-report", stamp, "one\n", "report");
    const second = await writeRunFile(dir, "batch-report", stamp, "two\n", "report");
    assert.equal(first, join(dir, "batch-report-2026-11-29T19-54-49Z.json"));
    assert.equal(second, join(dir, "batch-report-2026-11-29T19-54-49Z-2.json"));
    assert.equal(await Deno.readTextFile(first), "one\n");
    assert.equal(await Deno.readTextFile(second), "two\n");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
