import assert from "node:assert/strict";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { NetworkError } from "../../lib/errors.ts";
import {
  BODY_REF_HEADER,
  HttpEngine,
  NodeTransport,
  TOKEN_REF_HEADER,
  WIRE_METHOD_HEADER,
} from "../../lib/client/mod.ts";

interface Seen {
  method: string;
  body: string;
  headers: http.IncomingHttpHeaders;
}

/**
 * A node:http server (it keeps GET bodies) that records requests and counts the connections
 * made to it; `/drop` resets the socket after reading the request, `/answer-then-close` answers
 * and then closes the kept-alive socket (without saying so in a header).
 */
async function recorder(): Promise<
  { url: string; seen: Seen[]; connections: () => number; close: () => Promise<void> }
> {
  const seen: Seen[] = [];
  let connections = 0;
  const server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      seen.push({ method: req.method ?? "", body, headers: req.headers });
      if (req.url === "/drop") return void req.socket.destroy();
      if (req.url === "/answer-then-close") res.once("finish", () => req.socket.destroy());
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify({ uuAppErrorMap: {}, method: req.method }));
    });
  });
  server.on("connection", () => connections++);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    seen,
    connections: () => connections,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

Deno.test("transport: reads go on the wire as GET with a JSON body", async (t) => {
  const server = await recorder();
  const transport = new NodeTransport();
  const engine = new HttpEngine({ transport, timeoutMs: 2000, retries: 0, retryBaseMs: 1 });
  try {
    await t.step("the marker header is stripped and the body arrives with GET", async () => {
      const result = await engine.send({
        command: "listTestTypes",
        url: `${server.url}listTestTypes`,
        wireMethod: "GET",
        json: { project: "P", componentType: "MODULE" },
        auth: false,
        policy: "read",
      });
      assert.equal((result.value as { method: string }).method, "GET");
      const last = server.seen.at(-1)!;
      assert.equal(last.method, "GET");
      assert.deepEqual(JSON.parse(last.body), { project: "P", componentType: "MODULE" });
      assert.equal(last.headers[WIRE_METHOD_HEADER], undefined);
      assert.equal(last.headers[BODY_REF_HEADER], undefined, "the body's reference stays here");
      assert.equal(last.headers["content-length"], String(last.body.length));
      assert.match(String(last.headers["content-type"]), /application\/json/);
    });
    await t.step("writes go as POST", async () => {
      await engine.send({
        command: "registerComponent",
        url: `${server.url}registerComponent`,
        wireMethod: "POST",
        json: { a: 1 },
        auth: false,
        policy: "write",
      });
      assert.equal(server.seen.at(-1)!.method, "POST");
    });
    await t.step("writes reuse their kept-alive connection", async () => {
      const before = server.connections();
      for (let i = 0; i < 3; i++) {
        await engine.send({
          command: "registerComponent",
          url: `${server.url}registerComponent`,
          wireMethod: "POST",
          json: { i },
          auth: false,
          policy: "write",
        });
      }
      assert.equal(server.connections(), before, "no new connection for these writes");
    });
    await t.step("a write reset after sending: sent once, NetworkError(maybeSent)", async () => {
      // The write goes on the kept-alive socket of the writes above: node:http would send it
      // again by itself on a new one when that socket closes before the answer.
      const connections = server.connections();
      const before = server.seen.length;
      await assert.rejects(
        engine.send({
          command: "uploadTestRunResults",
          url: `${server.url}drop`,
          wireMethod: "POST",
          json: { run: 1 },
          auth: false,
          policy: "write",
        }),
        (e: Error) => e instanceof NetworkError && e.maybeSent === true,
      );
      assert.equal(server.seen.length - before, 1, "the write reached the server exactly once");
      assert.equal(server.connections(), connections, "on the reused socket, none other");
    });
    await t.step("after close(), requests fail as not sent", async () => {
      transport.close();
      await assert.rejects(
        engine.send({
          command: "getX",
          url: `${server.url}getX`,
          wireMethod: "GET",
          auth: false,
          policy: "read",
        }),
        (e: Error) => e instanceof NetworkError && e.maybeSent === false,
      );
    });
  } finally {
    transport.close();
    await server.close();
  }
});

