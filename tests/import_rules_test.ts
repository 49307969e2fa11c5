/**
 * The direction of dependencies between the rooms of lib/, checked on every import (README,
 * "Layout"): scripts and notebooks → lib, never the other way; parsers and analysis import
 * nothing that does I/O; the sandbox and the client share only schemas/; display/ imports nothing
 * of the toolkit, and plots/ and progress/ never import notebook/, so that the notebook display
 * sits on top. A room that is not in the table fails the test: a new room says what it may import.
 *
 * @module
 */
import assert from "node:assert/strict";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
const LIB = join(ROOT, "lib");

/** Modules at the top of lib/ that every room may import (pure, no I/O): the shared base. */
const BASE = ["errors.ts", "escape.ts", "suggest.ts", "_pool.ts"];

/** What each room of lib/ may import of lib/, besides the shared base. */
const MAY_IMPORT: Record<string, readonly string[]> = {
  schemas: [],
  parsers: ["schemas"],
  analysis: ["parsers", "schemas"],
  io: [],
  display: [],
  plots: ["display", "io"],
  progress: ["display"],
  client: ["schemas"],
  upload: ["client", "schemas", "parsers", "analysis", "io", "plots"],
  batch: ["upload", "client", "schemas", "parsers", "analysis", "io", "plots", "progress"],
  register: ["client", "schemas", "parsers", "cli"],
  readback: ["client", "schemas", "analysis", "io"],
  sandbox: ["schemas", "fixtures", "cli", "io"],
  notebook: ["display", "plots", "progress"],
  cli: ["client", "schemas", "parsers", "analysis", "io"],
  install: ["io"],
  fixtures: ["parsers"],
  demo: [
    "batch",
    "upload",
    "client",
    "sandbox",
    "schemas",
    "parsers",
    "analysis",
    "fixtures",
    "plots",
    "progress",
  ],
  bench: [
    "batch",
    "upload",
    "client",
    "sandbox",
    "readback",
    // The parse benchmark reads the file as the product does (bounded, strictly decoded).
    "io",
    "schemas",
    "parsers",
    "analysis",
    "fixtures",
    "plots",
    "progress",
  ],
};

/** Rooms that do no I/O: their packages, and no `node:` module. */
const PURE: Record<string, readonly string[]> = {
  schemas: ["zod"],
  parsers: ["zod", "papaparse"],
  analysis: ["zod", "papaparse"],
  display: [],
};

/** Every import of a file: static, re-exports and dynamic `import("…")`, comments left out. */
function importsOf(text: string): string[] {
  const code = text.replace(/\/\*[\s\S]*?\*\//g, "").replace(/^\s*\/\/.*$/gm, "");
  const found: string[] = [];
  for (const m of code.matchAll(/\b(?:import|export)\s[^;'"]*?from\s*["']([^"']+)["']/g)) {
    found.push(m[1]);
  }
  for (const m of code.matchAll(/\bimport\s*["']([^"']+)["']/g)) found.push(m[1]);
  for (const m of code.matchAll(/\bimport\(\s*["']([^"']+)["']\s*\)/g)) found.push(m[1]);
  return found;
}

async function* tsFiles(dir: string): AsyncGenerator<string> {
  for await (const entry of Deno.readDir(dir)) {
    const path = join(dir, entry.name);
    if (entry.isDirectory) yield* tsFiles(path);
    else if (entry.name.endsWith(".ts")) yield path;
  }
}

/** The room of a path inside lib/ (`client`, or the file's name for the base modules). */
function roomOf(path: string): string {
  return relative(LIB, path).split("/")[0];
}

/** Every import of lib/ that breaks a rule, as `file: import (why)`. */
async function violations(): Promise<string[]> {
  const out: string[] = [];
  for await (const file of tsFiles(LIB)) {
    const from = roomOf(file);
    const where = relative(ROOT, file);
    const isBase = BASE.includes(from);
    if (!isBase && !(from in MAY_IMPORT)) {
      out.push(`${where}: the room ${from}/ is not in the table of this test`);
      continue;
    }
    for (const spec of importsOf(await Deno.readTextFile(file))) {
      if (!spec.startsWith(".")) {
        const pure = PURE[from];
        const name = spec.startsWith("npm:") ? spec.slice(4) : spec;
        if (pure && !pure.some((p) => name === p || name.startsWith(`${p}/`))) {
          out.push(`${where}: ${spec} (${from}/ does no I/O and uses only ${pure.join(", ")})`);
        }
        continue;
      }
      const target = join(dirname(file), spec);
      const rel = relative(LIB, target);
      if (rel.startsWith("..")) {
        out.push(`${where}: ${spec} (lib/ never imports scripts, tests or notebooks)`);
        continue;
      }
      const to = roomOf(target);
      if (to === from) continue;
      if (isBase) {
        if (!BASE.includes(to)) out.push(`${where}: ${spec} (the shared base imports only itself)`);
        continue;
      }
      if (BASE.includes(to) && from !== "display") continue;
      if (!(MAY_IMPORT[from] ?? []).includes(to)) {
        out.push(`${where}: ${spec} (${from}/ may not import ${to})`);
      }
    }
  }
  return out;
}

Deno.test("import rules: every import of lib/ follows the direction of the layout", async () => {
  assert.deepEqual(await violations(), []);
});

Deno.test("import rules: the rules themselves", async (t) => {
  await t.step("the sandbox and the client share only schemas/", () => {
    assert.ok(!MAY_IMPORT.sandbox.includes("client") && !MAY_IMPORT.client.includes("sandbox"));
  });
  await t.step("plots/ and progress/ never import notebook/; display/ nothing", () => {
    for (const room of ["plots", "progress", "display"]) {
      assert.ok(!MAY_IMPORT[room].includes("notebook"), room);
    }
    assert.deepEqual(MAY_IMPORT.display, []);
  });
  await t.step("parsers/ and analysis/ import nothing that does I/O", () => {
    for (const room of ["parsers", "analysis"]) {
      for (const to of MAY_IMPORT[room]) assert.ok(to in PURE, `${room} → ${to}`);
    }
  });
  await t.step("imports are found however they are written", () => {
    const text = [
      'import { a } from "../io/read_input.ts";',
      "import type {\n  B,\n} from '../client/mod.ts';",
      'export * from "./x.ts";',
      'const { c } = await import("../plots/_raster.ts");',
      '/** import { d } from "../notebook/mod.ts"; */',
      '// import { e } from "../batch/mod.ts";',
      'import "./side_effect.ts";',
    ].join("\n");
    assert.deepEqual(importsOf(text), [
      "../io/read_input.ts",
      "../client/mod.ts",
      "./x.ts",
      "./side_effect.ts",
      "../plots/_raster.ts",
    ]);
  });
});

Deno.test("import rules: scripts import lib/ and their own helpers, never the tests", async () => {
  const out: string[] = [];
  for await (const file of tsFiles(join(ROOT, "scripts"))) {
    for (const spec of importsOf(await Deno.readTextFile(file))) {
      if (!spec.startsWith(".")) continue;
      const rel = relative(ROOT, join(dirname(file), spec));
      if (!rel.startsWith("lib/") && !rel.startsWith("scripts/")) {
        out.push(`${relative(ROOT, file)}: ${spec}`);
      }
    }
  }
  assert.deepEqual(out, []);
});
