/**
 * The network steps over HTTPS as users have it, as real subprocesses with their tasks' exact
 * flags, against the sandbox serving TLS with a private CA: get-token, an upload with
 * `--upload` and a batch, with the CA given through NODE_EXTRA_CA_CERTS, through DENO_CERT
 * (while NODE_EXTRA_CA_CERTS names the system's bundle, as on lab machines), through the
 * system store; and without it: one clear line, exit 1, nothing sent.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { ItkpdClient } from "../../lib/client/mod.ts";
import { demoSerial, generateDage } from "../../lib/fixtures/mod.ts";
import { startSandbox } from "../../lib/sandbox/mod.ts";
import { assertOneLine, idOf } from "../_helpers/assertions.ts";
import { runTask, type TaskResult } from "../_helpers/task.ts";
import { testPki } from "../_helpers/tls.ts";

/** What this machine (and many lab machines) sets: the system's bundle as the "extra" CAs. */
const SYSTEM_BUNDLE = "/etc/ssl/certs/ca-certificates.crt";
const MACHINE: Record<string, string> = (() => {
  try {
    return Deno.statSync(SYSTEM_BUNDLE).isFile
      ? { NODE_EXTRA_CA_CERTS: SYSTEM_BUNDLE }
      : {} as Record<string, string>;
  } catch {
    return {};
  }
})();

const REFUSED =
  /^error: the certificate of 127\.0\.0\.1:\d+ is not trusted \(self-signed, or from a CA this machine does not know\); nothing was sent \(give your site's CA: NODE_EXTRA_CA_CERTS=\/path\/ca\.pem or DENO_CERT=\/path\/ca\.pem\)$/;

Deno.test("network steps over HTTPS: the site's CA as users give it", async (t) => {
  const pki = await testPki();
  const sandbox = await startSandbox({
    demoModules: 12,
    tlsCert: pki.server.cert,
    tlsKey: pki.server.key,
  });
  const dir = await Deno.makeTempDir({ prefix: "itkpd-tls-" });
  const client = new ItkpdClient({
    env: sandbox.env(),
    transport: { caCerts: [pki.caPem] },
    onWarning: () => {},
  });
  const run = (task: string, args: string[], trust: Record<string, string>) =>
    runTask(task, args, { env: { ...sandbox.env(), ...trust }, cwd: dir });
  const uploads = () => sandbox.stats().byCommand.uploadTestRunResults ?? 0;
  // Modules 1..3 one file each; modules 4..12 in three batch folders of three.
  for (let index = 1; index <= 12; index++) {
    const folder = index <= 3 ? dir : join(dir, `batch${Math.ceil((index - 3) / 3)}`);
    await Deno.mkdir(folder, { recursive: true });
    await Deno.writeTextFile(
      join(folder, `${demoSerial(index)}.csv`),
      generateDage({ index }).text,
    );
  }
  const upload = (index: number, trust: Record<string, string>) =>
    run("upload-wirebond-results", [
      "--input",
      `${demoSerial(index)}.csv`,
      "--component",
      demoSerial(index),
      "--institution",
      "SANDBOX_A",
      "--upload",
    ], trust);
  const batch = (n: number, trust: Record<string, string>) =>
    run("batch-upload", ["--dir", `batch${n}`, "--institution", "SANDBOX_A", "--quiet"], trust);
  const assertStored = async (r: TaskResult) => {
    assert.equal(r.code, 0, r.stderr);
    const stored = await client.getTestRun({ testRun: idOf(r) });
    assert.equal(stored.testType.code, "WIREBOND_PULL_TEST");
  };

  try {
    const ways: [string, Record<string, string>, number, number][] = [
      ["NODE_EXTRA_CA_CERTS", { NODE_EXTRA_CA_CERTS: pki.caFile }, 1, 1],
      ["DENO_CERT", { ...MACHINE, DENO_CERT: pki.caFile }, 2, 2],
    ];
    for (const [name, trust, module, folder] of ways) {
      await t.step(`the CA through ${name}: get-token, an upload, a batch`, async () => {
        const token = await run("get-token", [], trust);
        assert.equal(token.code, 0, token.stderr);
        assert.match(token.stdout, /^export ITK_DB_AUTH='eyJ/m);
        await assertStored(await upload(module, trust));
        const b = await batch(folder, trust);
        assert.equal(b.code, 0, b.stderr);
        assert.match(b.stdout, /summary: 3 created, 0 skipped/);
      });
    }

    await t.step("the CA in the system store (DENO_TLS_CA_STORE=system)", async () => {
      // SSL_CERT_FILE stands for the system's store, which a site's IT fills.
      const r = await run("get-token", [], {
        DENO_TLS_CA_STORE: "system",
        SSL_CERT_FILE: pki.caFile,
      });
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /^export ITK_DB_AUTH='eyJ/m);
    });

    await t.step(
      "without the CA: one line naming the host and how to trust it; nothing sent",
      async () => {
        const before = { requests: sandbox.stats().requests, uploads: uploads() };
        const token = await run("get-token", [], MACHINE);
        assertOneLine(token, 1);
        assert.match(token.stderr.trim(), REFUSED);
        assert.equal(token.stdout, "");
        const one = await upload(3, MACHINE);
        assertOneLine(one, 1);
        assert.match(one.stderr.trim(), REFUSED);
        const b = await batch(3, MACHINE);
        assertOneLine(b, 1);
        assert.match(b.stderr.trim(), REFUSED);
        assert.deepEqual(
          { requests: sandbox.stats().requests, uploads: uploads() },
          before,
          "no request reached the site",
        );
        const runs = await client.listTestRunsByComponent({ filterMap: { code: demoSerial(3) } });
        assert.equal(runs.length, 0);
      },
    );
  } finally {
    client.close();
    await sandbox.close();
    await Deno.remove(dir, { recursive: true });
  }
});
