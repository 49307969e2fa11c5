/**
 * The client's HTTP/1.1 (lib/client/http1.ts): request bytes, and answers read in whatever
 * pieces the connection gives them.
 */
import assert from "node:assert/strict";
import {
  AnswerFormatError,
  AnswerParser,
  encodeRequest,
  MAX_HEAD_BYTES,
  type ParsedAnswer,
} from "../../lib/client/http1.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();

/** Feeds `pieces` to a parser; returns the answer and the bytes left after it. */
function parse(
  pieces: Uint8Array[],
  options: { noBody?: boolean; closeAtEnd?: boolean } = {},
): { answer: ParsedAnswer; rest: number } {
  const parser = new AnswerParser({ noBody: options.noBody });
  for (const piece of pieces) {
    const took = parser.push(piece);
    if (took >= 0) return { answer: parser.answer(), rest: piece.length - took };
  }
  assert.ok(options.closeAtEnd, "the answer did not end");
  assert.ok(parser.end(), "the answer was cut");
  return { answer: parser.answer(), rest: 0 };
}

/** Every way of cutting `bytes` in two, and byte by byte. */
function splits(bytes: Uint8Array): Uint8Array[][] {
  const out: Uint8Array[][] = [];
  for (let at = 0; at <= bytes.length; at++) out.push([bytes.slice(0, at), bytes.slice(at)]);
  out.push([...bytes].map((b) => Uint8Array.of(b)));
  return out;
}

const CHUNKED = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n" +
  "Transfer-Encoding: chunked\r\nSet-Cookie: a=1\r\nSet-Cookie: b=2\r\n\r\n" +
  '5;ext=1\r\n{"a":\r\nA\r\n"é"-3456}\r\n0\r\nX-Checksum: abc\r\nX-More: d\r\n\r\n';

Deno.test("http1: a chunked answer, with trailers, split at every byte", () => {
  const bytes = enc.encode(CHUNKED);
  for (const pieces of splits(bytes)) {
    const { answer, rest } = parse(pieces);
    assert.equal(rest, 0);
    assert.equal(answer.status, 200);
    assert.equal(dec.decode(answer.body), '{"a":"é"-3456}');
    assert.deepEqual(answer.headers.filter(([n]) => n === "set-cookie"), [
      ["set-cookie", "a=1"],
      ["set-cookie", "b=2"],
    ]);
    assert.ok(!answer.headers.some(([n]) => n === "x-checksum"), "trailers are not headers");
    assert.equal(answer.reusable, true);
  }
});

Deno.test("http1: a Content-Length answer split at every byte, and what follows it", () => {
  const body = '{"uuAppErrorMap":{},"x":"ü"}';
  const length = enc.encode(body).length;
  const text =
    `HTTP/1.1 201 Created\r\ncontent-length: ${length}\r\nX-A:  spaced \t\r\n\r\n${body}`;
  for (const pieces of splits(enc.encode(text))) {
    const { answer } = parse(pieces);
    assert.equal(answer.status, 201);
    assert.equal(answer.statusText, "Created");
    assert.equal(dec.decode(answer.body), body);
    assert.deepEqual(answer.headers[1], ["x-a", "spaced"]);
  }
  // Bytes after the answer are not part of it: the caller is told how many.
  const { rest } = parse([enc.encode(`${text}HTTP/1.1 200 OK\r\n`)]);
  assert.equal(rest, "HTTP/1.1 200 OK\r\n".length);
});

Deno.test("http1: a body is copied, or lent by a borrowing parser when it came in one piece", () => {
  const body = '{"uuAppErrorMap":{},"x":"ü"}';
  const length = enc.encode(body).length;
  const bytes = enc.encode(`HTTP/1.1 200 OK\r\ncontent-length: ${length}\r\n\r\n${body}`);
  for (const borrow of [false, true]) {
    for (const pieces of splits(bytes)) {
      const parser = new AnswerParser({ borrow });
      let answer: ParsedAnswer | undefined;
      for (const piece of pieces) {
        if (parser.push(piece) >= 0) {
          answer = parser.answer();
          break;
        }
      }
      assert.ok(answer);
      assert.equal(dec.decode(answer.body), body);
      const last = pieces.find((p) => p.buffer === answer.body.buffer);
      const whole = pieces.some((p) => p.length >= length && dec.decode(p).endsWith(body));
      // Lent only when asked, and only when the whole body was in one piece.
      assert.equal(last !== undefined, borrow && whole);
      // A copy does not change when the caller reuses its pieces.
      for (const p of pieces) p.fill(0);
      assert.equal(dec.decode(answer.body) === body, !(borrow && whole));
    }
  }
});

