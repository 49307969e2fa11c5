/**
 * Every step that talks to ITkPD, started without permission to read the environment, stops
 * with one line naming that permission (exit 3) instead of silently using the default site.
 */
import assert from "node:assert/strict";
import { runTask, withoutFlag } from "../_helpers/task.ts";

const STEPS: [string, string[]][] = [
  ["get-token", []],
  ["register-component", ["--from", "x.json"]],
  ["test-prototype", ["--project", "P", "--component-type", "MODULE"]],
  ["upload-test-results", ["--test-file", "x.json"]],
  ["upload-wirebond-results", [
    "--input",
    "x.csv",
    "--component",
    "X",
    "--institution",
    "I",
    "--upload",
  ]],
  ["upload-iv-curve", ["--input", "x.txt", "--component", "X", "--institution", "I", "--upload"]],
  ["batch-upload", ["--dir", "."]],
];

Deno.test("without --allow-env: one line naming the permission, exit 3", async (t) => {
  for (const [task, args] of STEPS) {
    await t.step(task, async () => {
      const r = await runTask(task, args, {
        editArgs: withoutFlag("--allow-env"),
        env: { ITKDB_API_URL: "http://127.0.0.1:9/api/" },
      });
      assert.equal(r.code, 3, `${task}: ${r.stdout}${r.stderr}`);
      const lines = r.stderr.trim().split("\n");
      assert.equal(lines.length, 1, r.stderr);
      assert.match(lines[0], /^error: permission missing: Requires env access/);
    });
  }
});
