/**
 * Atomic outputs (lib/io/write_output.ts): a full disk and a read-only folder through the
 * file-system seam (no root needed), links replaced and never written through, no silent
 * overwrite.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { OutputError } from "../../lib/errors.ts";
import {
  denoOutputFs,
  type OutputFs,
  writeOutputFile,
  writeOutputFiles,
} from "../../lib/io/write_output.ts";

/** Deno's file system, except that a disk of `free` bytes fills up: writes beyond fail. */
function fullDiskFs(free: number): OutputFs {
  return {
    ...denoOutputFs,
    async writeNew(path, data) {
      // What a full disk does: part of the data lands, then ENOSPC.
      await Deno.writeFile(path, data.subarray(0, Math.min(free, data.length)), {
        createNew: true,
      });
      if (data.length > free) throw new Error("No space left on device (os error 28)");
    },
  };
}

/** Deno's file system on a folder mounted read-only: nothing can be created. */
const readOnlyFs: OutputFs = {
  ...denoOutputFs,
  writeNew: () => Promise.reject(new Error("Read-only file system (os error 30)")),
};

async function entries(dir: string): Promise<string[]> {
  const out: string[] = [];
  for await (const e of Deno.readDir(dir)) out.push(e.name);
  return out.sort();
}

Deno.test("writeOutputFile", async (t) => {
  const dir = await Deno.makeTempDir({ prefix: "itkpd_write_" });
  const good = '{\n  "runNumber": "1"\n}\n';
  const next = '{\n  "runNumber": "2", "results": {"X": 1}\n}\n';
  try {
    await t.step("created, then unchanged for the same content", async () => {
      const path = join(dir, "run.json");
      assert.equal(await writeOutputFile(path, good), "created");
      assert.equal(await writeOutputFile(path, good), "unchanged");
      assert.equal(await Deno.readTextFile(path), good);
      assert.deepEqual(await entries(dir), ["run.json"]);
    });
    await t.step("other content: refused, one line naming the path; --force replaces", async () => {
      const path = join(dir, "run.json");
      await assert.rejects(writeOutputFile(path, next), (e) => {
        assert.ok(e instanceof OutputError);
        assert.equal(e.path, path);
        assert.match(
          e.message,
          /^\/.*run\.json: already exists with other content; not overwritten/,
        );
        assert.match(e.message, /--force/);
        return true;
      });
      assert.equal(await Deno.readTextFile(path), good);
      assert.equal(await writeOutputFile(path, next, { overwrite: true }), "replaced");
      assert.equal(await Deno.readTextFile(path), next);
      await writeOutputFile(path, good, { overwrite: true });
    });
    await t.step(
      "a full disk: one line, the previous file intact, no temporary file left",
      async () => {
        const path = join(dir, "run.json");
        await assert.rejects(
          writeOutputFile(path, next + "x".repeat(10_000), {
            overwrite: true,
            fs: fullDiskFs(4096),
          }),
          (e) => {
            assert.ok(e instanceof OutputError);
            assert.match(
              e.message,
              /run\.json: cannot be written: the disk is full \(no space left\); the previous file is unchanged/,
            );
            return true;
          },
        );
        assert.equal(await Deno.readTextFile(path), good);
        assert.deepEqual(await entries(dir), ["run.json"]);
        // A new file on a full disk: nothing at all is left.
        await assert.rejects(
          writeOutputFile(join(dir, "new.json"), "y".repeat(10_000), { fs: fullDiskFs(100) }),
          /new\.json: cannot be written: the disk is full \(no space left\); nothing was written/,
        );
        assert.deepEqual(await entries(dir), ["run.json"]);
      },
    );
    await t.step("a read-only file system: one line, the previous file intact", async () => {
      const path = join(dir, "run.json");
      await assert.rejects(
        writeOutputFile(path, next, { overwrite: true, fs: readOnlyFs }),
        /run\.json: cannot be written: the file system is read-only; the previous file is unchanged/,
      );
      assert.equal(await Deno.readTextFile(path), good);
    });
    await t.step("a link is replaced by the file, its target never written through", async () => {
      const target = join(dir, "precious.json");
      await Deno.writeTextFile(target, "precious\n");
      const link = join(dir, "link.json");
      await Deno.symlink(target, link);
      await assert.rejects(writeOutputFile(link, next), /already exists \(a link\)/);
      assert.equal(await writeOutputFile(link, next, { overwrite: true }), "replaced");
      assert.equal(await Deno.readTextFile(target), "precious\n");
      assert.ok((await Deno.lstat(link)).isFile);
      assert.equal(await Deno.readTextFile(link), next);
    });
    await t.step("a folder in its place: refused", async () => {
      await Deno.mkdir(join(dir, "sub"));
      await assert.rejects(writeOutputFile(join(dir, "sub"), good), /sub: is a folder/);
    });
    await t.step("several outputs: all checked before any is written", async () => {
      const a = join(dir, "a.json");
      const b = join(dir, "b.svg");
      await Deno.writeTextFile(b, "<svg>old</svg>");
      await assert.rejects(
        writeOutputFiles([{ path: a, content: good }, { path: b, content: "<svg>new</svg>" }]),
        /b\.svg: already exists/,
      );
      await assert.rejects(Deno.stat(a), Deno.errors.NotFound);
      assert.deepEqual(
        await writeOutputFiles([{ path: a, content: good }, {
          path: b,
          content: "<svg>old</svg>",
        }]),
        ["created", "unchanged"],
      );
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
