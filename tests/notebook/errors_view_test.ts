import assert from "node:assert/strict";
import {
  ApiValidationError,
  InputError,
  NetworkError,
  ParseError,
  ServerError,
} from "../../lib/errors.ts";
import { errorView, failuresView } from "../../lib/notebook/errors_view.ts";
import { hasRawControl } from "../_helpers/control_chars.ts";
import { $display } from "../../lib/display/mime.ts";

const PARSE = new ParseError("pulls.csv", 12, 'load is not a number: "<abc>"', {
  hint: "correct line 12 or delete it",
});

/** A stack line as V8 writes it. */
const STACK_LINE = /^\s+at .+:\d+:\d+\)?$/m;

Deno.test("errors view", async (t) => {
  await t.step("a ParseError shows file:line, the message and the hint, no stack", () => {
    const text = errorView(PARSE).toString();
    assert.equal(
      text,
      '✗ ParseError at pulls.csv:12: load is not a number: "<abc>"\n' +
        "  what to do: correct line 12 or delete it",
    );
    const html = errorView(PARSE).toHtml();
    assert.ok(html.includes("<code>pulls.csv:12</code>"));
    assert.ok(html.includes("correct line 12 or delete it"));
    assert.ok(html.includes("&lt;abc&gt;"));
    assert.ok(!html.includes("<abc>"));
    assert.ok(!/stack/i.test(html));
  });

  await t.step("a server error says where once, then what the service said", () => {
    const text = errorView(
      new ServerError("getComponent", 500, {
        "cern-itkpd-main/internalServerError": { type: "error", message: "boom" },
      }),
    ).toString();
    assert.match(
      text,
      /^✗ ServerError at getComponent \(HTTP 500\): the service answered with an error$/m,
    );
    assert.equal(text.match(/getComponent/g)?.length, 1);
    assert.match(text, /^ {2}boom$/m);
    assert.doesNotMatch(text, /internalServerError/);
  });

  await t.step("an InputError lists its problems once, each with its place", () => {
    const e = new InputError("the results are invalid", [
      { path: "w.csv:3", message: "load missing" },
      { path: "$.results.MEAN_LOAD", message: "not a number" },
    ], { hint: "fix the file" });
    const text = errorView(e, { title: "upload of 20UPGM22110001" }).toString();
    assert.equal(
      text,
      [
        "upload of 20UPGM22110001",
        "✗ InputError: the results are invalid",
        "  problems:",
        "    w.csv:3: load missing",
        "    $.results.MEAN_LOAD: not a number",
        "  what to do: fix the file",
      ].join("\n"),
    );
  });

  await t.step("an ApiValidationError lists missing and invalid keys", () => {
    const e = new ApiValidationError("uploadTestRunResults", 400, {
      "uu-app-validation/invalidDtoIn": {
        type: "error",
        paramMap: {
          missingKeyMap: { "$.component": {} },
          invalidValueKeyMap: { "$.results.MEAN_LOAD": { e: "not a number" } },
        },
      },
    });
    const text = errorView(e).toString();
    assert.ok(text.includes("    $.component: missing"));
    assert.ok(text.includes("    $.results.MEAN_LOAD: not a number"));
    assert.ok(text.includes("what to do: fix the listed keys and send again"));
    assert.ok(!STACK_LINE.test(text));
  });

  await t.step("no stack for toolkit errors, not even for their causes", () => {
    const e = new NetworkError("connection reset", {
      url: "https://itkpd.example/api",
      cause: new Error("ECONNRESET"),
    });
    const text = errorView(e).toString();
    assert.ok(text.startsWith("✗ NetworkError at https://itkpd.example/api: connection reset"));
    assert.ok(text.includes("caused by:\n    Error: ECONNRESET"));
    assert.ok(!STACK_LINE.test(text), text);
    assert.ok(!STACK_LINE.test(errorView(e).toHtml()));
  });

  await t.step("program faults keep their stack (folded away in HTML)", () => {
    const e = new TypeError("x is undefined");
    const text = errorView(e).toString();
    assert.ok(text.startsWith("✗ TypeError: x is undefined"));
    assert.ok(STACK_LINE.test(text));
    assert.ok(text.includes("fault of the program"));
    assert.ok(errorView(e).toHtml().includes("<details><summary>stack trace</summary>"));
  });

  await t.step("a list of failures: item, error, where, problem, what to do", () => {
    const view = failuresView([
      { item: "a.csv", error: PARSE },
      { item: "20UPGM22110002", error: new NetworkError("reset", { maybeSent: false }) },
      { item: "b.csv", error: new RangeError("bad index") },
    ]);
    assert.equal(view.title, "3 items failed");
    assert.deepEqual(view.rows[0], {
      item: "a.csv",
      error: "ParseError",
      where: "pulls.csv:12",
      problem: 'load is not a number: "<abc>"',
      "what to do": "correct line 12 or delete it",
    });
    assert.equal(view.rows[1]["what to do"], "check the connection and try again");
    const text = view.toString();
    assert.ok(text.startsWith("3 items failed\nitem "));
    assert.ok(!STACK_LINE.test(text));
    const html = view[$display]()["text/html"] as string;
    assert.match(html, /<td style="text-align:left[^"]*">pulls\.csv:12<\/td>/);
    assert.ok(html.includes("&lt;abc&gt;"));
  });
});

Deno.test("errors view: file names, values and server messages are shown escaped", () => {
  const e = new ParseError("evil\x1b[2J.csv", 3, "OPERATOR \u202eevil\u202c is bad", {
    problems: [{ path: "a\nb.csv:1", message: "label \x00" }],
    hint: "fix\r it",
  });
  const view = errorView(e, { title: "upload of \x9b31m" });
  for (const out of [view.toString(), view.toHtml()]) {
    const lines = out.split("\n");
    assert.ok(!lines.some((l) => hasRawControl(l, false)), JSON.stringify(out));
  }
  assert.match(view.toString(), /evil\\x1b\[2J\.csv:3/);
  assert.match(view.toString(), /a\\nb\.csv:1: label \\x00/);
  const failures = failuresView([{ item: "m\n.csv", error: e }]).toString();
  assert.ok(!failures.split("\n").some((l) => hasRawControl(l, false)), failures);
  assert.match(failures, /m\\n\.csv/);
});
