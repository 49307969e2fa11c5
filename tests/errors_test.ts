/** Problem lists of lib/errors.ts: escaped, bounded, summarised. */
import assert from "node:assert/strict";
import {
  formatProblems,
  InputError,
  MAX_LISTED_PROBLEMS,
  ParseError,
  type Problem,
  summarizeProblems,
} from "../lib/errors.ts";

Deno.test("formatProblems", async (t) => {
  await t.step("a newline or ESC in a path or message cannot start a line of its own", () => {
    const text = formatProblems([
      { path: "a\nplan: 99 to create.csv", message: "bad\x1b[2J\rvalue" },
    ]);
    assert.equal(text, "  a\\nplan: 99 to create.csv: bad\\x1b[2J\\rvalue");
    assert.equal(text.split("\n").length, 1);
  });
  await t.step(`at most ${MAX_LISTED_PROBLEMS} lines, the rest counted`, () => {
    const many = Array.from({ length: 250 }, (_, i) => ({ path: `f:${i}`, message: "bad" }));
    const lines = formatProblems(many).split("\n");
    assert.equal(lines.length, MAX_LISTED_PROBLEMS + 1);
    assert.equal(lines.at(-1), "  … and 150 more problems");
    // All problems stay in the error.
    assert.equal(new InputError("x", many).problems.length, 250);
  });
  await t.step("a ParseError may carry its problems", () => {
    const e = new ParseError("a.csv", 3, "no valid TEST line", {
      problems: [{ path: "a.csv:3", message: "bad load" }],
    });
    assert.deepEqual(e.problems, [{ path: "a.csv:3", message: "bad load" }]);
    assert.match(e.message, /^a\.csv:3: no valid TEST line\n {2}a\.csv:3: bad load$/);
  });
});

Deno.test("summarizeProblems", async (t) => {
  const bare = (n: number): Problem[] =>
    Array.from({ length: n }, (_, i) => ({
      path: `$.results.PULL_STRENGTH_DATA[${i}]`,
      message: `expected a list [strength, break mode, location], got the number ${i * 1.5}`,
    }));
  await t.step("many elements of one kind: one problem with the count and the first place", () => {
    const out = summarizeProblems(bare(30_000));
    assert.equal(out.length, 1);
    assert.deepEqual(out[0], {
      path: "$.results.PULL_STRENGTH_DATA[*]",
      message: "30,000 elements: expected a list [strength, break mode, location], " +
        "got a number; first at $.results.PULL_STRENGTH_DATA[0]",
    });
  });
  await t.step("a few are kept as they are; different kinds stay apart, in order", () => {
    assert.deepEqual(summarizeProblems(bare(3)), bare(3));
    const mixed = [
      ...bare(5),
      { path: "$.results.X[0]", message: 'expected a number, got the text "a"' },
      {
        path: "$.results.PULL_STRENGTH_DATA[9]",
        message: 'expected a list [strength, break mode, location], got the text "s"',
      },
    ];
    const out = summarizeProblems(mixed);
    assert.equal(out.length, 3);
    assert.match(out[0].message, /^5 elements:/);
    assert.equal(out[1].path, "$.results.X[0]");
  });
  await t.step("linear: 10 times the problems, about 10 times the time (not 100)", () => {
    const time = (n: number) => {
      const list = bare(n);
      const t0 = performance.now();
      for (let k = 0; k < 3; k++) summarizeProblems(list);
      return performance.now() - t0;
    };
    time(10_000); // warm up
    const small = time(10_000);
    const large = time(100_000);
    assert.ok(large < small * 40, `10k: ${small.toFixed(1)} ms, 100k: ${large.toFixed(1)} ms`);
  });
});

Deno.test("the module doc names every class of the hierarchy, and where it lives", async () => {
  const root = new URL("../", import.meta.url);
  const extendsOf = new Map<string, { base: string; file: string }>();
  for (const folder of ["lib", "scripts"]) {
    for await (const file of tsFiles(new URL(`${folder}/`, root))) {
      const text = await Deno.readTextFile(file);
      const relative = file.pathname.slice(root.pathname.length);
      for (const m of text.matchAll(/^export class (\w+) extends (\w+)/gm)) {
        extendsOf.set(m[1], { base: m[2], file: relative });
      }
    }
  }
  const inHierarchy = (name: string): boolean => {
    for (let n: string | undefined = name, depth = 0; n && depth < 10; depth++) {
      if (n === "ItkpdError") return true;
      n = extendsOf.get(n)?.base;
    }
    return false;
  };
  const doc = (await Deno.readTextFile(new URL("lib/errors.ts", root))).split("@module")[0];
  const tree = doc.slice(doc.indexOf("```"), doc.lastIndexOf("```"));
  const classes = [...extendsOf.keys()].filter(inHierarchy);
  assert.ok(classes.length >= 18, classes.join(", "));
  for (const name of classes) {
    const { file } = extendsOf.get(name)!;
    const at = tree.search(new RegExp(`[─ ]${name}\\b`));
    assert.ok(at >= 0, `${name} (${file}) is not in the module doc of lib/errors.ts`);
    if (file === "lib/errors.ts") continue;
    // The place is said on the class's line or the next one: [room/file.ts].
    const lines = tree.slice(at).split("\n").slice(0, 2).join("\n");
    const place = file.replace(/^lib\//, "");
    assert.ok(lines.includes(`[${place}`), `${name}: the doc should say [${place}]`);
  }
});

async function* tsFiles(dir: URL): AsyncGenerator<URL> {
  for await (const entry of Deno.readDir(dir)) {
    const url = new URL(entry.name + (entry.isDirectory ? "/" : ""), dir);
    if (entry.isDirectory) yield* tsFiles(url);
    else if (entry.name.endsWith(".ts")) yield url;
  }
}