Deno.test("transport: a server closing kept-alive sockets never gets a write twice", async () => {
  // Each answer is followed by the server closing that socket, without a "Connection: close"
  // header: the next write may pick the socket before the client saw it close. Such a write is
  // either answered (on a new socket) or fails as maybe sent; never sent again by itself.
  const server = await recorder();
  const transport = new NodeTransport();
  const engine = new HttpEngine({ transport, timeoutMs: 5000, retries: 3, retryBaseMs: 1 });
  try {
    let answered = 0;
    let maybeSent = 0;
    for (let i = 0; i < 40; i++) {
      try {
        await engine.send({
          command: "uploadTestRunResults",
          url: `${server.url}answer-then-close`,
          wireMethod: "POST",
          json: { i },
          auth: false,
          policy: "write",
        });
        answered++;
      } catch (e) {
        assert.ok(e instanceof NetworkError && e.maybeSent === true, String(e));
        maybeSent++;
      }
    }
    assert.equal(answered + maybeSent, 40);
    const bodies = server.seen.map((r) => r.body);
    assert.equal(new Set(bodies).size, bodies.length, "no write reached the server twice");
    assert.ok(bodies.length <= 40);
  } finally {
    transport.close();
    await server.close();
  }
});

Deno.test("transport: the token goes on the wire as Authorization, by reference through ky", async () => {
  const server = await recorder();
  const transport = new NodeTransport();
  const engine = new HttpEngine({ transport, timeoutMs: 2000, retries: 0, retryBaseMs: 1 });
  const tokens = ["header.first-token.signature", "header.second-token.signature"];
  let current = tokens[0];
  engine.tokens = { getToken: () => Promise.resolve(current), invalidate: () => {} };
  try {
    for (const token of [tokens[0], tokens[1], tokens[0]]) {
      current = token;
      for (const wireMethod of ["GET", "POST"] as const) {
        await engine.send({
          command: wireMethod === "GET" ? "getX" : "createX",
          url: `${server.url}x`,
          wireMethod,
          json: {},
          auth: true,
          policy: wireMethod === "GET" ? "read" : "write",
        });
        const { headers } = server.seen.at(-1)!;
        assert.equal(headers.authorization, `Bearer ${token}`);
        assert.equal(headers[TOKEN_REF_HEADER], undefined, "the reference stays here");
      }
    }
    assert.equal(transport.tokenRef(tokens[1]), transport.tokenRef(tokens[1]));
    assert.notEqual(transport.tokenRef(tokens[0]), transport.tokenRef(tokens[1]));
    assert.ok(transport.tokenRef(tokens[0]).length < 8, "a short reference");
  } finally {
    transport.close();
    await server.close();
  }
});

Deno.test("transport: a JSON body is lent for its request only", async () => {
  const server = await recorder();
  const transport = new NodeTransport();
  try {
    const ref = transport.lendBody('{"a":"é"}');
    const send = () =>
      transport.fetch(`${server.url}x`, {
        method: "POST",
        headers: { [BODY_REF_HEADER]: ref, [WIRE_METHOD_HEADER]: "GET" },
      });
    assert.equal((await send()).status, 200);
    const last = server.seen.at(-1)!;
    assert.equal(last.method, "GET");
    assert.equal(last.body, '{"a":"é"}');
    assert.equal(last.headers["content-type"], "application/json");
    assert.equal(last.headers["content-length"], "10", "bytes, not characters");
    transport.returnBody(ref);
    const seen = server.seen.length;
    await assert.rejects(send(), (e) => {
      assert.ok(e instanceof NetworkError && e.maybeSent === false, String(e));
      assert.match(e.message, /given back before it was sent/);
      return true;
    });
    assert.equal(server.seen.length, seen, "nothing sent");
  } finally {
    transport.close();
    await server.close();
  }
});
