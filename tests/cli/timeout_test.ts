/**
 * `--timeout SECONDS` on every script that talks to ITkPD: against a site that accepts
 * connections and never answers, each one stops after about that long with one line, instead of
 * the default minute (or forever).
 */
import assert from "node:assert/strict";
import { createServer, type Socket } from "node:net";
import { join } from "node:path";
import { runTask } from "../_helpers/task.ts";
import { assertOneLine } from "../_helpers/assertions.ts";
import { TIMEOUT_FLAG, timeoutMs } from "../../lib/cli/timeout.ts";
import { parseFlags } from "../../lib/cli/flags.ts";

const DATA = new URL("../../fixtures/dage/", import.meta.url).pathname;

Deno.test("--timeout: every network script gives up on a hung site with one line", async (t) => {
  // A hung site: connections are accepted and never answered.
  const sockets = new Set<Socket>();
  const server = createServer((s) => {
    sockets.add(s);
    s.on("error", () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as { port: number }).port;
  const env = {
    ITKDB_API_URL: `http://127.0.0.1:${port}/api/`,
    ITKDB_AUTH_URL: `http://127.0.0.1:${port}/auth/`,
    ITKDB_ACCESS_CODE1: "a",
    ITKDB_ACCESS_CODE2: "b",
  };
  const work = await Deno.makeTempDir({ prefix: "itkpd-timeout-" });
  await Deno.writeTextFile(
    join(work, "run.json"),
    JSON.stringify({
      component: "20UPGM20000001",
      testType: "IV_MEASURE",
      institution: "SANDBOX_A",
      runNumber: "1",
      passed: true,
      problems: false,
      results: { VOLTAGE: [1], CURRENT: [1] },
    }),
  );
  await Deno.writeTextFile(
    join(work, "modules.json"),
    JSON.stringify([{ institution: "SANDBOX_A", componentType: "MODULE", type: "X" }]),
  );
  await Deno.mkdir(join(work, "dir"));
  await Deno.copyFile(join(DATA, "20UPGM20000001.csv"), join(work, "dir", "20UPGM20000001.csv"));
  const csv = join(DATA, "20UPGM20000001.csv");
  const iv = join(DATA, "20UPGM20000001_IV.txt");
  const steps: [string, string[]][] = [
    ["get-token", []],
    ["test-prototype", ["--project", "P", "--component-type", "MODULE"]],
    ["upload-test-results", ["--test-file", "run.json"]],
    ["register-component", ["--from", "modules.json", "--yes"]],
    ["upload-wirebond-results", [
      "--input",
      csv,
      "--component",
      "20UPGM20000001",
      "--institution",
      "SANDBOX_A",
      "--out",
      "w.json",
      "--upload",
    ]],
    ["upload-iv-curve", [
      "--input",
      iv,
      "--component",
      "20UPGM20000001",
      "--institution",
      "SANDBOX_A",
      "--out",
      "iv.json",
      "--upload",
    ]],
    ["batch-upload", ["--dir", "dir", "--institution", "SANDBOX_A"]],
  ];
  try {
    for (const [task, args] of steps) {
      await t.step(task, async () => {
        const started = performance.now();
        const r = await runTask(task, [...args, "--timeout", "1"], { env, cwd: work });
        const seconds = (performance.now() - started) / 1000;
        assertOneLine(r, 1);
        assert.match(r.stderr, /no answer within 1000 ms/);
        // Start-up included; far below the default 60 s.
        assert.ok(seconds < 20, `${task} took ${seconds.toFixed(1)} s`);
      });
    }
  } finally {
    for (const s of sockets) s.destroy();
    await new Promise((resolve) => server.close(resolve));
    await Deno.remove(work, { recursive: true });
  }
});

Deno.test("--timeout: seconds → ms; a bad value is a usage error", () => {
  const seconds = (args: string[]) => parseFlags(args, TIMEOUT_FLAG).flags.timeout;
  assert.equal(timeoutMs(seconds(["--timeout", "2"])), 2000);
  assert.equal(timeoutMs(seconds(["--timeout=0.5"])), 500);
  assert.equal(timeoutMs(seconds([])), undefined);
  assert.throws(() => seconds(["--timeout", "soon"]), /--timeout must be a number from 0\.1/);
  assert.throws(() => seconds(["--timeout", "0"]), /--timeout must be a number from 0\.1 to 3600/);
});
