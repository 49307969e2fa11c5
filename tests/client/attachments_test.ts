/**
 * The client's attachment calls against the sandbox over loopback: multipart uploads built with
 * FormData through ky and the node:http transport, downloads as exact bytes, the size limit
 * refused before sending, write safety, and the multipart body on the wire.
 */
import assert from "node:assert/strict";
import { createServer, type IncomingHttpHeaders } from "node:http";
import { HttpEngine, HttpTransport, ItkpdClient } from "../../lib/client/mod.ts";
import { InputError, NetworkError } from "../../lib/errors.ts";
import { demoSerial } from "../../lib/fixtures/serials.ts";
import { startSandbox } from "../../lib/sandbox/mod.ts";
import { clientFor, wirebondRun, withSandbox } from "./_helpers.ts";

const BYTES = new Uint8Array([0, 255, 13, 10, 0xed, 0xa0, 0x80, 34, 123, 0]);
/** A JSON file: its exact bytes (spacing included) must come back, not a re-encoded value. */
const JSON_FILE = new TextEncoder().encode('{ "a" :  1,\n  "b": [1,2] }\n');

Deno.test("client attachments against the sandbox", async (t) => {
  await withSandbox({ demoModules: 2 }, async (sb) => {
    const { client } = clientFor(sb);
    try {
      const run = await client.uploadTestRunResults(wirebondRun(1, "1"));

      await t.step("createTestRunAttachment → the run with the new attachment", async () => {
        const answer = await client.createTestRunAttachment({
          testRun: run.id,
          file: { name: "pulls.csv", data: BYTES },
          title: "DAGE export",
          description: "raw",
        });
        assert.equal(answer.id, run.id);
        const [a] = answer.attachments!;
        assert.match(a.code, /^[0-9a-f]{64}$/);
        assert.equal(a.filename, "pulls.csv");
        assert.equal(a.contentType, "text/csv");
        assert.equal(a.title, "DAGE export");
        assert.equal(a.description, "raw");
        assert.equal(a.type, "file");
        const bytes = await client.getTestRunAttachment({ testRun: run.id, code: a.code });
        assert.deepEqual(bytes, BYTES);
        assert.deepEqual(await client.getBinaryData({ code: a.code }), BYTES);
      });

      await t.step("a JSON file comes back byte for byte", async () => {
        const answer = await client.createTestRunAttachment({
          testRun: run.id,
          file: { name: "run.json", data: JSON_FILE },
        });
        const a = answer.attachments!.at(-1)!;
        assert.equal(a.contentType, "application/json");
        assert.equal(a.title, "run.json");
        assert.equal(a.description, "");
        assert.deepEqual(
          await client.getTestRunAttachment({ testRun: run.id, code: a.code }),
          JSON_FILE,
        );
      });

      await t.step("createComponentAttachment → the component with its attachments", async () => {
        const component = await client.createComponentAttachment({
          component: demoSerial(2),
          file: { name: "photo.bin", data: BYTES, contentType: "image/x-test" },
        });
        assert.equal(component.serialNumber, demoSerial(2));
        const [a] = component.attachments!;
        assert.equal(a.contentType, "image/x-test");
        assert.deepEqual(await client.getBinaryData({ code: a.code }), BYTES);
      });

      await t.step("a name that is a path: refused, nothing sent", async () => {
        const before = sb.stats().byCommand.createTestRunAttachment;
        await assert.rejects(
          client.createTestRunAttachment({
            testRun: run.id,
            file: { name: "dir/pulls.csv", data: BYTES },
          }),
          (e: Error) =>
            e instanceof InputError && /\$\.file\.name: a file name, not a path/.test(e.message),
        );
        assert.equal(sb.stats().byCommand.createTestRunAttachment, before);
      });
    } finally {
      client.close();
    }
  });
});

Deno.test("client attachments: above the binary store's limit, one line and nothing sent", async () => {
  await withSandbox({ demoModules: 1 }, async (sb) => {
    const { client } = clientFor(sb, { maxAttachmentBytes: 10 });
    try {
      const run = await client.uploadTestRunResults(wirebondRun(1, "1"));
      await assert.rejects(
        client.createTestRunAttachment({
          testRun: run.id,
          file: { name: "big.csv", data: new Uint8Array(11) },
        }),
        (e: Error) => {
          assert.ok(e instanceof InputError);
          assert.match(
            e.message,
            /^createTestRunAttachment: big\.csv has 11 bytes, above the binary store's limit of 10 bytes .*nothing was sent/,
          );
          assert.match(e.message, /CERN EOS \(type "eos"\)/);
          return true;
        },
      );
      assert.equal(sb.stats().byCommand.createTestRunAttachment, undefined);
      // At the limit it goes.
      const ok = await client.createTestRunAttachment({
        testRun: run.id,
        file: { name: "ten.csv", data: new Uint8Array(10) },
      });
      assert.equal(ok.attachments!.length, 1);
    } finally {
      client.close();
    }
  });
});

