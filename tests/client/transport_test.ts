import assert from "node:assert/strict";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { AuthError, NetworkError } from "../../lib/errors.ts";
import {
  BODY_REF_HEADER,
  HttpEngine,
  HttpTransport,
  TOKEN_REF_HEADER,
  WIRE_METHOD_HEADER,
} from "../../lib/client/mod.ts";
import { WIRE_OPTION } from "../../lib/client/transport.ts";
import { jsonAnswer, type RawRequest, type RawServer, rawServer } from "../_helpers/raw_http.ts";

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
  const transport = new HttpTransport();
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
  const transport = new HttpTransport();
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
  const transport = new HttpTransport();
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
    // A token that could end its header line is never put on the wire.
    assert.throws(() => transport.tokenRef("a.b.c\r\nX-Injected: 1"), AuthError);
  } finally {
    transport.close();
    await server.close();
  }
});

Deno.test("transport: a JSON body is lent for its request only", async () => {
  const server = await recorder();
  const transport = new HttpTransport();
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

// The transport's own HTTP/1.1 and its connection pools, against raw servers that write the
// exact bytes of each answer (tests/_helpers/raw_http.ts).

/** Requests made so far on the connection of `request`, itself included. */
function onItsConnection(server: RawServer, request: RawRequest): number {
  return server.requests.filter((r) => r.connection === request.connection).length;
}

Deno.test("transport: a read on a reused connection closed before its answer goes once more, on a new one; a write never", async () => {
  // The second request on a connection is read, then the connection closed without an answer;
  // `/never` is closed unanswered on every connection.
  const server = rawServer(async (request, reply) => {
    const vanish = request.target === "/never" ||
      (request.target === "/vanish" && onItsConnection(server, request) > 1);
    if (vanish) return reply.close();
    await reply.write(jsonAnswer({ uuAppErrorMap: {}, on: request.connection }));
  });
  const transport = new HttpTransport();
  const engine = new HttpEngine({ transport, timeoutMs: 5000, retries: 0, retryBaseMs: 1 });
  const send = (path: string, policy: "read" | "write") =>
    engine.send({
      command: policy === "read" ? "getX" : "createX",
      url: `${server.url}${path.slice(1)}`,
      wireMethod: policy === "read" ? "GET" : "POST",
      json: { path },
      auth: false,
      policy,
    });
  const seen = (target: string, method: string) =>
    server.requests.filter((r) => r.target === target && r.method === method);
  try {
    await send("/warm", "read");
    const read = await send("/vanish", "read");
    assert.deepEqual(seen("/vanish", "GET").map((r) => r.connection), [0, 1], "once more");
    assert.equal((read.value as { on: number }).on, 1, "answered on the new connection");
    assert.equal(engine.stats.retries, 0, "the transport's own resend, not a retry of ky's");

    await send("/warm", "write");
    await assert.rejects(send("/vanish", "write"), (e: Error) => {
      assert.ok(e instanceof NetworkError && e.maybeSent === true, String(e));
      assert.match(e.message, /its outcome is unknown/);
      return true;
    });
    assert.equal(seen("/vanish", "POST").length, 1, "the write reached the server once");

    // A read is sent once more only once, and only after a reused connection failed.
    await assert.rejects(send("/never", "read"), (e) => e instanceof NetworkError && e.maybeSent);
    assert.equal(seen("/never", "GET").length, 2);
  } finally {
    transport.close();
    await server.close();
  }
});

Deno.test("transport: answers in every framing reach ky whole", async (t) => {
  const server = rawServer(async (request, reply) => {
    switch (request.target) {
      case "/chunked":
        await reply.write(
          "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n" +
            "Set-Cookie: a=1\r\nSet-Cookie: b=2\r\n\r\n",
        );
        await reply.write('4\r\n{"a"\r\n');
        await reply.write('6\r\n:"é"}\r\n0\r\nX-Trailer: t\r\n\r\n');
        return;
      case "/until-close":
        await reply.write('HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\r\n{"b"');
        await reply.write(":2}");
        return reply.close();
      case "/interim":
        await reply.write("HTTP/1.1 100 Continue\r\n\r\n");
        return await reply.write(jsonAnswer({ c: 3 }));
      case "/close":
        return await reply.write(jsonAnswer({ d: 4 }, 200, "Connection: close\r\n"));
      case "/bom":
        return await reply.write(
          "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 10\r\n\r\n" +
            '\ufeff{"f":6}',
        );
      case "/latin1":
        await reply.write(
          "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 3\r\n\r\n",
        );
        return await reply.write(Uint8Array.of(0x63, 0x61, 0xe9));
      case "/no-content":
        return await reply.write("HTTP/1.1 204 No Content\r\n\r\n");
      case "/busy":
        return await reply.write(jsonAnswer({}, 503, "Retry-After: 1\r\n"));
      case "/page":
        return await reply.write(
          "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 12\r\n\r\n" +
            "<p>a page</p>".slice(0, 12),
        );
      default:
        return await reply.write(jsonAnswer({ e: 5 }));
    }
  });
  const transport = new HttpTransport();
  const get = async (path: string) => {
    const response = await transport.fetch(`${server.url}${path.slice(1)}`);
    const bytes = transport.answerBytes(response)!;
    return { response, text: new TextDecoder().decode(bytes) };
  };
  try {
    await t.step("chunked, with repeated headers and trailers", async () => {
      const { response, text } = await get("/chunked");
      assert.equal(text, '{"a":"é"}');
      assert.deepEqual(response.headers.getSetCookie(), ["a=1", "b=2"]);
      assert.equal(await response.text(), '{"a":"é"}', "the Response's own body too");
    });
    await t.step("ended by the close", async () => {
      assert.equal((await get("/until-close")).text, '{"b":2}');
    });
    await t.step("after an interim answer", async () => {
      assert.equal((await get("/interim")).text, '{"c":3}');
    });
    await t.step("text is decoded once; the Response keeps the bytes as sent", async () => {
      const bom = await transport.fetch(`${server.url}bom`);
      assert.deepEqual([...new Uint8Array(await bom.arrayBuffer())].slice(0, 3), [
        0xef,
        0xbb,
        0xbf,
      ]);
      assert.equal(transport.answerText(bom), '\ufeff{"f":6}');
      // Not UTF-8: no text, the bytes as they came.
      const latin1 = await transport.fetch(`${server.url}latin1`);
      assert.equal(transport.answerText(latin1), undefined);
      assert.deepEqual([...new Uint8Array(await latin1.arrayBuffer())], [0x63, 0x61, 0xe9]);
      assert.equal(latin1.headers.get("content-type"), "text/plain");
      // The engine reads JSON after a byte order mark, as the decoder always did.
      const engine = new HttpEngine({ transport, timeoutMs: 5000, retries: 0, retryBaseMs: 1 });
      const result = await engine.send({
        command: "getX",
        url: `${server.url}bom`,
        wireMethod: "GET",
        auth: false,
        policy: "read",
      });
      assert.deepEqual(result.value, { f: 6 });
    });
    await t.step("the engine's answers: read from the transport, the Response lean", async () => {
      // What HttpEngine asks (WIRE_OPTION bodiless): no body in the Response, and for a success
      // no headers either; the transport keeps them, as received.
      const lean = { [WIRE_OPTION]: { bodiless: true } } as RequestInit;
      const ok = await transport.fetch(`${server.url}chunked`, lean);
      assert.equal(ok.status, 200);
      assert.equal(ok.body, null);
      assert.deepEqual([...ok.headers], []);
      assert.equal(transport.answerText(ok), '{"a":"é"}');
      assert.deepEqual(transport.answerHeaders(ok)?.filter(([n]) => n === "set-cookie"), [
        ["set-cookie", "a=1"],
        ["set-cookie", "b=2"],
      ]);
      assert.equal(new TextDecoder().decode(transport.answerBytes(ok)), '{"a":"é"}');
      // An error status keeps its headers in the Response (ky reads Retry-After there).
      const busy = await transport.fetch(`${server.url}busy`, lean);
      assert.equal(busy.status, 503);
      assert.equal(busy.body, null);
      assert.equal(busy.headers.get("retry-after"), "1");
      // The engine reads the content type from the transport: a success that is a web page is
      // not a download.
      const engine = new HttpEngine({ transport, timeoutMs: 5000, retries: 0, retryBaseMs: 1 });
      const page = engine.send({
        command: "getBinaryData",
        url: `${server.url}page`,
        wireMethod: "GET",
        json: {},
        auth: false,
        policy: "read",
        expect: "bytes",
      });
      await assert.rejects(page, /not an ITkPD API answer \(HTML/);
    });
    await t.step("204: no body", async () => {
      const { response, text } = await get("/no-content");
      assert.equal(response.status, 204);
      assert.equal(text, "");
    });
    await t.step("Connection: close: the next request opens a new connection", async () => {
      await get("/other");
      const before = server.connections();
      await get("/other");
      assert.equal(server.connections(), before, "kept alive");
      await get("/close");
      await get("/other");
      assert.equal(server.connections(), before + 1);
    });
  } finally {
    transport.close();
    await server.close();
  }
});

Deno.test("transport: an answer whose headers are too large is one clear error, its connection closed", async () => {
  const server = rawServer(async (_request, reply) => {
    await reply.write(`HTTP/1.1 200 OK\r\n${"X-Filler: 0123456789abcdef\r\n".repeat(3000)}\r\n`);
  });
  const transport = new HttpTransport();
  const engine = new HttpEngine({ transport, timeoutMs: 5000, retries: 0, retryBaseMs: 1 });
  try {
    await assert.rejects(
      engine.send({
        command: "getX",
        url: `${server.url}getX`,
        wireMethod: "GET",
        json: {},
        auth: false,
        policy: "read",
      }),
      (e: Error) => {
        assert.ok(e instanceof NetworkError && e.maybeSent === true, String(e));
        assert.match(e.message, /^GET http:\/\/127\.0\.0\.1:\d+\/getX: the answer is not valid/);
        assert.match(e.message, /status line and headers are larger than 64 KiB/);
        assert.doesNotMatch(e.message, /0123456789abcdef/);
        return true;
      },
    );
    await server.until(() => server.closed() === 1);
  } finally {
    transport.close();
    await server.close();
  }
});

Deno.test("transport: aborting a request closes its connection at once", async () => {
  const server = rawServer(() => {}); // never answers
  const transport = new HttpTransport();
  try {
    const controller = new AbortController();
    const pending = transport.fetch(`${server.url}hang`, { signal: controller.signal });
    await server.until(() => server.requests.length === 1);
    const reason = new Error("given up");
    controller.abort(reason);
    await assert.rejects(pending, (e) => e === reason);
    await server.until(() => server.closed() === 1);
  } finally {
    transport.close();
    await server.close();
  }
});

Deno.test("transport: reads share at most maxSockets connections; writes never wait for one", async () => {
  // Writes are held until five are in flight at once: a write queued behind another would
  // never arrive, and the test would not end.
  let held: (() => void)[] = [];
  const server = rawServer(async (request, reply) => {
    if (request.method === "POST") {
      await new Promise<void>((resolve) => {
        held.push(resolve);
        if (held.length === 5) {
          for (const release of held) release();
          held = [];
        }
      });
    }
    await reply.write(jsonAnswer({ uuAppErrorMap: {} }));
  });
  const transport = new HttpTransport({ maxSockets: 2 });
  const send = (method: "GET" | "POST") =>
    transport.fetch(`${server.url}x`, { method, body: method === "POST" ? "{}" : undefined });
  try {
    await Promise.all(Array.from({ length: 8 }, () => send("GET")));
    assert.ok(server.connections() <= 2, `reads opened ${server.connections()} connections`);
    const before = server.connections();
    await Promise.all(Array.from({ length: 5 }, () => send("POST")));
    assert.equal(server.connections() - before, 5);
  } finally {
    transport.close();
    await server.close();
  }
});

Deno.test("transport: an idle connection is closed after idleMs, not before", async () => {
  const server = rawServer(async (_request, reply) => {
    await reply.write(jsonAnswer({ uuAppErrorMap: {} }));
  });
  const idleMs = 200;
  const transport = new HttpTransport({ idleMs });
  try {
    const response = await transport.fetch(`${server.url}x`);
    const answeredAt = performance.now();
    assert.equal(response.status, 200);
    await server.until(() => server.closed() === 1);
    // Timers never fire early (one millisecond of rounding allowed).
    assert.ok(performance.now() - answeredAt >= idleMs - 1);
    await transport.fetch(`${server.url}x`);
    assert.equal(server.connections(), 2, "a new connection for the next request");
  } finally {
    transport.close();
    await server.close();
  }
});