Deno.test("http1: an answer without a length ends with the connection, which is not reused", () => {
  const text = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nall of it until the close";
  for (const pieces of splits(enc.encode(text))) {
    const { answer } = parse(pieces, { closeAtEnd: true });
    assert.equal(dec.decode(answer.body), "all of it until the close");
    assert.equal(answer.reusable, false);
  }
  // A cut answer of known length is not complete.
  const cut = new AnswerParser();
  assert.equal(cut.push(enc.encode("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n12345")), -1);
  assert.equal(cut.started, true);
  assert.equal(cut.end(), false);
  const chunkCut = new AnswerParser();
  chunkCut.push(enc.encode("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab"));
  assert.equal(chunkCut.end(), false);
});

Deno.test("http1: answers without a body, interim answers, keep-alive", async (t) => {
  await t.step("204 and 304 have no body whatever their headers say", () => {
    for (const status of [204, 304]) {
      const { answer, rest } = parse([
        enc.encode(`HTTP/1.1 ${status} X\r\nContent-Length: 5\r\n\r\nHTTP/`),
      ]);
      assert.equal(answer.body.length, 0);
      assert.equal(rest, 5);
    }
  });
  await t.step("the answer to HEAD has no body", () => {
    const { answer, rest } = parse(
      [enc.encode("HTTP/1.1 200 OK\r\nContent-Length: 1234\r\n\r\n")],
      { noBody: true },
    );
    assert.equal(answer.body.length, 0);
    assert.equal(rest, 0);
    assert.equal(answer.reusable, true);
  });
  await t.step("1xx answers are skipped, at every split", () => {
    const text = "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n" +
      "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}";
    for (const pieces of splits(enc.encode(text))) {
      const { answer } = parse(pieces);
      assert.equal(answer.status, 200);
      assert.deepEqual(answer.headers, [["content-length", "2"]]);
      assert.equal(dec.decode(answer.body), "{}");
    }
  });
  await t.step("Connection: close and HTTP/1.0 end the connection", () => {
    const close = parse([
      enc.encode("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n"),
    ]);
    assert.equal(close.answer.reusable, false);
    const old = parse([enc.encode("HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n")]);
    assert.equal(old.answer.reusable, false);
    const kept = parse([
      enc.encode("HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\nContent-Length: 0\r\n\r\n"),
    ]);
    assert.equal(kept.answer.reusable, true);
  });
  await t.step("bare LF line ends are read too", () => {
    const { answer } = parse([enc.encode("HTTP/1.1 200 OK\nContent-Length: 2\n\nok")]);
    assert.equal(dec.decode(answer.body), "ok");
  });
});

Deno.test("http1: what is not an HTTP/1.1 answer, or too large, is one clear error", async (t) => {
  const fails = (text: string | Uint8Array, pattern: RegExp) => {
    const parser = new AnswerParser();
    assert.throws(
      () => parser.push(typeof text === "string" ? enc.encode(text) : text),
      (e: Error) => e instanceof AnswerFormatError && pattern.test(e.message),
    );
  };
  await t.step("a header block over the limit says so, even when it comes in pieces", () => {
    const head = `HTTP/1.1 200 OK\r\nX-Big: ${"a".repeat(MAX_HEAD_BYTES)}\r\n\r\n`;
    fails(head, /status line and headers are larger than 64 KiB/);
    const parser = new AnswerParser();
    const bytes = enc.encode(`HTTP/1.1 200 OK\r\n${"X-Many: 0123456789\r\n".repeat(4000)}\r\n`);
    assert.throws(() => {
      for (let at = 0; at < bytes.length; at += 1000) parser.push(bytes.subarray(at, at + 1000));
    }, /larger than 64 KiB/);
  });
  await t.step("a header block just under the limit is read", () => {
    const line = "HTTP/1.1 200 OK\r\n";
    const filler = "a".repeat(MAX_HEAD_BYTES - line.length - "X-Big: \r\n".length - 100);
    const { answer } = parse([enc.encode(`${line}X-Big: ${filler}\r\nContent-Length: 0\r\n\r\n`)]);
    assert.equal(answer.headers[0][1].length, filler.length);
  });
  await t.step("trailers over the limit", () => {
    const trailers = "X-T: 0123456789\r\n".repeat(5000);
    fails(
      `HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n${trailers}\r\n`,
      /trailers are larger than 64 KiB/,
    );
  });
  await t.step("not a status line", () => {
    fails("HTTP/2 200\r\n\r\n", /does not start with an HTTP\/1\.1 status line/);
    fails("SSH-2.0-OpenSSH\r\n", /status line/);
  });
  await t.step("broken headers and lengths", () => {
    fails("HTTP/1.1 200 OK\r\nno colon here\r\n\r\n", /header line of the answer is not valid/);
    fails("HTTP/1.1 200 OK\r\nBad Name: x\r\n\r\n", /header line/);
    fails("HTTP/1.1 200 OK\r\nContent-Length: 12x\r\n\r\n", /Content-Length is not a number/);
    fails(
      "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n",
      /Content-Lengths that differ/,
    );
    fails("HTTP/1.1 101 Switching Protocols\r\n\r\n", /switched protocols/);
  });
  await t.step("broken chunks", () => {
    const head = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n";
    fails(`${head}zz\r\n`, /no valid size/);
    fails(`${head}2\r\nabc\r\n`, /longer than its size/);
  });
  await t.step("the bytes themselves are never in the message", () => {
    const parser = new AnswerParser();
    try {
      parser.push(enc.encode("HTTP/1.1 200 OK\r\nsecret-token-here\r\n\r\n"));
      assert.fail("accepted");
    } catch (e) {
      assert.doesNotMatch((e as Error).message, /secret/);
    }
  });
  await t.step("Transfer-Encoding with Content-Length: chunked wins, the connection ends", () => {
    const { answer } = parse([
      enc.encode(
        "HTTP/1.1 200 OK\r\nContent-Length: 99\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n",
      ),
    ]);
    assert.equal(dec.decode(answer.body), "ok");
    assert.equal(answer.reusable, false);
  });
});