Deno.test("client attachments: a write — a dropped upload is not resent", async () => {
  await withSandbox({ demoModules: 1, seed: 7 }, async (sb) => {
    const { client } = clientFor(sb, { retries: 3 });
    try {
      const run = await client.uploadTestRunResults(wirebondRun(1, "1"));
      sb.setFaults({ dropRate: 1 });
      await assert.rejects(
        client.createTestRunAttachment({ testRun: run.id, file: { name: "a.csv", data: BYTES } }),
        (e: Error) => e instanceof NetworkError && e.maybeSent === true,
      );
      assert.equal(sb.stats().byCommand.createTestRunAttachment, 1);
    } finally {
      client.close();
    }
  });
});

Deno.test("client attachments: a refused token is renewed and the form sent again", async () => {
  await withSandbox({ demoModules: 1 }, async (sb) => {
    const granter = new ItkpdClient({ env: sb.env(), onWarning: () => {} });
    const good = await granter.auth.getToken();
    const run = await granter.uploadTestRunResults(wirebondRun(1, "1"));
    granter.close();
    const transport = new HttpTransport();
    const engine = new HttpEngine({ transport, timeoutMs: 5000, retries: 0, retryBaseMs: 1 });
    let current = "not-a-valid-token";
    engine.tokens = {
      getToken: () => Promise.resolve(current),
      invalidate: () => void (current = good),
    };
    try {
      const form = new FormData();
      form.set("testRun", run.id);
      form.set("type", "file");
      form.set("data", new File([BYTES], "again.csv", { type: "text/csv" }));
      const result = await engine.send({
        command: "createTestRunAttachment",
        url: `${sb.apiUrl}createTestRunAttachment`,
        wireMethod: "POST",
        form,
        auth: true,
        policy: "write",
      });
      assert.equal(result.status, 200);
      const attachments = (result.value as { attachments: { filename: string }[] }).attachments;
      assert.deepEqual(attachments.map((a) => a.filename), ["again.csv"]);
      assert.equal(sb.stats().byCommand.createTestRunAttachment, 2);
    } finally {
      transport.close();
    }
  });
});

Deno.test("client attachments: the multipart body and its boundary reach the wire unchanged", async () => {
  const seen: { method?: string; headers?: IncomingHttpHeaders; body?: Uint8Array } = {};
  const server = createServer((req, res) => {
    const chunks: Uint8Array[] = [];
    req.on("data", (c: Uint8Array) => chunks.push(c));
    req.on("end", () => {
      Object.assign(seen, {
        method: req.method,
        headers: req.headers,
        body: Buffer.concat(chunks),
      });
      res.writeHead(200, { "content-type": "application/json" });
      res.end(
        JSON.stringify({
          id: "r1",
          testType: { id: "t", code: "T" },
          attachments: [],
          uuAppErrorMap: {},
        }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as { port: number }).port;
  // Tokens from a sandbox's identity service; the command goes to the probe.
  const sb = await startSandbox({});
  const client = new ItkpdClient({
    env: { ...sb.env(), ITKDB_API_URL: `http://127.0.0.1:${port}/api/` },
    onWarning: () => {},
  });
  try {
    await client.createTestRunAttachment({
      testRun: "r1",
      file: { name: "pulls.csv", data: BYTES },
      description: "d",
    });
    assert.equal(seen.method, "POST");
    const type = String(seen.headers!["content-type"]);
    const boundary = /^multipart\/form-data; boundary=(\S+)$/.exec(type)?.[1];
    assert.ok(boundary, type);
    assert.equal(Number(seen.headers!["content-length"]), seen.body!.length);
    const text = new TextDecoder("latin1").decode(seen.body);
    assert.ok(text.startsWith(`--${boundary}\r\n`), text.slice(0, 80));
    assert.ok(text.trimEnd().endsWith(`--${boundary}--`));
    // A write travels on a kept-alive connection too (node:http's own resend of a write on a
    // reused socket is off: tests/client/transport_test.ts).
    assert.equal(seen.headers!.connection, "keep-alive");
    assert.equal(seen.headers!["x-itkpd-wire-method"], undefined);
    const form = await new Response(seen.body as Uint8Array<ArrayBuffer>, {
      headers: { "content-type": type },
    }).formData();
    assert.equal(form.get("testRun"), "r1");
    assert.equal(form.get("title"), "pulls.csv");
    assert.equal(form.get("description"), "d");
    assert.equal(form.get("type"), "file");
    assert.equal(form.get("url"), "pulls.csv");
    const data = form.get("data") as File;
    assert.equal(data.name, "pulls.csv");
    assert.equal(data.type, "text/csv");
    assert.deepEqual(new Uint8Array(await data.arrayBuffer()), BYTES);
  } finally {
    client.close();
    await sb.close();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});
