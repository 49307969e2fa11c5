/**
 * test-prototype as a real subprocess with its task's flags, against a sandbox.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { runTask, withoutFlag } from "../_helpers/task.ts";
import { startSandbox } from "../../lib/sandbox/mod.ts";
import { ItkpdClient } from "../../lib/client/mod.ts";
import { valuesOf } from "../../lib/schemas/mod.ts";
import { assertOneLine } from "../_helpers/assertions.ts";

/**
 * Fills a prototype's text as a user does, keeping every value's shape: `0.0` → `8.5`, `0` →
 * `1`, `"some_string"` → `"filled"` (component, institution and run number are set after).
 */
function fillAsShown(text: string): Record<string, unknown> {
  const filled = text.replaceAll("0.0", "8.5").replace(/(?<=[\s[:])0(?=[,\n\]])/g, "1")
    .replaceAll('"some_string"', '"filled"');
  return JSON.parse(filled);
}

const TASK = "test-prototype";

Deno.test("test-prototype", async (t) => {
  const sandbox = await startSandbox({ port: 0, demoModules: 3 });
  const dir = await Deno.makeTempDir({ prefix: "itkpd_proto_" });
  const env = sandbox.env();
  const run = (args: string[], editArgs?: (a: string[]) => string[]) =>
    runTask(TASK, args, { env, cwd: dir, editArgs });
  const base = ["--project", "P", "--component-type", "MODULE"];
  try {
    await t.step("writes prototype_<CODE>.json for every test type", async () => {
      const r = await run(base);
      assert.equal(r.code, 0, r.stderr);
      const codes = ["WIREBOND", "WIREBOND_PULL_TEST", "IV_MEASURE", "QUAD_MODULE_METROLOGY"];
      for (const code of codes) {
        const path = join(dir, `prototype_${code}.json`);
        assert.ok(r.stdout.includes(`wrote ${path}`), r.stdout);
        const doc = JSON.parse(await Deno.readTextFile(path));
        assert.equal(doc.testType, code);
        assert.equal(doc.definition, undefined);
      }
      const iv = JSON.parse(await Deno.readTextFile(join(dir, "prototype_IV_MEASURE.json")));
      assert.deepEqual(iv, {
        component: null,
        testType: "IV_MEASURE",
        institution: null,
        runNumber: "0-0",
        passed: false,
        problems: false,
        properties: { TEMP: 0, HUMIDITY: 0, OPERATOR: "some_string" },
        results: { VOLTAGE: [0], CURRENT: [0], SIGMA_CURRENT: [0] },
      });
      const metrology = JSON.parse(
        await Deno.readTextFile(join(dir, "prototype_QUAD_MODULE_METROLOGY.json")),
      );
      assert.deepEqual(metrology.results.PLANARITY, { VALUE: 0, POINTS: 0, METHOD: "some_string" });
      assert.deepEqual(metrology.results.CORNER_HEIGHTS, [{ CORNER: "some_string", HEIGHT: 0 }]);
      // As the original wrote them: floats as 0.0, integers as 0.
      const text = await Deno.readTextFile(join(dir, "prototype_QUAD_MODULE_METROLOGY.json"));
      assert.match(text, /"VALUE": 0\.0,/);
      assert.match(text, /"POINTS": 0,/);
      assert.match(text, /"HEIGHT": 0\.0\n/);
      const ivText = await Deno.readTextFile(join(dir, "prototype_IV_MEASURE.json"));
      assert.match(ivText, /"VOLTAGE": \[\n\s+0\.0\n\s+\]/);
      // A list of rows gets one row of the row's shape: [strength, break mode, location].
      const pull = JSON.parse(
        await Deno.readTextFile(join(dir, "prototype_WIREBOND_PULL_TEST.json")),
      );
      assert.deepEqual(pull.results.PULL_STRENGTH_DATA, [[0, 0, 0]]);
      const pullText = await Deno.readTextFile(join(dir, "prototype_WIREBOND_PULL_TEST.json"));
      assert.match(
        pullText,
        /"PULL_STRENGTH_DATA": \[\n\s+\[\n\s+0\.0,\n\s+0,\n\s+0\n\s+\]\n\s+\]/,
      );
      assert.match(r.stdout, /4 prototypes written, each with its explanation \(\.md\) beside it/);
    });

    await t.step(
      "beside each, prototype_<CODE>.md: every key, required or optional, unit",
      async () => {
        const md = await Deno.readTextFile(join(dir, "prototype_WIREBOND_PULL_TEST.md"));
        assert.match(md, /^# prototype_WIREBOND_PULL_TEST\.json: how to fill it in\n/);
        const row = (key: string) => md.split("\n").find((l) => l.startsWith(`| \`${key}\` |`));
        assert.match(row("runNumber")!, /\| required \|/);
        assert.match(row("date")!, /\| optional \|/);
        assert.match(row("results.PULL_STRENGTH")!, /\| a number \| one value \| optional \| g \|/);
        assert.match(row("results.BOND_PEEL")!, /\| optional \| % \| 0 … 100 % \|/);
        assert.match(
          row("results.PULL_STRENGTH_DATA")!,
          /\| a list of rows \[strength, break mode, location\] \| optional \|/,
        );
        assert.match(
          row("results.PULL_STRENGTH_DATA[i][0]")!,
          /\| strength \| a number \|.*\| g \|/,
        );
        assert.match(
          row("results.PULL_STRENGTH_DATA[i][1]")!,
          /\| break mode \| a whole number \|/,
        );
        const iv = await Deno.readTextFile(join(dir, "prototype_IV_MEASURE.md"));
        assert.match(
          iv,
          /\| `results\.VOLTAGE` \| Bias voltage \[V\] \| a number \| a list of numbers \| required \| V \|/,
        );
        assert.match(iv, /upload-test-results --test-file prototype_IV_MEASURE\.json --test/);
      },
    );

    await t.step("the prototype filled in as shown is accepted, checked and uploaded", async () => {
      const file = "prototype_WIREBOND_PULL_TEST.json";
      const doc = fillAsShown(await Deno.readTextFile(join(dir, file)));
      assert.deepEqual((doc.results as Record<string, unknown>).PULL_STRENGTH_DATA, [[8.5, 1, 1]]);
      Object.assign(doc, {
        component: "20UPGM20000001",
        institution: "SANDBOX_A",
        runNumber: "proto-1",
        passed: true,
      });
      await Deno.writeTextFile(join(dir, "filled.json"), JSON.stringify(doc, null, 2));
      const upload = (args: string[]) =>
        runTask("upload-test-results", ["--test-file", "filled.json", ...args], { env, cwd: dir });
      const checked = await upload(["--test"]);
      assert.equal(checked.code, 0, checked.stderr);
      const sent = await upload([]);
      assert.equal(sent.code, 0, sent.stderr);
      const client = new ItkpdClient({ env, onWarning: () => {} });
      try {
        const runs = await client.listTestRunsByComponent({
          filterMap: { code: "20UPGM20000001", testType: ["WIREBOND_PULL_TEST"] },
        });
        const run = runs.find((r) => r.runNumber === "proto-1");
        assert.ok(run, JSON.stringify(runs));
        const [full] = await client.getTestRunBulk([run.id]);
        assert.deepEqual(valuesOf(full.results).PULL_STRENGTH_DATA, [[8.5, 1, 1]]);
      } finally {
        client.close();
      }
    });

    await t.step("--explain lists every key and writes nothing", async () => {
      const r = await run([...base, "--test-type", "IV_MEASURE", "--explain", "--out-dir", "ex"]);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /^IV_MEASURE \(Sensor IV measurement\):\n/);
      assert.match(r.stdout, /\n {2}properties\.TEMP +optional {2}a number \[C\]\n/);
      assert.match(r.stdout, /\n {2}results\.VOLTAGE +required {2}a list of numbers \[V\]\n/);
      await assert.rejects(Deno.stat(join(dir, "ex")));
    });

    await t.step("an unknown component type: in words, with a did-you-mean (exit 1)", async () => {
      const r = await run(["--project", "P", "--component-type", "MODUL", "--out-dir", "none"]);
      assertOneLine(r, 1);
      assert.match(
        r.stderr,
        /component type "MODUL" does not exist in project P; did you mean MODULE\? Component types of P: MODULE/,
      );
      assert.doesNotMatch(r.stderr, /cern-itkpd-main|DoesNotExist/);
      const other = await run(["--project", "S", "--component-type", "MODULE", "--explain"]);
      assertOneLine(other, 1);
      assert.match(other.stderr, /MODULE is a component type of project P: give --project P/);
      const lower = await run(["--project", "P", "--component-type", "module", "--explain"]);
      assert.match(lower.stderr, /did you mean MODULE\?/);
      await assert.rejects(Deno.stat(join(dir, "none")));
    });

    await t.step("--test-type and --verbose: one file with the raw definition", async () => {
      const r = await run([...base, "--test-type", "WIREBOND", "--out-dir", "sub", "--verbose"]);
      assert.equal(r.code, 0, r.stderr);
      const entries = [...Deno.readDirSync(join(dir, "sub"))].map((e) => e.name);
      assert.deepEqual(entries.sort(), ["prototype_WIREBOND.json", "prototype_WIREBOND.md"]);
      const doc = JSON.parse(await Deno.readTextFile(join(dir, "sub", "prototype_WIREBOND.json")));
      assert.equal(doc.definition.code, "WIREBOND");
      assert.ok(Array.isArray(doc.definition.parameters));
      assert.deepEqual(doc.results, {
        PERCENT_HEEL_BREAKS: 0,
        MEAN_LOAD: 0,
        STD_DEV_LOAD: 0,
        MAX_LOAD: 0,
        MIN_LOAD: 0,
      });
    });

    await t.step("a prototype being filled in is never overwritten; --force replaces", async () => {
      const path = join(dir, "prototype_IV_MEASURE.json");
      const again = await run(base);
      assert.equal(again.code, 0, again.stderr);
      assert.match(again.stdout, /prototype_IV_MEASURE\.json already holds exactly this/);
      const edited = (await Deno.readTextFile(path)).replace('"0-0"', '"run-7"');
      await Deno.writeTextFile(path, edited);
      const r = await run(base);
      assertOneLine(r, 1);
      assert.match(
        r.stderr,
        /prototype_IV_MEASURE\.json: already exists with other content; not overwritten/,
      );
      assert.equal(await Deno.readTextFile(path), edited);
      const forced = await run([...base, "--force"]);
      assert.equal(forced.code, 0, forced.stderr);
      assert.match(
        forced.stdout,
        /wrote .*prototype_IV_MEASURE\.json \(replaced the previous file: --force\)/,
      );
      assert.doesNotMatch(await Deno.readTextFile(path), /run-7/);
    });

    await t.step("an unknown test type: said, with the available codes (exit 1)", async () => {
      const r = await run([...base, "--test-type", "WIREBOND_PULL", "--out-dir", "none"]);
      assert.equal(r.code, 1);
      assert.match(r.stderr, /test type "WIREBOND_PULL" not found for P\/MODULE/);
      assert.match(
        r.stderr,
        /available test types: WIREBOND, WIREBOND_PULL_TEST, IV_MEASURE, QUAD_MODULE_METROLOGY/,
      );
      await assert.rejects(Deno.stat(join(dir, "none")));
    });

    await t.step("without --allow-net / --allow-write: exit 3, one line", async () => {
      const net = await run(base, withoutFlag("--allow-net"));
      assertOneLine(net, 3);
      assert.match(net.stderr, /Requires net access/);
      const write = await run(base, withoutFlag("--allow-write"));
      assertOneLine(write, 3);
      assert.match(write.stderr, /Requires write access/);
    });

    await t.step("bad flags: exit 2, one line; --help: exit 0", async () => {
      assertOneLine(await run(["--project", "P", "--component-typ", "MODULE"]), 2);
      assertOneLine(await run(["--project", "X", "--component-type", "MODULE"]), 2);
      assertOneLine(await run(["--project", "P"]), 2);
      const help = await run(["--help"]);
      assert.equal(help.code, 0);
      assert.match(help.stdout, /^Usage: deno task test-prototype/);
    });
  } finally {
    await sandbox.close();
    await Deno.remove(dir, { recursive: true });
  }
});
