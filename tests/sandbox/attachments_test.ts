/**
 * The sandbox's attachment commands over loopback, with plain `fetch` multipart uploads and
 * `node:http` reads (independent of lib/client): createTestRunAttachment,
 * createComponentAttachment, getTestRunAttachment, getBinaryData; stored durably; the token
 * checked before a file's body is read; the size limit.
 */
import assert from "node:assert/strict";
import { request } from "node:http";
import { startSandbox } from "../../lib/sandbox/mod.ts";
import { apiOf, http, pullTestRun, tempDir, tokenOf } from "./_helpers.ts";

const M1 = "20UPGM20000001";
/** Bytes that no text decoding keeps: NUL, 0xFF, CR LF, a lone surrogate half in UTF-8. */
const BYTES = new Uint8Array([0, 255, 13, 10, 0xed, 0xa0, 0x80, 65, 66, 67, 0, 1]);

function form(
  fields: Record<string, string>,
  file?: { name: string; type: string; data: Uint8Array },
) {
  const f = new FormData();
  for (const [k, v] of Object.entries(fields)) f.set(k, v);
  if (file) f.set("data", new File([file.data.slice()], file.name, { type: file.type }));
  return f;
}

async function post(url: string, token: string, body: FormData) {
  const res = await fetch(url, {
    method: "POST",
    body,
    headers: { authorization: `Bearer ${token}` },
  });
  return { status: res.status, json: await res.json() };
}

/** A GET with a JSON body (as the proven clients read), answering the raw bytes. */
function getBytes(
  url: string,
  token: string,
  body: unknown,
): Promise<{ status: number; type: string; disposition: string; bytes: Uint8Array }> {
  const payload = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(url, {
      method: "GET",
      agent: false,
      headers: {
        authorization: `Bearer ${token}`,
        "content-type": "application/json",
        "content-length": String(Buffer.byteLength(payload)),
      },
    }, (res) => {
      const chunks: Uint8Array[] = [];
      res.on("data", (c: Uint8Array) => chunks.push(c));
      res.on("end", () =>
        resolve({
          status: res.statusCode ?? 0,
          type: String(res.headers["content-type"]),
          disposition: String(res.headers["content-disposition"]),
          bytes: new Uint8Array(Buffer.concat(chunks)),
        }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(payload);
  });
}

/**
 * Sends the headers of a POST that declares `declared` body bytes but writes only a few, and
 * resolves to the status of the answer: a server that reads the body first never answers (the
 * guard then fails the test instead of hanging).
 */
function answerBeforeBody(
  url: string,
  headers: Record<string, string>,
  declared: number,
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, {
      method: "POST",
      agent: false,
      headers: { ...headers, "content-length": String(declared) },
    }, (res) => {
      const chunks: Uint8Array[] = [];
      res.on("data", (c: Uint8Array) => chunks.push(c));
      res.on("end", () => {
        clearTimeout(guard);
        req.destroy();
        resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString() });
      });
    });
    const guard = setTimeout(() => {
      req.destroy();
      reject(new Error("no answer while the body was still unsent: the server waits for it"));
    }, 30_000);
    req.on("error", () => {});
    req.write("--x\r\n");
  });
}

