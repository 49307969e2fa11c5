/**
 * Tests of lib/install/install.ts: where the command goes, and that only a launcher is ever
 * replaced or removed there.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { binFolder, installCommand, onPath, uninstallCommand } from "../../lib/install/install.ts";
import { LAUNCHER_MARK } from "../../lib/install/launcher.ts";
import { InputError, UsageError } from "../../lib/errors.ts";

const ROOT = fileURLToPath(new URL("../../", import.meta.url)).replace(/\/$/, "");

Deno.test("binFolder and onPath", () => {
  assert.equal(binFolder({ HOME: "/home/ann" }), "/home/ann/.deno/bin");
  assert.equal(binFolder({ DENO_INSTALL_ROOT: "/opt/d", HOME: "/home/ann" }), "/opt/d/bin");
  assert.equal(binFolder({ USERPROFILE: "/u" }), "/u/.deno/bin");
  assert.throws(() => binFolder({}), UsageError);
  assert.ok(onPath("/opt/d/bin", "/usr/bin:/opt/d/bin/"));
  assert.ok(!onPath("/opt/d/bin", "/usr/bin:/opt/d"));
  assert.ok(!onPath("/opt/d/bin", undefined));
});

Deno.test("installCommand / uninstallCommand", async (t) => {
  const dir = await Deno.makeTempDir({ prefix: "itkpd-install-" });
  const bin = join(dir, "bin");
  const path = join(bin, "itkpd");
  const opts = { root: ROOT, deno: Deno.execPath(), bin, reinstall: "deno task install" };
  try {
    await t.step(
      "writes an executable launcher, newer than deno.json; again: unchanged",
      async () => {
        const first = await installCommand(opts);
        assert.equal(first.status, "created");
        assert.equal(first.path, path);
        const info = await Deno.stat(path);
        assert.equal(info.mode! & 0o777, 0o755);
        assert.ok(info.mtime! >= (await Deno.stat(join(ROOT, "deno.json"))).mtime!);
        assert.equal((await Deno.readTextFile(path)).split("\n")[1], LAUNCHER_MARK);
        assert.equal((await installCommand(opts)).status, "unchanged");
      },
    );
    await t.step("uninstall removes it; then there is nothing to remove", async () => {
      assert.equal(await uninstallCommand(bin), "removed");
      await assert.rejects(Deno.stat(path), Deno.errors.NotFound);
      assert.equal(await uninstallCommand(bin), "absent");
    });
    await t.step("another file named itkpd is never replaced nor removed", async () => {
      await Deno.writeTextFile(path, "#!/bin/sh\necho mine\n");
      await assert.rejects(installCommand(opts), InputError);
      await assert.rejects(uninstallCommand(bin), InputError);
      assert.equal(await Deno.readTextFile(path), "#!/bin/sh\necho mine\n");
    });
    await t.step("a clone without node_modules: one line, nothing written", async () => {
      const clone = join(dir, "clone");
      await Deno.mkdir(clone);
      await Deno.copyFile(join(ROOT, "deno.json"), join(clone, "deno.json"));
      const other = join(dir, "bin2");
      await assert.rejects(
        installCommand({ ...opts, root: clone, bin: other }),
        /node_modules is missing: run `deno install` there first/,
      );
      await assert.rejects(Deno.stat(other), Deno.errors.NotFound);
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
