/** Finding a batch's files (lib/batch/discover.ts): links followed, loops and twins skipped. */
import assert from "node:assert/strict";
import { join, relative } from "node:path";
import { discoverInputs, type SkippedEntry } from "../../lib/batch/discover.ts";
import { UsageError } from "../../lib/errors.ts";

Deno.test("discoverInputs follows links without loops and without taking a file twice", async () => {
  const root = await Deno.makeTempDir({ prefix: "itkpd_discover_" });
  const outside = await Deno.makeTempDir({ prefix: "itkpd_discover_out_" });
  try {
    const dir = join(root, "batch");
    await Deno.mkdir(join(dir, "sub"), { recursive: true });
    await Deno.writeTextFile(join(dir, "a.csv"), "a");
    await Deno.writeTextFile(join(dir, "sub", "b.csv"), "b");
    await Deno.writeTextFile(join(dir, ".itkpd-report.json"), "{}");
    // What the batch writes into its folder is never taken as input.
    await Deno.writeTextFile(join(dir, "batch-report-2026-11-29T19-54-49Z.json"), "{}");
    await Deno.writeTextFile(join(dir, "batch-unregistered-2026-11-29T19-54-49Z-2.json"), "[]");
    await Deno.writeTextFile(join(dir, "batch-report-mine.json"), "{}");
    await Deno.writeTextFile(join(outside, "c.csv"), "c");
    await Deno.mkdir(join(outside, "more"));
    await Deno.writeTextFile(join(outside, "more", "d.txt"), "d");
    // Links to a file and a folder elsewhere (followed), a loop, a second way to a file, a
    // link to nothing, and a FIFO named like an input (listed: the batch refuses it).
    await Deno.symlink(join(outside, "c.csv"), join(dir, "c-link.csv"));
    await Deno.symlink(join(outside, "more"), join(dir, "more-link"));
    await Deno.symlink(dir, join(dir, "sub", "loop"));
    await Deno.symlink(join(dir, "a.csv"), join(dir, "sub", "a-again.csv"));
    await Deno.symlink(join(root, "nowhere.csv"), join(dir, "broken.csv"));
    const fifo = await new Deno.Command("mkfifo", { args: [join(dir, "pipe.csv")] }).output();
    assert.equal(fifo.code, 0);

    const skipped: SkippedEntry[] = [];
    const files = await discoverInputs(dir, [], [], (s) => skipped.push(s));
    assert.deepEqual(files.map((f) => [f.display, f.kind]), [
      ["a.csv", "dage"],
      ["batch-report-mine.json", "testrun"],
      ["c-link.csv", "dage"],
      ["more-link/d.txt", "iv"],
      ["pipe.csv", "dage"],
      ["sub/b.csv", "dage"],
    ]);
    assert.deepEqual(skipped.map((s) => s.display), [
      "broken.csv",
      "sub/a-again.csv",
      "sub/loop",
    ]);
    assert.match(skipped[0].reason, /a link to nothing/);
    assert.match(skipped[1].reason, /the same file as a\.csv/);
    assert.match(skipped[2].reason, /a link to a folder already walked \(a loop/);

    // A file given with --file that the walk also finds (directly, or through a linked folder)
    // is taken once: the walk's real paths are the system's.
    const again: SkippedEntry[] = [];
    const both = await discoverInputs(
      dir,
      [join(dir, "sub", "b.csv"), join(outside, "more", "d.txt")],
      [],
      (s) => again.push(s),
    );
    assert.equal(both.length, files.length);
    assert.deepEqual(again.slice(3).map((s) => s.reason.replace(/ \(.*/, "")), [
      "the same file as sub/b.csv",
      "the same file as more-link/d.txt",
    ]);
  } finally {
    await Deno.remove(root, { recursive: true });
    await Deno.remove(outside, { recursive: true });
  }
});

Deno.test("discoverInputs: a file name with control characters is shown escaped", async () => {
  const dir = await Deno.makeTempDir({ prefix: "itkpd_discover_" });
  try {
    const name = "m\nplan: 99 to create\x1b[2J.csv";
    await Deno.writeTextFile(join(dir, name), "x");
    const [file] = await discoverInputs(dir);
    assert.equal(file.display, "m\\nplan: 99 to create\\x1b[2J.csv");
    assert.equal(file.path, join(dir, name));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("discoverInputs: --dir naming a file is a usage error", async () => {
  const dir = await Deno.makeTempDir({ prefix: "itkpd_discover_" });
  try {
    await Deno.writeTextFile(join(dir, "a.csv"), "a");
    await assert.rejects(
      discoverInputs(join(dir, "a.csv")),
      (e) => e instanceof UsageError && /a file, not a folder/.test(e.message),
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("discoverInputs: files in the order of their paths, shown relative to the folder", async () => {
  const root = await Deno.makeTempDir({ prefix: "itkpd_discover_order_" });
  try {
    const names = [
      "B.csv",
      "a.csv",
      "a b.csv",
      "a-b.csv",
      "a_b.csv",
      "10.csv",
      "9.csv",
      "\u00c4.csv",
      "z\u{1f600}.csv",
      "zz.csv",
      "sub/x.csv",
      "sub/A.csv",
      "sub-2/y.csv",
      "sub/deeper/w.csv",
    ];
    for (const n of names) {
      await Deno.mkdir(join(root, n, ".."), { recursive: true });
      await Deno.writeTextFile(join(root, n), "x");
    }
    const files = await discoverInputs(root);
    const paths = names.map((n) => join(root, n));
    // The order of `<` on the absolute paths, as the files have always been sorted.
    const expected = [...paths].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    assert.deepEqual(files.map((f) => f.path), expected);
    assert.deepEqual(files.map((f) => f.display), expected.map((p) => relative(root, p)));
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
