/**
 * Running notebooks top to bottom in the real `deno jupyter` kernel, as `deno task notebooks`
 * does: a Python helper (`scripts/_notebook_runner.py`, jupyter_client) starts the kernel, runs
 * every code cell, keeps every output and writes the executed copies; this module checks that
 * Python and Jupyter are there, starts the helper, reads its one-JSON-line-per-notebook
 * progress, and finds the failing cell of a failed notebook. Tooling of `scripts/run_notebooks.ts`
 * (and of the notebook tests), not part of the library.
 *
 * @example
 * ```ts ignore
 * import { runNotebooks } from "./_notebook_runner.ts";
 * const result = await runNotebooks({
 *   notebooks: ["notebooks/01_getting_started.ipynb"],
 *   out: "out/notebooks",
 *   runner: "scripts/_notebook_runner.py",
 *   onResult: (r) => console.log(r.status, r.notebook),
 * });
 * console.log(result.failed.length === 0 ? "all ran" : "some failed");
 * ```
 *
 * @module
 */
import { basename } from "node:path";
import { ItkpdError } from "../lib/errors.ts";

/** The Python that runs the notebooks (the task may run only this one). */
const NOTEBOOK_PYTHON = "/usr/bin/python3";

/** What to install when Jupyter is missing. */
const JUPYTER_INSTALL_HINT =
  "install python3-jupyter-client python3-nbformat, then `deno jupyter --install`";

/**
 * Python, jupyter_client / nbformat or the Deno kernelspec is missing. The message is one line
 * that says what to install.
 */
export class NotebookSetupError extends ItkpdError {
  constructor(message: string) {
    super(message);
    this.name = "NotebookSetupError";
  }
}

/** The outcome of one notebook. */
export interface NotebookResult {
  /** The notebook as given. */
  notebook: string;
  /** The executed copy. */
  executed: string;
  status: "ok" | "FAILED";
  seconds: number;
  /** For a failed notebook: the failing cell (1-based among all cells) and its error. */
  failure?: CellFailure;
}

/** Where a notebook failed. */
export interface CellFailure {
  /** 1-based index among all cells (markdown too), as a notebook editor counts them. */
  cell: number;
  /** `Name: message`. */
  error: string;
  /** The first line of the cell's source, to find it. */
  source?: string;
}

/** Options of {@link runNotebooks}. */
export interface RunNotebooksOptions {
  /** Notebook files, run in this order. */
  notebooks: string[];
  /** Folder of the executed copies (created). */
  out: string;
  /** The Python helper script. */
  runner: string;
  /** Seconds allowed per cell (the helper's default when absent). */
  timeoutSeconds?: number;
  /** The Python interpreter (default {@link NOTEBOOK_PYTHON}). */
  python?: string;
  /** Called when a notebook starts (the helper runs them in order). */
  onStart?: (notebook: string) => void;
  /** Called as each notebook finishes. */
  onResult?: (result: NotebookResult) => void;
}

/** What {@link runNotebooks} found. */
export interface RunNotebooksResult {
  results: NotebookResult[];
  failed: NotebookResult[];
  /** The helper's exit code (0: every notebook ran cleanly). */
  code: number;
}

/**
 * Checks that `python` exists and has jupyter_client and nbformat, and that the Deno kernel is
 * installed. Throws {@link NotebookSetupError} with one line saying what to install.
 */
export async function checkJupyter(python = NOTEBOOK_PYTHON): Promise<void> {
  try {
    await Deno.stat(python);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) {
      throw new NotebookSetupError(`${python} not found: ${JUPYTER_INSTALL_HINT}`);
    }
    throw e;
  }
  const probe = [
    "import sys",
    "try:",
    "    import nbformat",
    "    from jupyter_client.kernelspec import find_kernel_specs",
    "except ImportError:",
    "    sys.exit(10)",
    "sys.exit(0 if 'deno' in find_kernel_specs() else 11)",
  ].join("\n");
  const out = await new Deno.Command(python, {
    args: ["-c", probe],
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).output();
  if (out.code === 10) {
    throw new NotebookSetupError(
      `jupyter_client or nbformat is missing for ${python}: ${JUPYTER_INSTALL_HINT}`,
    );
  }
  if (out.code === 11) {
    throw new NotebookSetupError(
      "the Deno Jupyter kernel is not installed: run `deno jupyter --install`",
    );
  }
  if (out.code !== 0) {
    const first = new TextDecoder().decode(out.stderr).trim().split("\n").pop() ?? "";
    throw new NotebookSetupError(
      `${python} cannot check Jupyter (${first}): ${JUPYTER_INSTALL_HINT}`,
    );
  }
}

/**
 * Runs the notebooks through the Python helper; reports each as it finishes. Never throws for
 * a failing notebook (it is in `failed`); throws {@link NotebookSetupError} when the helper
 * itself breaks (a Python traceback, not a notebook's error).
 */