Deno.test("http1: a request is one piece: request line, Host, headers, body", () => {
  const body = enc.encode('{"a":"é"}');
  const bytes = encodeRequest("GET", "/api/x?y=1", "127.0.0.1:8080", [
    ["content-type", "application/json"],
    ["x-latin", "caf\u00e9"],
  ], body);
  const head = "GET /api/x?y=1 HTTP/1.1\r\nhost: 127.0.0.1:8080\r\n" +
    "content-type: application/json\r\nx-latin: caf\xe9\r\n\r\n";
  assert.equal(bytes.length, head.length + body.length);
  // Header values go as Latin-1, one byte a character; the body as given.
  assert.deepEqual([...bytes.subarray(0, head.length)], [...head].map((c) => c.charCodeAt(0)));
  assert.deepEqual(bytes.subarray(head.length), body);
});

Deno.test("http1: a header value given as bytes is sent as those bytes, as its text would be", () => {
  const token = "Bearer " + "a.b-c_d~".repeat(150);
  const asText = encodeRequest("GET", "/api/x", "h:1", [["accept", "a/b"], [
    "authorization",
    token,
  ]]);
  const asBytes = encodeRequest("GET", "/api/x", "h:1", [
    ["accept", "a/b"],
    ["authorization", enc.encode(token)],
  ]);
  assert.deepEqual(asBytes, asText);
  const head = `GET /api/x HTTP/1.1\r\nhost: h:1\r\naccept: a/b\r\nauthorization: ${token}\r\n\r\n`;
  assert.equal(dec.decode(asBytes), head);
  // Into a reused buffer larger than the request: the request is its first bytes only.
  const big = new Uint8Array(8192).fill(0x7e);
  const reused = encodeRequest(
    "GET",
    "/api/x",
    "h:1",
    [["authorization", enc.encode(token)]],
    undefined,
    () => big,
  );
  assert.equal(
    dec.decode(reused),
    `GET /api/x HTTP/1.1\r\nhost: h:1\r\nauthorization: ${token}\r\n\r\n`,
  );
});

/**
 * The rules the parser's fast paths must agree with, as RFC 9112 and the parser's first version
 * read them: the status line by its regular expression, a header value without the spaces and
 * tabs around it, Content-Length as a list of equal numbers, Connection as a list of options.
 */
const reference = {
  statusLine(line: string) {
    const m = /^HTTP\/1\.([01]) ([1-9]\d\d)(?:[ \t](.*))?$/.exec(line);
    return m ? { version: `1.${m[1]}`, status: Number(m[2]), statusText: m[3] ?? "" } : undefined;
  },
  value(raw: string): string {
    return raw.replace(/^[ \t]+|[ \t]+$/g, "");
  },
  length(values: string[]): number | undefined | "error" {
    let length: number | undefined;
    for (const value of values) {
      for (const part of value.split(",")) {
        if (!/^\d{1,15}$/.test(part.trim())) return "error";
        if (length !== undefined && length !== Number(part.trim())) return "error";
        length = Number(part.trim());
      }
    }
    return length;
  },
  reusable(version: string, connection: string[]): boolean {
    const options = connection.flatMap((v) => v.toLowerCase().split(",").map((o) => o.trim()));
    return !options.includes("close") && (version === "1.1" || options.includes("keep-alive"));
  },
};

