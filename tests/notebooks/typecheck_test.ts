/**
 * The notebooks' code type-checks: `deno check` does not read .ipynb files, so the code cells of
 * each notebook are joined (as the kernel runs them, in one module scope) into a .ts file in a
 * temporary folder, with their relative imports pointed at the repository, and checked.
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";

const ROOT = new URL("../../", import.meta.url);
const NOTEBOOKS = [...Deno.readDirSync(new URL("notebooks/", ROOT))]
  .filter((e) => e.name.endsWith(".ipynb"))
  .map((e) => e.name)
  .sort();

Deno.test("the notebooks' code type-checks", async (t) => {
  assert.ok(NOTEBOOKS.length >= 3, NOTEBOOKS.join(", "));
  const dir = await Deno.makeTempDir({ prefix: "itkpd-nbcheck-" });
  try {
    for (const name of NOTEBOOKS) {
      await t.step(name, async () => {
        const nb = JSON.parse(await Deno.readTextFile(new URL(`notebooks/${name}`, ROOT)));
        const code = (nb.cells as { cell_type: string; source: string | string[] }[])
          .filter((c) => c.cell_type === "code")
          .map((c) => (Array.isArray(c.source) ? c.source.join("") : c.source))
          .join("\n\n")
          .replace(/(["'])\.\.\/([^"']+)\1/g, (_, q, rel) => `${q}${new URL(rel, ROOT).href}${q}`);
        const file = `${dir}/${name.replace(/\.ipynb$/, ".ts")}`;
        await Deno.writeTextFile(file, code + "\n");
        const out = await new Deno.Command(Deno.execPath(), {
          args: ["check", "--config", fileURLToPath(new URL("deno.json", ROOT)), file],
          env: { NO_COLOR: "1", RUST_BACKTRACE: "0" },
          stdout: "piped",
          stderr: "piped",
        }).output();
        const text = new TextDecoder().decode(out.stderr);
        assert.equal(out.code, 0, text);
      });
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
