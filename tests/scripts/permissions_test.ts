/**
 * Every step that talks to ITkPD, started without permission to read the environment, stops
 * with one line naming that permission (exit 3) instead of silently using the default site;
 * none needs more than --allow-sys=uid (HTTPS needs none); a proxy outside the task's --allow-net is one line (exit 3).
 */
import assert from "node:assert/strict";
import { PROXY_ENV_NAMES } from "../../lib/client/mod.ts";
import { runTask, taskArgs, withoutFlag } from "../_helpers/task.ts";

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

Deno.test("no network step asks for more than --allow-sys=uid: HTTPS uses Deno's own trust store", () => {
  // tests/scripts/tls_test.ts runs the steps over TLS with NODE_EXTRA_CA_CERTS set and only
  // these flags; node:https would need unscoped --allow-sys for that (see tls_connect.ts). The
  // one system fact a step reads is its user id, to check that the session file is the user's.
  for (const [task] of STEPS) {
    const words = taskArgs(task, { HOME: "/home/user" });
    const wide = words.filter((w) => /^(--allow-sys|--allow-all|-A$)/.test(w));
    assert.deepEqual(wide, ["--allow-sys=uid"], task);
    const env = words.find((w) => w.startsWith("--allow-env="))?.split("=")[1].split(",") ?? [];
    for (const name of PROXY_ENV_NAMES) assert.ok(env.includes(name), `${task} reads ${name}`);
  }
});

Deno.test("through a proxy, the task's --allow-net still says which sites a step may reach", async () => {
  const r = await runTask("get-token", [], {
    env: {
      ITKDB_API_URL: "https://db.example.org/api/",
      ITKDB_AUTH_URL: "https://db.example.org/auth/",
      ITKDB_ACCESS_CODE1: "code-1",
      ITKDB_ACCESS_CODE2: "code-2",
      HTTPS_PROXY: "http://127.0.0.1:9",
    },
  });
  assert.equal(r.code, 3, r.stdout + r.stderr);
  assert.equal(r.stderr.trim().split("\n").length, 1, r.stderr);
  assert.match(
    r.stderr,
    /^error: permission missing: Requires net access to "db\.example\.org:443"\./,
  );
});

Deno.test("a proxy the task does not allow: one line naming it, exit 3", async (t) => {
  for (const task of ["get-token", "test-prototype"]) {
    await t.step(task, async () => {
      const args = task === "get-token" ? [] : ["--project", "P", "--component-type", "MODULE"];
      const r = await runTask(task, args, {
        env: {
          ITKDB_API_URL: "https://127.0.0.1:9/api/",
          ITKDB_AUTH_URL: "https://127.0.0.1:9/auth/",
          ITKDB_ACCESS_CODE1: "code-1",
          ITKDB_ACCESS_CODE2: "code-2",
          HTTPS_PROXY: "http://user:secret@localhost:9",
        },
      });
      assert.equal(r.code, 3, `${task}: ${r.stdout}${r.stderr}`);
      const lines = r.stderr.trim().split("\n");
      assert.equal(lines.length, 1, r.stderr);
      assert.equal(
        lines[0],
        `error: permission missing: Requires net access to "localhost:9" (the proxy of ` +
          `HTTPS_PROXY). The task \`deno task ${task}\` allows the ITkPD hosts only; for another ` +
          "host, run `deno run` with the task's flags and --allow-net=localhost.",
      );
    });
  }
});