Deno.test("sandbox attachments", async (t) => {
  const dir = await tempDir();
  const db = `${dir.path}/sandbox.sqlite`;
  let sb = await startSandbox({ demoModules: 2, db });
  try {
    let api = await apiOf(sb);
    let token = await tokenOf(sb);
    const upload = await api("uploadTestRunResults", pullTestRun(M1));
    const runId = upload.json.testRun.id as string;
    let code = "";

    await t.step("createTestRunAttachment → the run with its attachments list", async () => {
      const res = await post(
        sb.apiUrl + "createTestRunAttachment",
        token,
        form({
          testRun: runId,
          title: "DAGE export",
          description: "raw file",
          type: "file",
          url: "w.csv",
        }, {
          name: "w.csv",
          type: "text/csv",
          data: BYTES,
        }),
      );
      assert.equal(res.status, 200, JSON.stringify(res.json));
      assert.deepEqual(res.json.uuAppErrorMap, {});
      assert.equal(res.json.id, runId);
      assert.equal(res.json.sys.rev, 1);
      assert.equal(res.json.attachments.length, 1);
      const a = res.json.attachments[0];
      assert.deepEqual(Object.keys(a).sort(), [
        "code",
        "contentType",
        "dateTime",
        "description",
        "filename",
        "title",
        "type",
        "userIdentity",
      ]);
      assert.match(a.code, /^[0-9a-f]{64}$/);
      assert.equal(a.type, "file");
      assert.equal(a.title, "DAGE export");
      assert.equal(a.description, "raw file");
      assert.equal(a.filename, "w.csv");
      assert.equal(a.contentType, "text/csv");
      assert.match(a.userIdentity, /^sandbox-/);
      assert.ok(!Number.isNaN(Date.parse(a.dateTime)));
      code = a.code;
      const back = await api("getTestRun", { testRun: runId }, { method: "GET" });
      assert.deepEqual(back.json.attachments, res.json.attachments);
    });

    await t.step("getTestRunAttachment and getBinaryData give the bytes back exactly", async () => {
      const got = await getBytes(sb.apiUrl + "getTestRunAttachment", token, {
        testRun: runId,
        code,
      });
      assert.equal(got.status, 200);
      assert.deepEqual(got.bytes, BYTES);
      assert.equal(got.type, "text/csv");
      assert.equal(got.disposition, "attachment; filename*=UTF-8''w.csv");
      const binary = await getBytes(sb.apiUrl + "uu-app-binarystore/getBinaryData", token, {
        code,
      });
      assert.deepEqual(binary.bytes, BYTES);
    });

    await t.step("the bytes survive a restart (--db FILE)", async () => {
      await sb.close();
      sb = await startSandbox({ db });
      api = await apiOf(sb);
      token = await tokenOf(sb);
      const got = await getBytes(sb.apiUrl + "getTestRunAttachment", token, {
        testRun: runId,
        code,
      });
      assert.deepEqual(got.bytes, BYTES);
    });

    await t.step("createComponentAttachment → the component with its attachments", async () => {
      const res = await post(
        sb.apiUrl + "createComponentAttachment",
        token,
        form({ component: M1, title: "photo", description: "", type: "file", url: "p.png" }, {
          name: "p.png",
          type: "image/png",
          data: BYTES,
        }),
      );
      assert.equal(res.status, 200, JSON.stringify(res.json));
      assert.equal(res.json.serialNumber, M1);
      const [a] = res.json.attachments;
      assert.equal(a.filename, "p.png");
      assert.equal(a.contentType, "image/png");
      const component = await api("getComponent", { component: M1 }, { method: "GET" });
      assert.deepEqual(component.json.attachments, res.json.attachments);
      const binary = await getBytes(sb.apiUrl + "uu-app-binarystore/getBinaryData", token, {
        code: a.code,
      });
      assert.deepEqual(binary.bytes, BYTES);
    });

    await t.step("mistakes: missing file, unknown run, EOS, unknown code", async () => {
      const noFile = await post(
        sb.apiUrl + "createTestRunAttachment",
        token,
        form({ testRun: runId, title: "x", type: "file" }),
      );
      assert.equal(noFile.status, 400);
      const entry =
        noFile.json.uuAppErrorMap["cern-itkpd-main/createTestRunAttachment/invalidDtoIn"];
      assert.ok(entry.paramMap.missingKeyMap["$.data"], JSON.stringify(entry));

      const file = { name: "w.csv", type: "text/csv", data: BYTES };
      const unknown = await post(
        sb.apiUrl + "createTestRunAttachment",
        token,
        form({ testRun: "000000000000000000000000", type: "file" }, file),
      );
      assert.equal(unknown.status, 400);
      assert.ok(
        unknown.json.uuAppErrorMap["cern-itkpd-main/createTestRunAttachment/testRunDoesNotExist"],
      );
      const eos = await post(
        sb.apiUrl + "createTestRunAttachment",
        token,
        form({ testRun: runId, type: "eos" }, file),
      );
      assert.equal(eos.status, 400);
      assert.ok(eos.json.uuAppErrorMap["cern-itkpd-main/createTestRunAttachment/eosNotSupported"]);

      const missing = await getBytes(sb.apiUrl + "getTestRunAttachment", token, {
        testRun: runId,
        code: "f".repeat(64),
      });
      assert.equal(missing.status, 404);
      assert.match(new TextDecoder().decode(missing.bytes), /attachmentDoesNotExist/);
      // Nothing of the refused uploads was stored.
      const run = await api("getTestRun", { testRun: runId }, { method: "GET" });
      assert.equal(run.json.attachments.length, 1);
    });

    await t.step("the token is checked before a file's body is read", async () => {
      const answer = await answerBeforeBody(sb.apiUrl + "createTestRunAttachment", {
        "content-type": "multipart/form-data; boundary=x",
      }, 50 * 1024 * 1024);
      assert.equal(answer.status, 401);
      assert.match(answer.text, /uu-oidc\/invalidToken/);
    });
  } finally {
    await sb.close();
    await dir.remove();
  }
});

Deno.test("sandbox attachments: the binary store's size limit", async (t) => {
  const sb = await startSandbox({ demoModules: 1, maxAttachmentBytes: 1000 });
  try {
    const api = await apiOf(sb);
    const token = await tokenOf(sb);
    const runId = (await api("uploadTestRunResults", pullTestRun(M1))).json.testRun.id;
    const send = (size: number) =>
      post(
        sb.apiUrl + "createTestRunAttachment",
        token,
        form({ testRun: runId, type: "file" }, {
          name: "big.bin",
          type: "application/octet-stream",
          data: new Uint8Array(size).fill(7),
        }),
      );

    await t.step("at the limit: stored", async () => {
      const res = await send(1000);
      assert.equal(res.status, 200);
    });
    await t.step("one byte over: 413 fileTooLarge, nothing stored", async () => {
      const res = await send(1001);
      assert.equal(res.status, 413);
      const entry = res.json.uuAppErrorMap["cern-itkpd-main/createTestRunAttachment/fileTooLarge"];
      assert.match(entry.message, /limit of 1000 bytes.*EOS/);
      const run = await api("getTestRun", { testRun: runId }, { method: "GET" });
      assert.equal(run.json.attachments.length, 1);
    });
    await t.step("a declared body far over the limit: 413 before it is sent", async () => {
      const answer = await answerBeforeBody(sb.apiUrl + "createTestRunAttachment", {
        "content-type": "multipart/form-data; boundary=x",
        authorization: `Bearer ${token}`,
      }, 500 * 1024 * 1024);
      assert.equal(answer.status, 413);
      assert.match(answer.text, /fileTooLarge/);
    });
    await t.step("the JSON commands still take their JSON bodies", async () => {
      const res = await http(sb.apiUrl + "getTestRun", { token, body: { testRun: runId } });
      assert.equal(res.status, 200);
    });
  } finally {
    await sb.close();
  }
});
