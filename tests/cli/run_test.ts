import assert from "node:assert/strict";
import { describeFailure, programName } from "../../lib/cli/mod.ts";
import { InputError, NetworkError, UsageError } from "../../lib/errors.ts";
import { rawControls } from "../_helpers/control_chars.ts";

Deno.test("describeFailure: what a user sees, and the exit code", async (t) => {
  await t.step("a missing permission: one line, exit 3, the task to use", () => {
    const e = new Deno.errors.NotCapable(
      'Requires net access to "127.0.0.1:4000", run again with the --allow-net flag',
    );
    const f = describeFailure(e, "upload-test-results");
    assert.equal(f.code, 3);
    assert.equal(f.text.split("\n").length, 1);
    // `deno task upload-test-results` under deno task, `itkpd upload-test-results` otherwise.
    assert.ok(
      f.text.startsWith(
        'error: permission missing: Requires net access to "127.0.0.1:4000". Run it as ' +
          `\`${programName("upload-test-results")}\`, whose flags grant exactly what it needs.`,
      ),
      f.text,
    );
  });
  await t.step("a host the task does not list: how to allow it", () => {
    const e = new Deno.errors.NotCapable('Requires net access to "db.example.org:443", run again');
    const f = describeFailure(e, "test-prototype");
    assert.equal(f.code, 3);
    assert.match(f.text, /--allow-net=db\.example\.org/);
  });
  await t.step("a module loaded on demand that may not be read: the same line, exit 3", () => {
    const e = new TypeError(
      'Requires read access to "/repo/lib/upload/wirebond.ts", run again with the --allow-read flag',
    );
    const f = describeFailure(e, "upload-wirebond-results");
    assert.equal(f.code, 3);
    assert.equal(f.text.split("\n").length, 1);
    assert.match(f.text, /^error: permission missing: Requires read access to "\/repo\/lib/);
    assert.equal(describeFailure(new TypeError("x is not a function"), "x").code, 70);
  });
  await t.step("a missing permission under another error (its cause) still says so", () => {
    const inner = new Deno.errors.NotCapable('Requires read access to "x.csv"');
    const f = describeFailure(new InputError("x.csv: cannot read", [], { cause: inner }), "demo");
    assert.equal(f.code, 3);
  });
  await t.step("file system mistakes: one line, exit 1, no stack", () => {
    for (
      const e of [
        new Deno.errors.IsADirectory("Is a directory (os error 21): open '/tmp'"),
        new Deno.errors.AlreadyExists("File exists (os error 17): mkdir 'a.json'"),
        new Deno.errors.PermissionDenied("Permission denied (os error 13): open '/root/x'"),
      ]
    ) {
      const f = describeFailure(e, "x");
      assert.equal(f.code, 1);
      assert.equal(f.text.split("\n").length, 1, f.text);
      assert.doesNotMatch(f.text, /permission missing/);
    }
  });
  await t.step("toolkit errors keep their exit code; bugs show their stack (exit 70)", () => {
    assert.equal(describeFailure(new UsageError("bad"), "x").code, 2);
    assert.equal(describeFailure(new NetworkError("down", { maybeSent: false }), "x").code, 1);
    const bug = describeFailure(new TypeError("oops"), "x");
    assert.equal(bug.code, 70);
    assert.match(bug.text, /internal error: TypeError: oops\n\s+at /);
  });
});

Deno.test("describeFailure: a full disk or a read-only file system is one line, exit 1", () => {
  for (
    const [e, says] of [
      [new Error("No space left on device (os error 28)"), /^error: the disk is full/],
      [
        new Error("Read-only file system (os error 30): open 'x'"),
        /^error: the file system is read-only/,
      ],
    ] as const
  ) {
    const f = describeFailure(e, "batch-upload");
    assert.equal(f.code, 1);
    assert.equal(f.text.split("\n").length, 1, f.text);
    assert.match(f.text, says);
  }
});

Deno.test("runMain escapes control characters of everything printed", async () => {
  const script = `
    import { runMain } from ${
    JSON.stringify(new URL("../../lib/cli/run.ts", import.meta.url).href)
  };
    import { InputError } from ${
    JSON.stringify(new URL("../../lib/errors.ts", import.meta.url).href)
  };
    runMain("x", async () => {
      console.log("out \\x1b]0;pwned\\x07 two\\nlines");
      console.error("err \\r\\u202e", { a: "\\x00" });
      throw new InputError("bad\\x1b[2J.csv: no", [{ path: "a\\nplan: 0", message: "m\\x9b" }]);
    });
  `;
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["eval", script],
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).output();
  const stdout = new TextDecoder().decode(out.stdout);
  const stderr = new TextDecoder().decode(out.stderr);
  assert.equal(out.code, 1);
  assert.equal(stdout, "out \\x1b]0;pwned\\x07 two\nlines\n");
  assert.deepEqual(rawControls(stderr), [], JSON.stringify(stderr));
  assert.match(stderr, /^err \\r\\u202e \{ a: '\\x00' \}\n/);
  assert.match(stderr, /^error: bad\\x1b\[2J\.csv: no\n {2}a\\nplan: 0: m\\x9b$/m);
  assert.doesNotMatch(stderr, /^plan: /m);
});
