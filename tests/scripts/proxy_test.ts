/**
 * The network steps through a proxy, as real subprocesses with their tasks' exact flags: a
 * CONNECT proxy on loopback counts the tunnels to the sandbox (serving TLS), which sees the
 * requests; lower-case names win; NO_PROXY bypasses it; a proxy that refuses (407, 502) or is
 * not allowed by the task is one line, with no credentials shown.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { demoSerial, generateDage } from "../../lib/fixtures/mod.ts";
import { startSandbox } from "../../lib/sandbox/mod.ts";
import { assertOneLine, idOf } from "../_helpers/assertions.ts";
import { startProxy } from "../_helpers/connect_proxy.ts";
import { runTask } from "../_helpers/task.ts";
import { testPki } from "../_helpers/tls.ts";

Deno.test("network steps through a proxy", async (t) => {
  const pki = await testPki();
  const sandbox = await startSandbox({
    demoModules: 4,
    tlsCert: pki.server.cert,
    tlsKey: pki.server.key,
  });
  const site = `127.0.0.1:${sandbox.port}`;
  const proxy = startProxy({ credentials: "lab:s3cret!" });
  const dead = startProxy();
  await dead.close(); // its port now refuses connections
  const dir = await Deno.makeTempDir({ prefix: "itkpd-proxy-" });
  const good = `http://lab:s3cret%21@127.0.0.1:${proxy.port}`;
  const run = (task: string, args: string[], env: Record<string, string>) =>
    runTask(task, args, {
      // Deno's own update check would go through the proxy too.
      env: { ...sandbox.env(), NODE_EXTRA_CA_CERTS: pki.caFile, DENO_NO_UPDATE_CHECK: "1", ...env },
      cwd: dir,
    });
  const tunnels = () => proxy.connects.get(site) ?? 0;
  const noSecret = (text: string) => assert.doesNotMatch(text, /s3cret|bGFiOnMzY3JldCE/);
  try {
    for (let index = 1; index <= 4; index++) {
      const folder = index <= 2 ? dir : join(dir, "batch");
      await Deno.mkdir(folder, { recursive: true });
      await Deno.writeTextFile(
        join(folder, `${demoSerial(index)}.csv`),
        generateDage({ index }).text,
      );
    }

    await t.step(
      "HTTPS_PROXY: get-token, an upload and a batch go through the tunnel",
      async () => {
        const before = { tunnels: tunnels(), requests: sandbox.stats().requests };
        const token = await run("get-token", [], { HTTPS_PROXY: good });
        assert.equal(token.code, 0, token.stderr);
        const afterToken = tunnels();
        assert.ok(afterToken > before.tunnels, "get-token went through the proxy");
        const upload = await run("upload-wirebond-results", [
          "--input",
          `${demoSerial(1)}.csv`,
          "--component",
          demoSerial(1),
          "--institution",
          "SANDBOX_A",
          "--upload",
        ], { HTTPS_PROXY: good });
        assert.equal(upload.code, 0, upload.stderr);
        idOf(upload);
        const afterUpload = tunnels();
        assert.ok(afterUpload > afterToken, "the upload went through the proxy");
        const batch = await run("batch-upload", ["--dir", "batch", "--institution", "SANDBOX_A"], {
          HTTPS_PROXY: good,
        });
        assert.equal(batch.code, 0, batch.stderr);
        assert.match(batch.stdout, /summary: 2 created, 0 skipped/);
        assert.ok(tunnels() > afterUpload, "the batch went through the proxy");
        assert.deepEqual([...proxy.connects.keys()], [site], "only tunnels to the site");
        assert.ok(sandbox.stats().requests > before.requests);
        for (const r of [token, upload, batch]) noSecret(r.stdout + r.stderr);
      },
    );

    await t.step("https_proxy wins over HTTPS_PROXY; NO_PROXY goes direct", async () => {
      const before = tunnels();
      const lower = await run("get-token", [], {
        https_proxy: good,
        HTTPS_PROXY: `http://127.0.0.1:${dead.port}`,
      });
      assert.equal(lower.code, 0, lower.stderr);
      const through = tunnels();
      assert.ok(through > before, "through the lower-case proxy");
      const direct = await run("get-token", [], {
        HTTPS_PROXY: `http://127.0.0.1:${dead.port}`,
        NO_PROXY: "localhost,127.0.0.1",
      });
      assert.equal(direct.code, 0, direct.stderr);
      assert.equal(tunnels(), through, "not through the proxy");
    });

    await t.step(
      "a proxy that refuses: one line naming it, no credentials, nothing sent",
      async () => {
        const requests = sandbox.stats().requests;
        const wrong = await run("get-token", [], {
          HTTPS_PROXY: `http://lab:wrong-s3cret@127.0.0.1:${proxy.port}`,
        });
        assertOneLine(wrong, 1);
        assert.match(
          wrong.stderr,
          /^error: the proxy 127\.0\.0\.1:\d+ \(HTTPS_PROXY\) refused the user and password of HTTPS_PROXY \(HTTP 407 Proxy Authentication Required\); nothing was sent \(set HTTPS_PROXY=http:\/\/USER:PASSWORD@127\.0\.0\.1:\d+/,
        );
        noSecret(wrong.stderr + wrong.stdout);
        const refusing = startProxy({ refuseWith: 502 });
        try {
          const bad = await run("get-token", [], {
            HTTPS_PROXY: `http://127.0.0.1:${refusing.port}`,
          });
          assertOneLine(bad, 1);
          assert.match(
            bad.stderr,
            /^error: the proxy 127\.0\.0\.1:\d+ \(HTTPS_PROXY\) could not reach 127\.0\.0\.1:\d+ \(HTTP 502/,
          );
        } finally {
          await refusing.close();
        }
        const gone = await run("get-token", [], { HTTPS_PROXY: `http://127.0.0.1:${dead.port}` });
        assertOneLine(gone, 1);
        assert.match(
          gone.stderr,
          /^error: could not connect to the proxy 127\.0\.0\.1:\d+ \(HTTPS_PROXY\): connection refused/,
        );
        assert.equal(sandbox.stats().requests, requests, "nothing reached the site");
      },
    );
  } finally {
    await proxy.close();
    await sandbox.close();
    await Deno.remove(dir, { recursive: true });
  }
});
