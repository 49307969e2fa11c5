/**
 * HTTPS as the client speaks it (in-process, against the sandbox serving TLS with a private
 * CA): reads as GET with a body and writes over TLS; certificates that do not verify (unknown
 * CA, self-signed, expired, another name) each refused with one clear line, nothing sent, not
 * retried.
 */
import assert from "node:assert/strict";
import { createServer } from "node:https";
import type { AddressInfo } from "node:net";
import { ItkpdClient } from "../../lib/client/mod.ts";
import { NetworkError } from "../../lib/errors.ts";
import { startSandbox } from "../../lib/sandbox/mod.ts";
import { type CertFiles, testPki } from "../_helpers/tls.ts";
import { wirebondRun } from "../sandbox/_helpers.ts";

Deno.test("tls: reads (GET with a body) and writes over HTTPS, the CA given as caCerts", async () => {
  const pki = await testPki();
  const sandbox = await startSandbox({
    demoModules: 2,
    tlsCert: pki.server.cert,
    tlsKey: pki.server.key,
  });
  const client = new ItkpdClient({
    env: sandbox.env(),
    transport: { caCerts: [pki.caPem] },
    onWarning: () => {},
  });
  try {
    assert.match(sandbox.apiUrl, /^https:\/\/127\.0\.0\.1:\d+\/api\/$/);
    const module = await client.getComponent({ component: "20UPGM20000001" });
    assert.equal(module.serialNumber, "20UPGM20000001");
    const created = await client.uploadTestRunResults(wirebondRun("20UPGM20000002") as never);
    const id = created.id;
    const stored = await client.getTestRun({ testRun: id });
    assert.equal(stored.runNumber, "1");
    assert.equal(sandbox.stats().byCommand.uploadTestRunResults, 1);
  } finally {
    client.close();
    await sandbox.close();
  }
});

/** An HTTPS server with `cert` that counts connections; every request gets `{}`. */
async function countingServer(cert: CertFiles) {
  let connections = 0;
  let requests = 0;
  const server = createServer({ cert: cert.certPem, key: cert.keyPem }, (_req, res) => {
    requests++;
    res.end("{}");
  });
  server.on("connection", () => connections++);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `https://127.0.0.1:${port}/api/`,
    counts: () => ({ connections, requests }),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

Deno.test("tls: a certificate that does not verify is one clear line, nothing sent, no retry", async (t) => {
  const pki = await testPki();
  const cases: [string, CertFiles, boolean, RegExp, RegExp][] = [
    [
      "signed by a CA this machine does not know",
      pki.server,
      false,
      /^the certificate of 127\.0\.0\.1:\d+ is not trusted \(self-signed, or from a CA this machine does not know\); nothing was sent$/,
      /NODE_EXTRA_CA_CERTS=\/path\/ca\.pem or DENO_CERT=\/path\/ca\.pem/,
    ],
    [
      "self-signed",
      pki.selfSigned,
      true,
      /^the certificate of 127\.0\.0\.1:\d+ is not trusted \(self-signed/,
      /NODE_EXTRA_CA_CERTS/,
    ],
    [
      "expired",
      pki.expired,
      true,
      /^the certificate of 127\.0\.0\.1:\d+ has expired \(on 2021-01-01T00:00:00Z\); nothing was sent$/,
      /renew/,
    ],
    [
      "for another name",
      pki.otherName,
      true,
      /^the certificate of 127\.0\.0\.1:\d+ is not valid for that name \(it is for other\.example\); nothing was sent$/,
      /ITKDB_API_URL/,
    ],
  ];
  for (const [name, cert, trustCa, message, hint] of cases) {
    await t.step(name, async () => {
      const server = await countingServer(cert);
      const client = new ItkpdClient({
        env: {
          ITKDB_API_URL: server.url,
          ITKDB_AUTH_URL: server.url,
          ITKDB_ACCESS_CODE1: "code-1",
          ITKDB_ACCESS_CODE2: "code-2",
        },
        transport: trustCa ? { caCerts: [pki.caPem] } : {},
        retries: 3,
        retryBaseMs: 1,
      });
      try {
        const error = await client.auth.getToken().then(
          () => assert.fail("the certificate was accepted"),
          (e: unknown) => e,
        );
        assert.ok(error instanceof NetworkError, String(error));
        assert.equal(error.maybeSent, false);
        assert.equal(error.retryable, false);
        assert.match(error.message.split("\n")[0], message);
        assert.match(error.hint ?? "", hint);
        assert.equal(error.message.split("\n").length, 2); // the line and its hint
        assert.deepEqual(server.counts(), { connections: 1, requests: 0 }, "not retried");
        assert.equal(client.stats().retries, 0);
      } finally {
        client.close();
        await server.close();
      }
    });
  }
});
