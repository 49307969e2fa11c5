/**
 * What a step loads before it works: `--help` of every step loads the flag spec and nothing
 * heavy (no npm package, no client, parser or plot), and a local one-file wire-bond run (no
 * upload, no plot) loads neither the client (ky, jose), nor zod, nor the plots (vega). Checked
 * on the module-load trace of the real subprocess (`DENO_LOG=debug`), run with its task's
 * flags. The times themselves are measured by `deno task bench` (README, Performance).
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { generateDage } from "../../lib/fixtures/mod.ts";
import { SUBCOMMANDS } from "../../lib/install/tasks.ts";
import { loadedModules, loadedPackages } from "../_helpers/module_trace.ts";
import { runTask } from "../_helpers/task.ts";

const TRACE = { DENO_LOG: "debug" };

/** The toolkit's own modules among `modules`, relative to the repo (`lib/cli/flags.ts`). */
function own(modules: Set<string>): string[] {
  const root = new URL("../../", import.meta.url).href;
  return [...modules].filter((m) => m.startsWith(root) && !m.includes("/node_modules/"))
    .map((m) => m.slice(root.length)).sort();
}

/** Modules `--help` may load: the flag spec and the few light modules it names. */
const HELP_MAY_LOAD =
  /^(scripts\/\w+\.ts|lib\/cli\/\w+\.ts|lib\/(errors|escape|suggest)\.ts|lib\/parsers\/date\.ts|lib\/client\/(config|env)\.ts|lib\/io\/write_output\.ts|lib\/analysis\/(iv|iv_test_type|_fnv)\.ts|lib\/register\/escapes\.ts|lib\/fixtures\/(dage_generator|_prng|serials)\.ts|lib\/parsers\/units\.ts|lib\/schemas\/ranges\.ts|lib\/sandbox\/(main|cli)\.ts)$/;

Deno.test("--help of every step loads the flag spec only", async (t) => {
  for (const step of SUBCOMMANDS) {
    await t.step(step, async () => {
      const r = await runTask(step, ["--help"], { env: TRACE });
      assert.equal(r.code, 0, r.stderr.slice(-2000));
      const modules = loadedModules(r.stderr);
      assert.ok(own(modules).includes("lib/cli/flags.ts"), "the trace shows what is loaded");
      assert.deepEqual([...loadedPackages(modules)], [], step);
      const heavy = own(modules).filter((m) => !HELP_MAY_LOAD.test(m));
      assert.deepEqual(heavy, [], step);
    });
  }
});

Deno.test("a local one-file wire-bond run loads no client, no zod, no plots", async () => {
  const dir = await Deno.makeTempDir({ prefix: "itkpd-startup-" });
  try {
    await Deno.writeTextFile(join(dir, "m.csv"), generateDage({ index: 1 }).text);
    const r = await runTask("upload-wirebond-results", [
      "--input",
      "m.csv",
      "--component",
      "20UPGM20000001",
      "--institution",
      "SANDBOX_A",
      "--out",
      "m.json",
    ], { cwd: dir, env: TRACE });
    assert.equal(r.code, 0, r.stderr.slice(-2000));
    assert.ok((await Deno.stat(join(dir, "m.json"))).isFile);
    const modules = loadedModules(r.stderr);
    const files = own(modules);
    // What it does load: the parser (with papaparse for the odd line) and the analysis.
    assert.ok(files.includes("lib/upload/wirebond.ts"), files.join("\n"));
    assert.ok(files.includes("lib/analysis/wirepull.ts"));
    assert.deepEqual([...loadedPackages(modules)], ["papaparse@5.7.1"]);
    // Of the client, only its defaults (the --timeout default); none of the zod shapes.
    for (const f of files) {
      assert.doesNotMatch(
        f,
        /^lib\/client\/(?!(config|env)\.ts$)|^lib\/schemas\/(?!(ranges|serial_number|json_path|prototype|field_shape)\.ts$)/,
      );
    }
    assert.ok(!files.includes("lib/upload/upload_once.ts"));
    assert.ok(!files.includes("lib/analysis/break_mode_file.ts"));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