/** A random pick (seeded, so that a failure is met again). */
function picker(seed: number): <T>(list: readonly T[]) => T {
  let state = seed;
  return (list) => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return list[state % list.length];
  };
}

/** What the parser makes of a head given whole (its fast path) and byte by byte. */
function both(head: string): (ParsedAnswer | "error")[] {
  const bytes = Uint8Array.from(head, (c) => c.charCodeAt(0));
  return [[bytes], [...bytes].map((b) => Uint8Array.of(b))].map((pieces) => {
    const parser = new AnswerParser({ noBody: true });
    try {
      for (const piece of pieces) if (parser.push(piece) >= 0) return parser.answer();
      return "error";
    } catch (e) {
      if (e instanceof AnswerFormatError) return "error";
      throw e;
    }
  });
}

Deno.test("http1: the status line and header values are read as the reference rules read them", () => {
  const pick = picker(7);
  const versions = [
    "HTTP/1.1",
    "HTTP/1.0",
    "HTTP/1.2",
    "HTTP/2.0",
    "HTTP/1.1x",
    "http/1.1",
    "HTTP/1.",
  ];
  const gaps = [" ", "\t", "  ", ""];
  const statuses = ["200", "404", "599", "100", "099", "999", "20", "2000", "2a0", "abc", ""];
  const reasons = ["", " OK", "\tOK", " ", " Not Found", " a\rb", "x", " \xe9t\xe9", "  two  "];
  const values = ["v", " v", "v ", "\t v \t", "", " ", "a b", " a\tb ", "\xe9"];
  for (let i = 0; i < 3000; i++) {
    const line = pick(versions) + pick(gaps) + pick(statuses) + pick(reasons);
    const raw = pick(values);
    const head = `${line}\r\nX-One:${raw}\r\nx-two: ${pick(values)}\r\n\r\n`;
    const want = reference.statusLine(line);
    for (const got of both(head)) {
      if (want === undefined || want.status < 200) {
        // Refused, or an interim answer (the final one never comes here).
        if (want === undefined) assert.equal(got, "error", JSON.stringify(line));
        continue;
      }
      assert.notEqual(got, "error", JSON.stringify(head));
      const answer = got as ParsedAnswer;
      assert.deepEqual(
        { version: answer.version, status: answer.status, statusText: answer.statusText },
        want,
        JSON.stringify(line),
      );
      assert.equal(answer.headers[0][0], "x-one");
      assert.equal(answer.headers[0][1], reference.value(raw), JSON.stringify(raw));
    }
  }
});

Deno.test("http1: Content-Length and Connection are read as the reference rules read them", () => {
  const pick = picker(11);
  const lengths = ["0", "5", " 5 ", "5, 5", "5,6", "", "0x5", "-1", "05", "5,", "1234567890123456"];
  const connections = [
    "keep-alive",
    "Keep-Alive",
    "close",
    "CLOSE",
    "close, keep-alive",
    "upgrade",
    "",
  ];
  for (let i = 0; i < 2000; i++) {
    const version = pick(["1.1", "1.0"]);
    const length = [pick(lengths), ...(i % 3 === 0 ? [pick(lengths)] : [])];
    const connection = i % 4 === 0 ? [] : [pick(connections)];
    const head = `HTTP/${version} 200 OK\r\n` +
      length.map((v) => `Content-Length: ${v}\r\n`).join("") +
      connection.map((v) => `Connection: ${v}\r\n`).join("") + "\r\n";
    const bytes = Uint8Array.from(head + "x".repeat(5), (c) => c.charCodeAt(0));
    const want = reference.length(length);
    const parser = new AnswerParser();
    let got: number | "error";
    try {
      const took = parser.push(bytes);
      got = took < 0 ? -1 : took - head.length;
    } catch (e) {
      if (!(e instanceof AnswerFormatError)) throw e;
      got = "error";
    }
    if (want === "error") {
      assert.equal(got, "error", JSON.stringify(length));
      continue;
    }
    // A body of 5 bytes or less ends within the bytes given; a longer one goes on.
    assert.equal(got, want! <= 5 ? want : -1, JSON.stringify(length));
    if (want! <= 5) {
      assert.equal(parser.answer().reusable, reference.reusable(version, connection), head);
    }
  }
});
