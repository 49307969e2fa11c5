/**
 * upload-test-results as a real subprocess with its task's flags, against a sandbox: the chain
 * prototype → edit → upload → read back, the refusals (all problems at once, nothing sent),
 * `--test`, and the command-line contract (permissions, flags, help).
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { runTask, withoutFlag } from "../_helpers/task.ts";
import { ItkpdClient } from "../../lib/client/mod.ts";
import { startSandbox } from "../../lib/sandbox/mod.ts";
import { valuesOf } from "../../lib/schemas/mod.ts";
import { assertOneLine } from "../_helpers/assertions.ts";
import { rawControls } from "../_helpers/control_chars.ts";

const TASK = "upload-test-results";
const CHAIN_MODULE = "20UPGM20000001";
const REFUSED_MODULE = "20UPGM20000002";

/** Replaces every "some_string" placeholder by a real-looking text, everywhere in `doc`. */
function fillPlaceholders(doc: unknown): unknown {
  if (doc === "some_string") return "filled";
  if (Array.isArray(doc)) return doc.map(fillPlaceholders);
  if (doc && typeof doc === "object") {
    return Object.fromEntries(Object.entries(doc).map(([k, v]) => [k, fillPlaceholders(v)]));
  }
  return doc;
}

Deno.test("upload-test-results", async (t) => {
  const sandbox = await startSandbox({ port: 0, demoModules: 3 });
  const dir = await Deno.makeTempDir({ prefix: "itkpd_upload_" });
  const env = sandbox.env();
  const client = new ItkpdClient({ env, onWarning: () => {} });
  const run = (args: string[], editArgs?: (a: string[]) => string[]) =>
    runTask(TASK, args, { env, cwd: dir, editArgs });
  const runsOf = (component: string) =>
    client.listTestRunsByComponent({ filterMap: { code: component } });
  try {
    const proto = await runTask(
      "test-prototype",
      ["--project", "P", "--component-type", "MODULE", "--test-type", "QUAD_MODULE_METROLOGY"],
      { env, cwd: dir },
    );
    assert.equal(proto.code, 0, proto.stderr);
    const protoFile = "prototype_QUAD_MODULE_METROLOGY.json";
    const prototype = JSON.parse(await Deno.readTextFile(join(dir, protoFile)));

    await t.step("the unedited prototype is refused with every placeholder path", async () => {
      const r = await run([
        "--test-file",
        protoFile,
        "--component-id",
        REFUSED_MODULE,
        "--institution",
        "SANDBOX_A",
      ]);
      assert.equal(r.code, 1, r.stderr);
      for (
        const path of [
          "$.properties.ANALYSIS_VERSION",
          "$.results.PLANARITY.METHOD",
          "$.results.CORNER_HEIGHTS[0].CORNER",
        ]
      ) {
        assert.ok(r.stderr.includes(`${path}: still the prototype placeholder`), r.stderr);
      }
      assert.doesNotMatch(r.stdout, /testRun/);
    });

    await t.step(
      "without overrides, the missing component and institution are listed too",
      async () => {
        const r = await run(["--test-file", protoFile]);
        assert.equal(r.code, 1);
        assert.match(r.stderr, /\$\.component: missing: set it in the file or pass --component-id/);
        assert.match(r.stderr, /\$\.institution: missing/);
        assert.match(r.stderr, /\$\.results\.PLANARITY\.METHOD/);
      },
    );

    await t.step("wrong types are refused with all problems at once", async () => {
      const bad = fillPlaceholders(prototype) as Record<string, Record<string, unknown>>;
      bad.runNumber = 7 as unknown as Record<string, unknown>;
      bad.results.ANGLE_PCB_BM = "steep";
      bad.results.AVERAGE_THICKNESS = [1.5, "2"];
      bad.results.PLANARITY = { VALUE: 3.5, POINTS: 2.5 };
      bad.results.CORNER_HEIGHTS = [{ CORNER: "TL", HEIGHT: 1 }, { HEIGHT: 2 }];
      delete bad.results.THICKNESS_VARIATION_PICKUP_AREA;
      await Deno.writeTextFile(join(dir, "bad.json"), JSON.stringify(bad, null, 2));
      const r = await run([
        "--test-file",
        "bad.json",
        "--component-id",
        REFUSED_MODULE,
        "--institution",
        "SANDBOX_A",
      ]);
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stderr, /not uploaded: 6 problems \(checked against test type/);
      for (
        const line of [
          '$.runNumber: expected a run number like "1", got the number 7',
          '$.results.ANGLE_PCB_BM: expected a number, got the text "steep"',
          '$.results.AVERAGE_THICKNESS[1]: expected a number, got the text "2"',
          "$.results.PLANARITY.POINTS: expected a whole number, got the number 2.5",
          "$.results.CORNER_HEIGHTS[1].CORNER: required by test type QUAD_MODULE_METROLOGY",
          "$.results.THICKNESS_VARIATION_PICKUP_AREA: required by test type",
        ]
      ) {
        assert.ok(r.stderr.includes(line), `${line}\n${r.stderr}`);
      }
    });

    await t.step("a JSON mistake names the file, line and column", async () => {
      await Deno.writeTextFile(join(dir, "broken.json"), '{\n  "component": "x",\n  "a": }\n');
      const r = await run(["--test-file", "broken.json"]);
      assert.equal(r.code, 1);
      assert.match(r.stderr, /^error: broken\.json:3: not valid JSON at line 3, column 8/);
    });

    const good = fillPlaceholders(prototype) as Record<string, unknown>;
    good.runNumber = "chain-1";
    good.passed = true;
    (good.results as Record<string, unknown>).ANGLE_PCB_BM = 0.125;
    (good.results as Record<string, unknown>).AVERAGE_THICKNESS = [501.5, 502.25, 499.75, 500];
    await Deno.writeTextFile(join(dir, "good.json"), JSON.stringify(good, null, 2));

    await t.step("--test prints the dtoIn and sends nothing", async () => {
      const r = await run([
        "--test-file",
        "good.json",
        "--component-id",
        REFUSED_MODULE,
        "--institution",
        "SANDBOX_A",
        "--test",
      ]);
      assert.equal(r.code, 0, r.stderr);
      const dtoIn = JSON.parse(r.stdout);
      assert.equal(dtoIn.component, REFUSED_MODULE);
      assert.equal(dtoIn.institution, "SANDBOX_A");
      assert.deepEqual(dtoIn.results, good.results);
      assert.match(r.stderr, /checked against test type QUAD_MODULE_METROLOGY; nothing sent/);
    });

    await t.step("a JSON nested 10,000 levels: one line, exit 1 (no stack trace)", async () => {
      await Deno.writeTextFile(
        join(dir, "deep.json"),
        '{"results": ' + "[".repeat(10_000) + "]".repeat(10_000) + "}",
      );
      const r = await run(["--test-file", "deep.json"]);
      assertOneLine(r, 1);
      assert.match(
        r.stderr,
        /^error: deep\.json:1: not valid JSON at line 1, column \d+: nested deeper than 64 levels/,
      );
    });

    await t.step(
      "every value still a prototype default: refused unless --allow-default-values",
      async () => {
        const blank = {
          ...prototype,
          component: REFUSED_MODULE,
          institution: "SANDBOX_A",
          properties: {},
          results: Object.fromEntries(
            Object.entries(prototype.results as Record<string, unknown>).filter(([, v]) =>
              !JSON.stringify(v).includes("some_string")
            ),
          ),
        };
        await Deno.writeTextFile(join(dir, "blank.json"), JSON.stringify(blank));
        const r = await run(["--test-file", "blank.json", "--test"]);
        assert.equal(r.code, 1, r.stderr);
        assert.match(
          r.stderr,
          /\$\.results: every property and result is still the prototype's default/,
        );
        const allowed = await run([
          "--test-file",
          "blank.json",
          "--test",
          "--allow-default-values",
        ]);
        assert.doesNotMatch(allowed.stderr, /prototype's default/);
      },
    );

    await t.step(
      "a key twice, 1e999, control characters: refused by path, nothing sent",
      async () => {
        await Deno.writeTextFile(
          join(dir, "dup.json"),
          `{"component": "${REFUSED_MODULE}", "testType": "QUAD_MODULE_METROLOGY",\n` +
            `"institution": "SANDBOX_A", "runNumber": "1\\u001b[2J", "passed": true,\n` +
            `"results": {"THICKNESS_VARIATION_PICKUP_AREA": 1e999,\n` +
            `"THICKNESS_VARIATION_PICKUP_AREA": 2}}`,
        );
        const r = await run(["--test-file", "dup.json"]);
        assert.equal(r.code, 1, r.stderr);
        assert.match(r.stderr, /^ {2}\$\.runNumber: text holding ESC/m);
        assert.match(
          r.stderr,
          /^ {2}\$\.results\.THICKNESS_VARIATION_PICKUP_AREA: the number 1e999 \(line 3\)/m,
        );
        assert.match(r.stderr, /given twice in one object \(lines 3 and 4\)/);
        assert.deepEqual(rawControls(r.stderr), []);
      },
    );

    await t.step("100,000 bad elements: a short answer, quickly", async () => {
      await Deno.writeTextFile(
        join(dir, "pulls.json"),
        JSON.stringify({
          component: REFUSED_MODULE,
          testType: "WIREBOND_PULL_TEST",
          institution: "SANDBOX_A",
          runNumber: "pulls",
          passed: true,
          results: { PULL_STRENGTH_DATA: Array.from({ length: 100_000 }, (_, i) => i % 40) },
        }),
      );
      const r = await run(["--test-file", "pulls.json"]);
      assert.equal(r.code, 1, r.stderr);
      assert.match(
        r.stderr,
        /\$\.results\.PULL_STRENGTH_DATA\[\*\]: 100,000 elements: expected a list \[strength, break mode, location\], got a number; first at \$\.results\.PULL_STRENGTH_DATA\[0\]/,
      );
      assert.ok(r.stderr.split("\n").length < 40, r.stderr);
    });

    await t.step("no run of the refused module was created", async () => {
      assert.deepEqual(await runsOf(REFUSED_MODULE), []);
    });

    await t.step("prototype → edit → upload → getTestRun gives the same values", async () => {
      const r = await run([
        "--test-file",
        "good.json",
        "--component-id",
        CHAIN_MODULE,
        "--institution",
        "SANDBOX_A",
      ]);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /^method POST$/m);
      const id = /^testRun (\S+)$/m.exec(r.stdout)?.[1];
      assert.ok(id, r.stdout);
      const stored = await client.getTestRun({ testRun: id });
      assert.equal(stored.testType.code, "QUAD_MODULE_METROLOGY");
      assert.equal(stored.runNumber, "chain-1");
      assert.equal(stored.passed, true);
      assert.equal(stored.components?.[0].serialNumber, CHAIN_MODULE);
      const results = valuesOf(stored.results);
      for (const [code, value] of Object.entries(good.results as Record<string, unknown>)) {
        assert.deepEqual(results[code], value, code);
      }
      assert.deepEqual(valuesOf(stored.properties).ANALYSIS_VERSION, "filled");
      assert.equal((await runsOf(CHAIN_MODULE)).length, 1);
    });

    await t.step("the same file again is not uploaded twice; --allow-duplicate does", async () => {
      const args = [
        "--test-file",
        "good.json",
        "--component-id",
        CHAIN_MODULE,
        "--institution",
        "SANDBOX_A",
      ];
      const again = await run(args);
      assert.equal(again.code, 0, again.stderr);
      assert.match(again.stdout, /already uploaded as \w+ .*not uploaded again/);
      assert.equal((await runsOf(CHAIN_MODULE)).length, 1);
      const forced = await run([...args, "--allow-duplicate"]);
      assert.equal(forced.code, 0, forced.stderr);
      assert.match(forced.stdout, /^testRun \S+$/m);
      assert.equal((await runsOf(CHAIN_MODULE)).length, 2);
    });

    await t.step(
      "--attach: a file too large is refused before any run; each file once",
      async () => {
        const module = "20UPGM20000003";
        const doc = { ...good, runNumber: "chain-attach" };
        await Deno.writeTextFile(join(dir, "attach.json"), JSON.stringify(doc, null, 2));
        const args = [
          "--test-file",
          "attach.json",
          "--component-id",
          module,
          "--institution",
          "SANDBOX_A",
        ];
        const notes = new TextEncoder().encode("operator notes\n");
        const photo = Uint8Array.from({ length: 3000 }, (_, i) => (i * 7) % 256);
        await Deno.writeFile(join(dir, "notes.txt"), notes);
        await Deno.writeFile(join(dir, "photo.png"), photo);
        // Above the binary store's limit (64 MiB): a sparse file, so nothing is really written.
        const big = await Deno.open(join(dir, "scan.bin"), { write: true, create: true });
        await big.truncate(64 * 1024 * 1024 + 1);
        big.close();
        const uploads = () => sandbox.stats().byCommand.uploadTestRunResults ?? 0;
        const before = uploads();
        const refused = await run([...args, "--attach", "notes.txt", "--attach", "scan.bin"]);
        assertOneLine(refused, 1);
        assert.match(
          refused.stderr.trimEnd(),
          /^error: scan\.bin: 67\.1 MB, above the binary store's limit of 64 MiB for one attachment; nothing was sent, no run was created \(ITkPD keeps larger files on CERN EOS, which this toolkit cannot reach: attach a compressed copy, or leave it out of --attach\)$/,
        );
        assert.equal(uploads(), before, "no run was sent");
        assert.equal((await runsOf(module)).length, 0);

        const r = await run([...args, "--attach", "notes.txt", "--attach", "photo.png"]);
        assert.equal(r.code, 0, r.stderr);
        const id = /^testRun (\S+)$/m.exec(r.stdout)?.[1];
        assert.ok(id, r.stdout);
        assert.match(r.stdout, new RegExp(`^attached notes\\.txt \\(15 B\\) to run ${id}$`, "m"));
        assert.match(r.stdout, new RegExp(`^attached photo\\.png \\(3 kB\\) to run ${id}$`, "m"));
        const attachments = async () =>
          (await client.getTestRun({ testRun: id })).attachments ?? [];
        const bytesOf = async (name: string) => {
          const a = (await attachments()).filter((x) => x.filename === name);
          assert.equal(a.length, 1, name);
          return await client.getTestRunAttachment({ testRun: id, code: a[0].code });
        };
        assert.deepEqual(await bytesOf("notes.txt"), notes);
        assert.deepEqual(await bytesOf("photo.png"), photo);

        // Again, with one more file: the run is there, the file missing from it is attached.
        await Deno.writeTextFile(join(dir, "extra.log"), "log\n");
        const again = await run([...args, "--attach", "notes.txt", "--attach", "extra.log"]);
        assert.equal(again.code, 0, again.stderr);
        assert.match(again.stdout, new RegExp(`already uploaded as ${id} `));
        assert.match(
          again.stdout,
          new RegExp(`^notes\\.txt already attached to run ${id} \\(same name and content\\)`, "m"),
        );
        assert.match(
          again.stdout,
          new RegExp(`^attached extra\\.log \\(4 B\\) to run ${id} \\(it was missing`, "m"),
        );
        assert.deepEqual((await attachments()).map((a) => a.filename).sort(), [
          "extra.log",
          "notes.txt",
          "photo.png",
        ]);
        assert.equal((await runsOf(module)).length, 1);
      },
    );

    await t.step("an unknown institution is refused before sending, with --test too", async () => {
      const r = await run([
        "--test-file",
        "good.json",
        "--component-id",
        CHAIN_MODULE,
        "--institution",
        "SANDBOX_Q",
        "--test",
      ]);
      assert.equal(r.code, 1, r.stderr);
      assert.match(
        r.stderr,
        /\$\.institution: unknown institution "SANDBOX_Q" \(did you mean SANDBOX_A/,
      );
    });

    await t.step("without --allow-net: exit 3, one line", async () => {
      const r = await run(["--test-file", "good.json"], withoutFlag("--allow-net"));
      assertOneLine(r, 3);
      assert.match(r.stderr, /permission missing: Requires net access/);
    });

    await t.step("without --allow-read: exit 3, one line", async () => {
      const r = await run(["--test-file", "good.json"], withoutFlag("--allow-read"));
      assertOneLine(r, 3);
      assert.match(r.stderr, /Requires read access/);
    });

    await t.step("a bad flag: exit 2, one line; --help: exit 0", async () => {
      const bad = await run(["--test-fil", "good.json"]);
      assertOneLine(bad, 2);
      assert.match(bad.stderr, /unknown flag --test-fil \(did you mean --test-file\?\)/);
      const missing = await run([]);
      assertOneLine(missing, 2);
      const help = await run(["--help"]);
      assert.equal(help.code, 0);
      assert.match(help.stdout, /^Usage: deno task upload-test-results/);
    });
  } finally {
    client.close();
    await sandbox.close();
    await Deno.remove(dir, { recursive: true });
  }
});
