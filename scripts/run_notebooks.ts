/**
 * `deno task notebooks`: runs the notebooks top to bottom in the real `deno jupyter` kernel
 * and writes the executed copies (with every output) to a folder.
 *
 * @module
 */
import { relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { defineCommand, runCommand } from "../lib/cli/command.ts";
import { userPath } from "../lib/cli/paths.ts";
import { UsageError } from "../lib/errors.ts";
import type { NotebookResult } from "./_notebook_runner.ts";

const ROOT = fileURLToPath(new URL("../", import.meta.url));

/** The command: its flags and help. */
export const COMMAND = defineCommand({
  name: "notebooks",
  usage: ["[--out DIR] [--timeout S] [NOTEBOOK...]"],
  positionals: true,
  description:
    `Runs Jupyter notebooks top to bottom in the Deno kernel, as a person would with "Run all", and
writes the executed copies (with every output) to DIR. Default: every notebooks/*.ipynb. The
committed notebooks stay as they are (without outputs).`,
  flags: {
    out: {
      type: "path",
      value: "DIR",
      help: "folder of the executed copies (default out/notebooks)",
    },
    timeout: { type: "number", min: 1, value: "S", help: "seconds allowed per cell (default 600)" },
  },
  epilog:
    `Needs /usr/bin/python3 with jupyter_client and nbformat (Debian/Ubuntu: python3-jupyter-client
python3-nbformat) and the Deno kernel (\`deno jupyter --install\`).
Exit status: 0 when every notebook ran without an error; 1 when any failed (the failing cell
and its error are listed); 2 on bad usage.`,
});

/** Where a path is shown: relative to the project when inside it. */
function shown(path: string): string {
  const rel = relative(ROOT, path);
  return rel.startsWith("..") ? path : rel;
}

function describe(r: NotebookResult): string[] {
  const head = `${r.status === "ok" ? "ok    " : "FAILED"}  ${shown(r.notebook)}  (${
    r.seconds.toFixed(1)
  } s)`;
  if (r.status === "ok" || !r.failure) return [head];
  const f = r.failure;
  const lines = [head, `        cell ${f.cell}: ${f.error}`];
  if (f.source) lines.push(`        > ${f.source.trim().slice(0, 100)}`);
  return lines;
}

if (import.meta.main) {
  runCommand(COMMAND, async ({ flags, positionals }) => {
    const { checkJupyter, notebooksIn, runNotebooks } = await import("./_notebook_runner.ts");
    const timeout = flags.timeout;
    const out = flags.out ?? resolve(ROOT, "out/notebooks");
    let notebooks: string[];
    if (positionals.length) {
      notebooks = positionals.map((p) => userPath(p));
      for (const [i, nb] of notebooks.entries()) {
        if (!nb.endsWith(".ipynb")) {
          throw new UsageError(`${positionals[i]} is not a notebook (.ipynb); see --help`);
        }
        try {
          if (!(await Deno.stat(nb)).isFile) throw new Deno.errors.NotFound();
        } catch (e) {
          if (!(e instanceof Deno.errors.NotFound)) throw e;
          throw new UsageError(`no such notebook: ${positionals[i]}`);
        }
      }
    } else {
      notebooks = await notebooksIn(resolve(ROOT, "notebooks"));
      if (notebooks.length === 0) throw new UsageError("no notebooks in notebooks/");
    }

    await checkJupyter();
    console.log(`running ${notebooks.length} notebook(s) in the Deno kernel → ${shown(out)}`);
    const started = performance.now();
    const result = await runNotebooks({
      notebooks,
      out,
      runner: resolve(ROOT, "scripts/_notebook_runner.py"),
      timeoutSeconds: timeout,
      onResult: (r) => console.log(describe(r).join("\n")),
    });
    const ok = result.results.length - result.failed.length;
    const secs = ((performance.now() - started) / 1000).toFixed(1);
    console.log(
      `summary: ${ok} ok, ${result.failed.length} failed in ${secs} s; executed copies in ${
        shown(out)
      }`,
    );
    if (result.failed.length) {
      // The details were printed as each notebook finished; here only which ones failed.
      for (const r of result.failed) console.error(describe(r)[0]);
      return 1;
    }
    return 0;
  });
}
