/** Tests of lib/upload/data_files.ts: data files read from disk, then parsed. */
import assert from "node:assert/strict";
import { pathToFileURL } from "node:url";
import { InputError } from "../../lib/errors.ts";
import { generateDage, generateIv } from "../../lib/fixtures/mod.ts";
import { loadBreakModeMapping, parseDageFile, parseIvFile } from "../../lib/upload/data_files.ts";

Deno.test("data files", async (t) => {
  // A folder whose name needs percent-encoding in a file: URL.
  const dir = await Deno.makeTempDir({ prefix: "itkpd data files #1 " });
  try {
    const dage = `${dir}/20UPGM20000001 run.csv`;
    await Deno.writeTextFile(dage, generateDage({ index: 1, pulls: 6 }).text);
    await Deno.writeTextFile(`${dir}/iv.txt`, generateIv({ index: 1 }));
    await Deno.writeTextFile(`${dir}/map.json`, '{"gradeCodes": {"1": 0, "2": 1}, "site": "LAB"}');

    await t.step("a file: URL is the file's path, in reads and in messages", async () => {
      const r = await parseDageFile(pathToFileURL(dage));
      assert.equal(r.tests.length, 6);
      assert.equal(r.file, dage);
    });
    await t.step("an IV table and a mapping", async () => {
      assert.ok((await parseIvFile(`${dir}/iv.txt`)).voltage.length > 0);
      const mapping = await loadBreakModeMapping(`${dir}/map.json`);
      assert.deepEqual(mapping.gradeCodes, { "1": 0, "2": 1 });
      assert.equal(mapping.source, `${dir}/map.json`);
    });
    await t.step("a file that cannot be read: an InputError naming it", async () => {
      await assert.rejects(loadBreakModeMapping(`${dir}/none.json`), (e: unknown) => {
        assert.ok(e instanceof InputError);
        assert.match(e.message, /none\.json: cannot read the break-mode mapping/);
        return true;
      });
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