export async function runNotebooks(opts: RunNotebooksOptions): Promise<RunNotebooksResult> {
  const python = opts.python ?? NOTEBOOK_PYTHON;
  const args = [opts.runner, "--out", opts.out];
  if (opts.timeoutSeconds !== undefined) args.push("--timeout", String(opts.timeoutSeconds));
  args.push(...opts.notebooks);
  const child = new Deno.Command(python, {
    args,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const stderrText = new Response(child.stderr).text();
  const results: NotebookResult[] = [];
  let next = 0;
  if (opts.notebooks.length) opts.onStart?.(opts.notebooks[0]);
  for await (const line of lines(child.stdout)) {
    const parsed = parseResultLine(line);
    if (!parsed) continue;
    if (parsed.status === "FAILED") parsed.failure = await findFailure(parsed.executed);
    results.push(parsed);
    opts.onResult?.(parsed);
    next++;
    if (next < opts.notebooks.length) opts.onStart?.(opts.notebooks[next]);
  }
  const { code } = await child.status;
  const stderr = await stderrText;
  if (code !== 0 && code !== 1) {
    const tail = stderr.trim().split("\n").filter((l) => !/^Warning "deno jupyter"/.test(l));
    throw new NotebookSetupError(
      `the notebook runner stopped (exit ${code}): ${tail.at(-1) ?? "no message"}`,
    );
  }
  // A notebook the helper did not report (it crashed on it) counts as failed.
  for (const nb of opts.notebooks.slice(results.length)) {
    const r: NotebookResult = {
      notebook: nb,
      executed: "",
      status: "FAILED",
      seconds: 0,
      failure: { cell: 0, error: "not run: the runner stopped before it" },
    };
    results.push(r);
    opts.onResult?.(r);
  }
  for (const r of results) {
    if (r.status === "FAILED" && !r.failure) {
      const said = failureLines(stderr).find((f) => f.notebook === r.notebook);
      if (said) r.failure = { cell: said.cell, error: said.error };
    }
  }
  return { results, failed: results.filter((r) => r.status !== "ok"), code };
}

/** One JSON progress line of the helper, or undefined for any other line. */
export function parseResultLine(line: string): NotebookResult | undefined {
  if (!line.startsWith("{")) return undefined;
  try {
    const v = JSON.parse(line) as Partial<NotebookResult>;
    if (typeof v.notebook !== "string" || typeof v.executed !== "string") return undefined;
    return {
      notebook: v.notebook,
      executed: v.executed,
      status: v.status === "ok" ? "ok" : "FAILED",
      seconds: typeof v.seconds === "number" ? v.seconds : 0,
    };
  } catch {
    return undefined;
  }
}

/** The helper's failure lines on stderr: `<notebook>: cell <n>: <error>`. */
export function failureLines(
  stderr: string,
): { notebook: string; cell: number; error: string }[] {
  const out = [];
  for (const line of stderr.split("\n")) {
    const m = /^(.*\.ipynb): cell (\d+): (.*)$/.exec(line.trim());
    if (m) out.push({ notebook: m[1], cell: Number(m[2]), error: m[3] });
  }
  return out;
}

interface NbOutput {
  output_type: string;
  ename?: string;
  evalue?: string;
  text?: string | string[];
}
interface NbCell {
  cell_type: string;
  source: string | string[];
  outputs?: NbOutput[];
  execution_count?: number | null;
}

/**
 * The failing cell of an executed notebook: the first cell with an error output, else the last
 * cell that ran (a cell that timed out has no error output).
 */
async function findFailure(executed: string): Promise<CellFailure | undefined> {
  let cells: NbCell[];
  try {
    cells = (JSON.parse(await Deno.readTextFile(executed)) as { cells: NbCell[] }).cells;
  } catch {
    return undefined;
  }
  const text = (s: string | string[] | undefined) => Array.isArray(s) ? s.join("") : s ?? "";
  const firstLine = (c: NbCell) => text(c.source).split("\n").find((l) => l.trim() !== "");
  for (const [i, cell] of cells.entries()) {
    const err = cell.outputs?.find((o) => o.output_type === "error");
    if (err) {
      return {
        cell: i + 1,
        error: `${err.ename ?? "Error"}: ${oneLine(err.evalue ?? "")}`,
        source: firstLine(cell),
      };
    }
  }
  let last = -1;
  cells.forEach((c, i) => {
    if (c.cell_type === "code" && c.execution_count != null) last = i;
  });
  if (last < 0) return undefined;
  return { cell: last + 1, error: "did not finish", source: firstLine(cells[last]) };
}

/** The notebooks of a folder (`*.ipynb`, sorted by name). */
export async function notebooksIn(dir: string): Promise<string[]> {
  const out: string[] = [];
  for await (const e of Deno.readDir(dir)) {
    if (e.isFile && e.name.endsWith(".ipynb")) out.push(`${dir.replace(/\/$/, "")}/${e.name}`);
  }
  return out.sort((a, b) => basename(a) < basename(b) ? -1 : basename(a) > basename(b) ? 1 : 0);
}

function oneLine(s: string): string {
  return s.replace(/\s*\n\s*/g, " ").trim();
}

async function* lines(stream: ReadableStream<Uint8Array>): AsyncGenerator<string> {
  let buffer = "";
  for await (const chunk of stream.pipeThrough(new TextDecoderStream())) {
    buffer += chunk;
    let i;
    while ((i = buffer.indexOf("\n")) >= 0) {
      yield buffer.slice(0, i).replace(/\r$/, "");
      buffer = buffer.slice(i + 1);
    }
  }
  if (buffer) yield buffer;
}
