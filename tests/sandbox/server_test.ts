/**
 * The sandbox's HTTP layer: the token is checked from the headers before a byte of the body is
 * read, and bodies are bounded (413 with a `requestTooLarge` entry), so that no request, with or
 * without a token, can make the sandbox hold more than the limit in memory.
 */
import assert from "node:assert/strict";
import { connect } from "node:net";
import { startSandbox } from "../../lib/sandbox/mod.ts";
import { MAX_INPUT_BYTES } from "../../lib/sandbox/input.ts";
import { http, tokenOf } from "./_helpers.ts";

/** Sends `head` and then only `partial` bytes of the body; resolves to what the server said. */
function halfRequest(port: number, head: string, partial: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1");
    let answer = "";
    socket.on("connect", () => socket.write(head + " ".repeat(partial)));
    socket.on("data", (d: Uint8Array) => {
      answer += new TextDecoder().decode(d);
      // The whole answer (headers + JSON body) is there once the JSON closes.
      if (/\r\n\r\n\{.*\}$/s.test(answer)) {
        socket.destroy();
        resolve(answer);
      }
    });
    socket.on("error", reject);
    socket.on("close", () => resolve(answer));
    // Only when the behaviour is broken (the server waits for the whole body): fail, not hang.
    const guard = setTimeout(() => {
      socket.destroy();
      reject(new Error("no answer while the body was incomplete: the server waits for it"));
    }, 20_000);
    socket.on("close", () => clearTimeout(guard));
  });
}

/** A chunked POST of `size` bytes (no content-length); resolves to the answer or "closed". */
function chunkedRequest(port: number, path: string, token: string, size: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    let answer = "";
    const piece = " ".repeat(64 * 1024);
    socket.on("connect", () => {
      socket.write(
        `POST ${path} HTTP/1.1\r\nhost: 127.0.0.1\r\nauthorization: Bearer ${token}\r\n` +
          `transfer-encoding: chunked\r\n\r\n`,
      );
      for (let sent = 0; sent < size; sent += piece.length) {
        socket.write(`${piece.length.toString(16)}\r\n${piece}\r\n`);
      }
      socket.write("0\r\n\r\n");
    });
    socket.on("data", (d: Uint8Array) => (answer += new TextDecoder().decode(d)));
    socket.on("error", () => {});
    socket.on("close", () => resolve(answer || "closed"));
  });
}

Deno.test("sandbox server: the token before the body, bodies bounded", async (t) => {
  const sb = await startSandbox({ demoModules: 1 });
  const path = new URL(sb.apiUrl).pathname + "uploadTestRunResults";
  const head = (length: number, token?: string) =>
    `POST ${path} HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\n` +
    (token ? `authorization: Bearer ${token}\r\n` : "") + `content-length: ${length}\r\n\r\n`;
  try {
    const token = await tokenOf(sb);

    await t.step("no token: 401 while the body is still on its way (it is not read)", async () => {
      // 64 MiB declared, 10 bytes sent: the answer comes without waiting for the rest.
      const answer = await halfRequest(sb.port, head(64 * 1024 * 1024), 10);
      assert.match(answer, /^HTTP\/1\.1 401 /);
      assert.match(answer, /uu-oidc\/invalidToken|Token is missing/);
      assert.match(answer, /connection: close/i);
    });

    await t.step("a valid token and a body above the limit: 413 before it is read", async () => {
      const answer = await halfRequest(sb.port, head(MAX_INPUT_BYTES + 1, token), 10);
      assert.match(answer, /^HTTP\/1\.1 413 /);
      const json = JSON.parse(answer.slice(answer.indexOf("\r\n\r\n") + 4));
      const entry = json.uuAppErrorMap["cern-itkpd-main/uploadTestRunResults/requestTooLarge"];
      assert.equal(entry.type, "error");
      assert.match(entry.message, /exceeds the limit of 4194304 bytes/);
    });

    await t.step("a body without a declared length is cut at the limit: 413", async () => {
      const answer = await chunkedRequest(sb.port, path, token, MAX_INPUT_BYTES + 1024 * 1024);
      // Either the answer was read, or (more to send) the connection was closed on the rest.
      if (answer !== "closed") {
        assert.match(answer, /^HTTP\/1\.1 413 /);
        assert.match(answer, /requestTooLarge/);
      }
      assert.equal((await http(sb.apiUrl + "listInstitutions", { token, body: {} })).status, 200);
    });

    await t.step("a small body with a bad token keeps working (401, connection kept)", async () => {
      const res = await http(sb.apiUrl + "getComponent", {
        token: "x",
        body: { component: "20UPGM20000001" },
      });
      assert.equal(res.status, 401);
    });

    await t.step("24 unauthenticated 64 MiB bodies at once: memory stays flat", async () => {
      const before = Deno.memoryUsage().rss;
      let peak = before;
      const sample = setInterval(() => (peak = Math.max(peak, Deno.memoryUsage().rss)), 5);
      const flood = await new Deno.Command(Deno.execPath(), {
        args: [
          "run",
          "--allow-net=127.0.0.1",
          new URL("./_flood.ts", import.meta.url).pathname,
          sb.apiUrl + "uploadTestRunResults",
          "24",
          "64",
        ],
        stdout: "piped",
        stderr: "piped",
      }).output();
      clearInterval(sample);
      const outcomes = JSON.parse(new TextDecoder().decode(flood.stdout)) as string[];
      assert.equal(outcomes.length, 24, new TextDecoder().decode(flood.stderr));
      // Every one was refused (401 read, or the connection closed on the rest of its body).
      for (const o of outcomes) assert.notEqual(o, "200");
      assert.ok(outcomes.some((o) => o === "401"), outcomes.join(","));
      const grown = (peak - before) / 1024 / 1024;
      assert.ok(grown < 200, `the sandbox grew by ${grown.toFixed(0)} MiB for 1.5 GiB sent`);
      assert.equal((await http(sb.apiUrl + "listInstitutions", { token, body: {} })).status, 200);
    });
  } finally {
    await sb.close();
  }
});
