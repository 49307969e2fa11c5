/** `startSandbox` serving HTTPS: its URLs, a GET body over TLS, and bad certificate options. */
import assert from "node:assert/strict";
import { request } from "node:https";
import { startSandbox } from "../../lib/sandbox/mod.ts";
import { testPki } from "../_helpers/tls.ts";

Deno.test("startSandbox with a certificate serves HTTPS", async (t) => {
  const pki = await testPki();
  await t.step("PEM files or PEM text; https:// URLs; a GET body arrives", async () => {
    for (
      const [cert, key] of [[pki.server.cert, pki.server.key], [
        pki.server.certPem,
        pki.server.keyPem,
      ]]
    ) {
      const sb = await startSandbox({ tlsCert: cert, tlsKey: key, demoModules: 1 });
      try {
        assert.equal(sb.apiUrl, `https://127.0.0.1:${sb.port}/api/`);
        assert.equal(sb.authUrl, `https://127.0.0.1:${sb.port}/auth/`);
        assert.equal(sb.env().ITKDB_API_URL, sb.apiUrl);
        const client = Deno.createHttpClient({ caCerts: [pki.caPem] });
        try {
          const grant = await fetch(sb.authUrl + "grantToken", {
            method: "POST",
            body: JSON.stringify({ accessCode1: sb.accessCode1, accessCode2: sb.accessCode2 }),
            client,
          });
          const { id_token } = await grant.json();
          // A read as the proven clients send it: GET with a JSON body (fetch refuses that).
          const answer = await getWithBody(sb.apiUrl + "getComponent", id_token, pki.caPem, {
            component: "20UPGM20000001",
          });
          assert.equal(answer.status, 200);
          assert.equal(JSON.parse(answer.text).serialNumber, "20UPGM20000001");
        } finally {
          client.close();
        }
      } finally {
        await sb.close();
      }
    }
  });
  await t.step("a certificate without its key, or a file that is not PEM: refused", async () => {
    await assert.rejects(startSandbox({ tlsCert: pki.server.cert }), /needs both a certificate/);
    await assert.rejects(
      startSandbox({ tlsCert: pki.dir + "/index.txt", tlsKey: pki.server.key }),
      /certificate .*index\.txt is not PEM/,
    );
  });
});

function getWithBody(
  url: string,
  token: string,
  ca: string,
  body: unknown,
): Promise<{ status: number; text: string }> {
  const payload = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(url, {
      method: "GET",
      ca,
      agent: false,
      headers: {
        authorization: `Bearer ${token}`,
        "content-type": "application/json",
        "content-length": String(payload.length),
      },
    }, (res) => {
      let text = "";
      res.on("data", (c) => (text += c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on("error", reject);
    req.end(payload);
  });
}
