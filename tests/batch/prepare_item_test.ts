/**
 * Preparing one file of a batch (lib/batch/prepare_item.ts): whatever a file holds, it is one valid
 * or invalid item, and its problems are short.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { DEFAULT_BREAK_MODE_MAPPING } from "../../lib/analysis/mod.ts";
import type { BatchInputFile } from "../../lib/batch/discover.ts";
import { kindOfName } from "../../lib/batch/discover.ts";
import { parseManifest } from "../../lib/batch/manifest.ts";
import { type PrepareContext, prepareFile } from "../../lib/batch/prepare_item.ts";
import { generateDage } from "../../lib/fixtures/mod.ts";
import type { TestType } from "../../lib/schemas/mod.ts";
import { moduleTestType } from "../upload/_catalogue.ts";

const testTypes = new Map<string, TestType>(
  ["WIREBOND_PULL_TEST", "WIREBOND", "IV_MEASURE"].map((c) => [c, moduleTestType(c)]),
);

Deno.test("prepareFile", async (t) => {
  const dir = await Deno.makeTempDir({ prefix: "itkpd_prepare_" });
  const ctx: PrepareContext = {
    testTypes,
    mapping: DEFAULT_BREAK_MODE_MAPPING,
    institution: "SANDBOX_A",
  };
  const file = (name: string): BatchInputFile => ({
    path: join(dir, name),
    display: name,
    kind: kindOfName(name)!,
  });
  const write = (name: string, text: string | Uint8Array) =>
    typeof text === "string"
      ? Deno.writeTextFile(join(dir, name), text)
      : Deno.writeFile(join(dir, name), text);
  const problemsOf = async (name: string, c: PrepareContext = ctx) => {
    const item = await prepareFile(file(name), c);
    assert.ok(!item.ok, `${name} was prepared`);
    return item.problems;
  };
  try {
    await t.step(
      "the file's serial against the manifest and the name: a mismatch is invalid",
      async () => {
        const g = generateDage({ index: 11, pulls: 6 });
        await write("20UPGM20000011.csv", g.text);
        await write("20UPGM20000013.csv", g.text);
        assert.ok((await prepareFile(file("20UPGM20000011.csv"), ctx)).ok);
        const byName = await problemsOf("20UPGM20000013.csv");
        assert.match(
          byName[0].message,
          /the file says it is 20UPGM20000011, its name says 20UPGM20000013/,
        );
        const manifest = parseManifest(
          `file,component\n20UPGM20000011.csv,20UPGM20000012\n`,
          join(dir, "m.csv"),
        );
        const byManifest = await problemsOf("20UPGM20000011.csv", { ...ctx, manifest });
        assert.equal(byManifest[0].path, "20UPGM20000011.csv:9");
        assert.match(byManifest[0].message, /the manifest \(.*m\.csv:2\) says 20UPGM20000012/);
      },
    );
    await t.step(
      "a DATE that is not real: invalid with file:line; a manifest date fixes it",
      async () => {
        const g = generateDage({ index: 12, pulls: 4 }).text.replace(
          /"DATE","[^"]*"/g,
          '"DATE","02/31/2018"',
        );
        await write("20UPGM20000012.csv", g);
        const problems = await problemsOf("20UPGM20000012.csv");
        assert.equal(problems[0].path, "20UPGM20000012.csv:3");
        assert.match(problems[0].message, /DATE "02\/31\/2018" is not a real date/);
        // A date in the manifest is the run's date; the file's DATE is then not used.
        const manifest = parseManifest(
          "file,component,date\n20UPGM20000012.csv,20UPGM20000012,2018-03-01T09:30\n",
          join(dir, "m.csv"),
        );
        const item = await prepareFile(file("20UPGM20000012.csv"), { ...ctx, manifest });
        assert.ok(item.ok);
        assert.equal(item.dtoIn.date, "2018-03-01T09:30:00.000Z");
        assert.match(item.dtoIn.runNumber, /^20180301-093000-/);
        assert.match(item.warnings[0].message, /not used: the manifest gives the date/);
      },
    );
    await t.step("light: the run's identity in dtoIn, the whole run as JSON text", async () => {
      await write("20UPGM20000014.csv", generateDage({ index: 14, pulls: 5 }).text);
      const full = await prepareFile(file("20UPGM20000014.csv"), ctx);
      const light = await prepareFile(file("20UPGM20000014.csv"), ctx, { light: true });
      assert.ok(full.ok && light.ok);
      assert.equal(light.light, true);
      assert.equal(full.light, undefined);
      assert.equal(light.key, full.key);
      assert.deepEqual(light.dtoIn, { ...full.dtoIn, properties: {}, results: {} });
      assert.equal(light.text, full.text);
      assert.deepEqual(JSON.parse(light.text!), full.dtoIn);
      assert.equal((full.dtoIn.results.PULL_STRENGTH_DATA as unknown[]).length, 5);
    });
    await t.step("a JSON nested 10,000 levels: one problem, no stack overflow", async () => {
      await write("deep.json", '{"results": ' + "[".repeat(10_000) + "]".repeat(10_000) + "}");
      const problems = await problemsOf("deep.json");
      assert.equal(problems.length, 1);
      assert.match(problems[0].message, /nested deeper than 64 levels/);
    });
    await t.step("a key given twice and a control character: by path", async () => {
      await write(
        "dup.json",
        '{"component": "20UPGM20000001", "testType": "IV_MEASURE", "runNumber": "1\\u001b",' +
          ' "passed": true, "results": {"VOLTAGE": [1], "VOLTAGE": [2]}}',
      );
      assert.deepEqual((await problemsOf("dup.json")).map((p) => p.path), [
        "dup.json $.runNumber",
        "dup.json $.results.VOLTAGE",
      ]);
    });
    const bare = (n: number) =>
      JSON.stringify({
        component: "20UPGM20000001",
        testType: "WIREBOND_PULL_TEST",
        runNumber: "1",
        passed: true,
        problems: false,
        results: { PULL_STRENGTH_DATA: Array.from({ length: n }, (_, i) => i % 40) },
      });
    await t.step("100,000 bad elements: linear, and one summarised problem", async () => {
      await write("small.json", bare(10_000));
      await write("large.json", bare(100_000));
      const time = async (name: string) => {
        const t0 = performance.now();
        const problems = await problemsOf(name);
        return { ms: performance.now() - t0, problems };
      };
      await time("small.json"); // warm up
      const small = await time("small.json");
      const large = await time("large.json");
      assert.ok(
        large.ms < small.ms * 40,
        `10k: ${small.ms.toFixed(0)} ms, 100k: ${large.ms.toFixed(0)} ms`,
      );
      const summary = large.problems.find((p) => p.message.startsWith("100,000 elements: "));
      assert.ok(summary, JSON.stringify(large.problems.slice(0, 3)));
      assert.match(summary.message, /first at \$\.results\.PULL_STRENGTH_DATA\[0\]$/);
      assert.ok(large.problems.length < 20);
    });
    await t.step(
      "values out of their physical range in a test-run JSON: invalid, by path",
      async () => {
        await write(
          "range.json",
          JSON.stringify({
            component: "20UPGM20000001",
            testType: "IV_MEASURE",
            runNumber: "r",
            passed: true,
            problems: false,
            results: { VOLTAGE: [-20_000, 0], CURRENT: [0.1, 5e6] },
          }),
        );
        assert.deepEqual((await problemsOf("range.json")).map((p) => [p.path, p.message]), [
          ["range.json $.results.VOLTAGE[0]", "-20000 is outside -10000 … 10000 V"],
          ["range.json $.results.CURRENT[1]", "5000000 is outside -1000000 … 1000000 uA"],
        ]);
      },
    );
    await t.step(
      "a fault while preparing one file is that item's problem, not the batch's",
      async () => {
        const broken = new Map(testTypes);
        broken.set(
          "IV_MEASURE",
          { ...moduleTestType("IV_MEASURE"), parameters: 7 } as unknown as TestType,
        );
        await write("20UPGM20000001_IV.txt", "U[V] I[uA]\n0 -0.1\n-2 -0.2\n");
        const problems = await problemsOf("20UPGM20000001_IV.txt", { ...ctx, testTypes: broken });
        assert.equal(problems.length, 1);
        assert.match(problems[0].message, /^not prepared: internal error: /);
      },
    );
    await t.step("an unedited prototype (defaults only): invalid unless allowed", async () => {
      await write(
        "proto.json",
        JSON.stringify({
          component: "20UPGM20000001",
          testType: "IV_MEASURE",
          institution: "SANDBOX_A",
          runNumber: "0-0",
          passed: false,
          problems: false,
          properties: {},
          results: { VOLTAGE: [0.0], CURRENT: [0.0], SIGMA_CURRENT: [0.0] },
        }),
      );
      const problems = await problemsOf("proto.json");
      assert.equal(problems.length, 1);
      assert.match(problems[0].message, /still the prototype's default/);
      assert.ok((await prepareFile(file("proto.json"), { ...ctx, allowDefaultValues: true })).ok);
    });
    await t.step(
      "not a regular file, too large, not UTF-8: one invalid item each, at once",
      async () => {
        await new Deno.Command("mkfifo", { args: [join(dir, "pipe.csv")] }).output();
        const big = await Deno.open(join(dir, "big.csv"), { write: true, create: true });
        await big.truncate(210 * 1024 * 1024);
        big.close();
        await write(
          "latin1.csv",
          new Uint8Array([0x22, 0x4f, 0x50, 0x22, 0x2c, 0x22, 0xe9, 0x22, 0x0a]),
        );
        assert.match((await problemsOf("pipe.csv"))[0].message, /it is a FIFO/);
        assert.match((await problemsOf("big.csv"))[0].message, /it is 210 MiB, above the limit/);
        const [latin] = await problemsOf("latin1.csv");
        assert.equal(latin.path, "latin1.csv:1");
        assert.match(latin.message, /^not valid UTF-8 at line 1, byte 7 \(byte 0xe9\)/);
      },
    );
    await t.step("a UTF-16 export with a byte-order mark is read", async () => {
      const text = generateDage({ index: 14, pulls: 3 }).text;
      const bytes = new Uint8Array(2 + text.length * 2);
      bytes[0] = 0xff;
      bytes[1] = 0xfe;
      for (let i = 0; i < text.length; i++) bytes[2 + 2 * i] = text.charCodeAt(i);
      await write("20UPGM20000014.csv", bytes);
      const item = await prepareFile(file("20UPGM20000014.csv"), ctx);
      assert.ok(item.ok, JSON.stringify(!item.ok && item.problems));
      assert.equal(item.summary.pulls, 3);
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
