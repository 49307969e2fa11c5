/**
 * Tests of scripts/make_fixtures.ts: as a subprocess (files, --help, bad flags), and the
 * committed fixtures are exactly what it writes (generated, never hand-edited).
 */
import assert from "node:assert/strict";
import {
  DAGE_VARIATIONS,
  demoSerial,
  generateDageFile,
  variationsFor,
} from "../../lib/fixtures/mod.ts";
import { parseDageFile, parseIvFile } from "../../lib/upload/data_files.ts";
import { runTask } from "../_helpers/task.ts";

const SCRIPT = new URL("../../scripts/make_fixtures.ts", import.meta.url).pathname;

function run(args: string[]) {
  const out = new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-read", "--allow-write", SCRIPT, ...args],
    stdout: "piped",
    stderr: "piped",
  }).outputSync();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

Deno.test("scripts/make_fixtures.ts as a subprocess", async (t) => {
  const dir = await Deno.makeTempDir({ prefix: "itkpd_fixtures_" });
  try {
    await t.step("writes one file per module, named after its serial", async () => {
      const n = DAGE_VARIATIONS.length;
      const res = run([
        "--out",
        dir,
        "--modules",
        String(n),
        "--seed",
        "5",
        "--variations",
        "--iv",
      ]);
      assert.equal(res.code, 0, res.stderr);
      assert.match(res.stdout, new RegExp(`^wrote ${2 * n} files`));
      const names = [...Deno.readDirSync(dir)].map((e) => e.name).sort();
      assert.equal(names.length, 2 * n);
      assert.equal(names[0], "20UPGM20000001.csv");
      assert.equal(names[1], "20UPGM20000001_IV.txt");
      for (let i = 1; i <= n; i++) {
        const serial = demoSerial(i);
        const r = await parseDageFile(`${dir}/${serial}.csv`);
        assert.ok(r.tests.length >= 57, `${serial}: ${r.tests.length}`);
        const text = await Deno.readTextFile(`${dir}/${serial}.csv`);
        assert.equal(text, generateDageFile({ index: i, seed: 5, variations: variationsFor(i) }));
        const iv = await parseIvFile(`${dir}/${serial}_IV.txt`);
        assert.equal(iv.voltage.length, 51);
      }
      // the variations show up: some file has errors, some CRLF
      const all = await Promise.all(
        Array.from({ length: n }, (_, i) => parseDageFile(`${dir}/${demoSerial(i + 1)}.csv`)),
      );
      assert.ok(all.some((r) => r.errors.length > 0));
      assert.ok(all.some((r) => r.tests[0].loadRaw.unit === "mN"));
    });
    await t.step("--help", () => {
      const res = run(["--help"]);
      assert.equal(res.code, 0);
      assert.match(res.stdout, /^Usage: /);
      assert.match(res.stdout, /--variations/);
    });
    await t.step("bad flags: one clean line, exit code 2", () => {
      for (
        const [args, msg] of [
          [["--bogus"], /^error: unknown flag --bogus; see --help$/],
          [["--out", dir], /^error: --modules N is required; see --help$/],
          [
            ["--out", dir, "--modules", "x"],
            /^error: --modules must be an integer from 1 to 9999999, got 'x'; see --help$/,
          ],
          [["--out", dir, "--modules", "2", "--seed", "-1"], /^error: --seed must be an integer/],
          [["--modules", "2"], /^error: --out DIR is required; see --help$/],
        ] as const
      ) {
        const res = run([...args]);
        assert.equal(res.code, 2, res.stderr);
        assert.match(res.stderr.trim(), msg);
        assert.equal(res.stderr.trim().split("\n").length, 1, res.stderr);
        assert.doesNotMatch(res.stderr, /\bat /);
      }
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

const COMMITTED = new URL("../../fixtures/dage/", import.meta.url);

Deno.test("fixtures/dage is what make-fixtures writes", async () => {
  const dir = await Deno.makeTempDir({ prefix: "itkpd-fixtures-" });
  try {
    const r = await runTask("make-fixtures", [
      "--out",
      dir,
      "--modules",
      "12",
      "--seed",
      "1",
      "--variations",
      "--iv",
    ]);
    assert.equal(r.code, 0, r.stderr);
    const names = (dir: string | URL) => [...Deno.readDirSync(dir)].map((e) => e.name).sort();
    assert.deepEqual(names(COMMITTED), names(dir));
    for (const name of names(dir)) {
      const fresh = await Deno.readFile(`${dir}/${name}`);
      const committed = await Deno.readFile(new URL(name, COMMITTED));
      assert.ok(
        fresh.length === committed.length && fresh.every((b, i) => b === committed[i]),
        name,
      );
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
