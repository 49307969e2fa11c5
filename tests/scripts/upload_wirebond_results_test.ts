/**
 * upload-wirebond-results as a real subprocess with its task's flags, against a sandbox: the
 * reference file's values, generated files with the irregularities of real ones, merged
 * inputs, upload and read-back for both test types, no second upload, the plot, and the
 * command-line contract.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { runTask, withoutFlag } from "../_helpers/task.ts";
import { ItkpdClient } from "../../lib/client/mod.ts";
import { generateDage } from "../../lib/fixtures/mod.ts";
import { startSandbox } from "../../lib/sandbox/mod.ts";
import { valuesOf } from "../../lib/schemas/mod.ts";
import { assertOneLine, idOf, reference } from "../_helpers/assertions.ts";
import { pdfFacts, pngSize } from "../_helpers/plot_files.ts";

const TASK = "upload-wirebond-results";
const REFERENCE = reference("sample_wirebond_data.csv");

Deno.test("upload-wirebond-results", async (t) => {
  const sandbox = await startSandbox({ port: 0, demoModules: 3 });
  const dir = await Deno.makeTempDir({ prefix: "itkpd_wirebond_" });
  const env = sandbox.env();
  const client = new ItkpdClient({ env, onWarning: () => {} });
  const run = (args: string[], editArgs?: (a: string[]) => string[]) =>
    runTask(TASK, args, { env, cwd: dir, editArgs });
  const module = (serial: string) => ["--component", serial, "--institution", "SANDBOX_A"];
  const readJson = async (name: string) => JSON.parse(await Deno.readTextFile(join(dir, name)));
  const assertStored = async (id: string, doc: Record<string, unknown>) => {
    const stored = await client.getTestRun({ testRun: id });
    assert.equal(stored.testType.code, doc.testType);
    assert.equal(stored.runNumber, doc.runNumber);
    assert.equal(stored.passed, doc.passed);
    const results = valuesOf(stored.results);
    const expected = doc.results as Record<string, unknown>;
    assert.ok(Object.keys(expected).length > 0);
    for (const [code, value] of Object.entries(expected)) {
      assert.deepEqual(results[code], value, code);
    }
    const properties = valuesOf(stored.properties);
    for (const [code, value] of Object.entries(doc.properties as Record<string, unknown>)) {
      assert.deepEqual(properties[code], value, code);
    }
  };
  try {
    await t.step({
      name: "reference file, WIREBOND: the original's values, upload, read back, no second run",
      fn: async () => {
        const args = ["--input", REFERENCE, ...module("20UPGM20000001"), "--test-type", "WIREBOND"];
        const r = await run([...args, "--upload"]);
        assert.equal(r.code, 0, r.stderr);
        const doc = await readJson("prototype_WIREBOND_DAGE.json");
        assert.equal(doc.testType, "WIREBOND");
        assert.equal(doc.component, "20UPGM20000001");
        assert.equal(doc.institution, "SANDBOX_A");
        assert.equal(doc.results.MEAN_LOAD.toFixed(6), "8.702613");
        assert.equal(doc.results.STD_DEV_LOAD.toFixed(6), "1.272768");
        assert.equal(doc.results.MAX_LOAD, 10.997);
        assert.equal(doc.results.MIN_LOAD, 5.5805);
        assert.equal(doc.passed, false); // MIN_LOAD > 15.0, as the original
        assert.deepEqual(
          {
            MACHINE: doc.properties.MACHINE,
            LOAD: doc.properties.LOAD,
            SPEED: doc.properties.SPEED,
          },
          { MACHINE: "DAGE", LOAD: 15, SPEED: 300 },
        );
        assert.match(r.stdout, /pulls: 60 {2}mean 8\.7026 g {2}std 1\.2728 g/);
        assert.match(r.stdout, /break modes: grade→mode \(default\): 1→0 midspan break/);
        assert.match(
          r.stdout,
          /^ +MIN_LOAD +5\.58 g +> 15 g +✗ minimum load 5\.5805 g is not above/m,
        );
        const id = idOf(r);
        await assertStored(id, doc);

        const again = await run([...args, "--upload"]);
        assert.equal(again.code, 0, again.stderr);
        assert.match(again.stdout, new RegExp(`already uploaded as ${id}`));
        assert.doesNotMatch(again.stdout, /^testRun /m);
        const runs = await client.listTestRunsByComponent({
          filterMap: { code: "20UPGM20000001", testType: ["WIREBOND"] },
        });
        assert.equal(runs.length, 1);

        const lower = await run([...args, "--min-load", "5.0", "--out", "lower.json"]);
        assert.equal(lower.code, 0, lower.stderr);
        assert.equal((await readJson("lower.json")).passed, true);
      },
    });

    await t.step({
      name: "reference file, WIREBOND_PULL_TEST: upload and read back every result",
      fn: async () => {
        const r = await run(["--input", REFERENCE, ...module("20UPGM20000001"), "--upload"]);
        assert.equal(r.code, 0, r.stderr);
        const doc = await readJson("prototype_WIREBOND_PULL_TEST.json");
        assert.equal(doc.testType, "WIREBOND_PULL_TEST");
        assert.equal(doc.results.WIRE_PULLS, 60);
        assert.equal(doc.results.PULL_STRENGTH.toFixed(6), "8.702613");
        assert.equal(doc.results.PULL_STRENGTH_DATA.length, 60);
        assert.equal(doc.passed, true);
        assert.match(r.stdout, /every pass cut met/);
        await assertStored(idOf(r), doc);
      },
    });

    const variations = ["crlf", "bom", "non-numeric-load", "trailing-spaces"] as const;
    const generated = generateDage({ index: 2, variations: [...variations] });
    await Deno.writeTextFile(join(dir, "module2.csv"), generated.text);

    await t.step("generated file with CRLF, BOM, bad lines: reported with file:line", async () => {
      const r = await run(["--input", "module2.csv", ...module("20UPGM20000002"), "--upload"]);
      assert.equal(r.code, 0, r.stderr);
      const bad = generated.pulls.filter((p) => !p.valid);
      assert.equal(bad.length, 2);
      for (const p of bad) assert.match(r.stdout, new RegExp(`module2\\.csv:${p.line}: `));
      assert.match(r.stdout, /read module2\.csv: 58 pulls, 2 lines left out/);
      const doc = await readJson("prototype_WIREBOND_PULL_TEST.json");
      assert.equal(doc.results.WIRE_PULLS, 58);
      assert.equal(doc.component, "20UPGM20000002");
      assert.match(doc.properties.BOND_GROUPS, /^1=r1 20g; 2=r2 20g;/);
      await assertStored(idOf(r), doc);
    });

    await t.step("re-running with --upload creates no second run", async () => {
      const first = await readJson("prototype_WIREBOND_PULL_TEST.json");
      const r = await run(["--input", "module2.csv", ...module("20UPGM20000002"), "--upload"]);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /already uploaded as \S+/);
      assert.equal(
        (await readJson("prototype_WIREBOND_PULL_TEST.json")).runNumber,
        first.runNumber,
      );
      const runs = await client.listTestRunsByComponent({ filterMap: { code: "20UPGM20000002" } });
      assert.equal(runs.length, 1);
    });

    await t.step("several inputs of one module are one run; --plot writes an SVG", async () => {
      const a = generateDage({ index: 3, pulls: 20 });
      const b = generateDage({
        index: 4,
        pulls: 15,
        serial: a.serial,
        variations: ["load-unit-mN"],
      });
      await Deno.writeTextFile(join(dir, "part_a.csv"), a.text);
      await Deno.writeTextFile(join(dir, "part_b.csv"), b.text);
      const args = [...module("20UPGM20000003"), "--out", "merged.json", "--plot", "loads.svg"];
      const r = await run(["--input", "part_b.csv", "--input", "part_a.csv", ...args]);
      assert.equal(r.code, 0, r.stderr);
      const doc = await readJson("merged.json");
      assert.equal(doc.results.WIRE_PULLS, 35);
      assert.match(r.stdout, /read part_a\.csv: 20 pulls/);
      assert.match(r.stdout, /read part_b\.csv: 15 pulls/);
      const svg = await Deno.readTextFile(join(dir, "loads.svg"));
      assert.match(svg, /^<svg/);
      // The loads per grade code, as a second plot.
      const grouped = await run([
        "--input",
        "part_a.csv",
        ...module("20UPGM20000003"),
        "--out",
        "grouped.json",
        "--plot-groups",
        "by_grade.svg",
        "--group-by",
        "grade",
      ]);
      assert.equal(grouped.code, 0, grouped.stderr);
      assert.match(await Deno.readTextFile(join(dir, "by_grade.svg")), /^<svg[\s\S]*Grade code/);
      const badGroup = await run([
        "--input",
        "part_a.csv",
        ...module("20UPGM20000003"),
        "--group-by",
        "x",
      ]);
      assert.equal(badGroup.code, 2, badGroup.stderr);
      // The order of --input does not change the run.
      const swapped = await run(["--input", "part_a.csv", "--input", "part_b.csv", ...args]);
      assert.equal(swapped.code, 0, swapped.stderr);
      assert.deepEqual(await readJson("merged.json"), doc);
    });

    await t.step("a file without any valid TEST line: exit 1", async () => {
      await Deno.writeTextFile(join(dir, "empty.csv"), '"TESTER","4000Plus"\n"TEST",1,"1",abc\n');
      const r = await run(["--input", "empty.csv", ...module("20UPGM20000003")]);
      assert.equal(r.code, 1);
      assert.match(r.stderr, /^error: empty\.csv:2: no valid TEST line found/);
    });

    await t.step("an unmapped grade code: every one listed with file:line (exit 1)", async () => {
      await Deno.writeTextFile(join(dir, "map.json"), '{"gradeCodes": {"1": 0}, "site": "LAB"}');
      const r = await run([
        "--input",
        "part_a.csv",
        ...module("20UPGM20000003"),
        "--break-modes",
        "map.json",
      ]);
      assert.equal(r.code, 1);
      assert.match(r.stderr, /grade codes without a break mode/);
      assert.match(r.stderr, /part_a\.csv:\d+: grade code "\d" is not in the break-mode mapping/);
    });

    await t.step("missing permissions: exit 3, one line", async () => {
      const base = ["--input", "module2.csv", ...module("20UPGM20000002")];
      assertOneLine(await run([...base, "--upload"], withoutFlag("--allow-net")), 3);
      assertOneLine(await run(base, withoutFlag("--allow-read")), 3);
      const write = await run(base, withoutFlag("--allow-write"));
      assertOneLine(write, 3);
      assert.match(write.stderr, /Requires write access/);
    });

    await t.step("bad flags: exit 2, one line; --help: exit 0", async () => {
      assertOneLine(await run(["--inptu", "module2.csv"]), 2);
      assertOneLine(
        await run(["--input", "module2.csv", ...module("20UPGM20000002"), "--test-type", "X"]),
        2,
      );
      assertOneLine(
        await run(["--input", "module2.csv", ...module("20UPGM20000002"), "--min-load", "abc"]),
        2,
      );
      assertOneLine(await run(["--input", "module2.csv"]), 2);
      const help = await run(["--help"]);
      assert.equal(help.code, 0);
      assert.match(help.stdout, /^Usage: deno task upload-wirebond-results/);
    });
  } finally {
    client.close();
    await sandbox.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("upload-wirebond-results: --plot and --plot-groups as PNG or PDF", async () => {
  const dir = await Deno.makeTempDir({ prefix: "itkpd_wirebond_plots_" });
  try {
    await Deno.writeTextFile(join(dir, "m.csv"), generateDage({ index: 4 }).text);
    const args = ["--input", "m.csv", "--component", "20UPGM20000004", "--institution", "X"];
    const r = await runTask(TASK, [
      ...args,
      "--plot",
      "loads.png",
      "--plot-groups",
      "groups.pdf",
      "--group-by",
      "grade",
      "--log-counts",
    ], { cwd: dir });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /wrote .*loads\.png/);
    const svg = await runTask(TASK, [...args, "--plot", "loads.svg", "--out", "b.json"], {
      cwd: dir,
    });
    assert.equal(svg.code, 0, svg.stderr);
    const size = /^<svg[^>]* width="(\d+)" height="(\d+)"/.exec(
      await Deno.readTextFile(join(dir, "loads.svg")),
    )!;
    // The PNG is twice the SVG's size (a slide's width).
    assert.deepEqual(pngSize(await Deno.readFile(join(dir, "loads.png"))), {
      width: 2 * Number(size[1]),
      height: 2 * Number(size[2]),
    });
    const pdf = await pdfFacts(await Deno.readFile(join(dir, "groups.pdf")));
    assert.match(pdf.title, /20UPGM20000004: loads by grade code/);
    // A plot file that is neither: one usage line, before any work.
    const bad = await runTask(TASK, [...args, "--plot", "loads.jpg"], { cwd: dir });
    assertOneLine(bad, 2);
    assert.match(bad.stderr, /loads\.jpg: a plot is written as \.svg, \.png or \.pdf/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("upload-wirebond-results: each pass cut with its value and limit", async (t) => {
  const dir = await Deno.makeTempDir({ prefix: "itkpd_wirebond_cuts_" });
  try {
    // Module 4 of the generated ones passes; module 10 has a pull below 4 g.
    for (const [index, passes] of [[4, true], [10, false]] as const) {
      await t.step(passes ? "a passing module" : "a failing module", async () => {
        await Deno.writeTextFile(join(dir, "m.csv"), generateDage({ index }).text);
        const r = await runTask(TASK, [
          "--input",
          "m.csv",
          "--component",
          `20UPGM2${String(index).padStart(7, "0")}`,
          "--institution",
          "X",
        ], { cwd: dir });
        assert.equal(r.code, 0, r.stderr);
        const doc = JSON.parse(
          await Deno.readTextFile(join(dir, "prototype_WIREBOND_PULL_TEST.json")),
        );
        assert.equal(doc.passed, passes);
        const res = doc.results;
        const line = (code: string, value: number, unit: string, limit: string, ok: boolean) =>
          new RegExp(
            `^ +${code} +${value.toFixed(2).replace(".", "\\.")} ${unit} +${limit} +` +
              (ok ? "✓$" : "✗ \\S"),
            "m",
          );
        const mean = res.PULL_STRENGTH;
        const min = res.PULL_STRENGTH_MIN;
        const peel = res.LIFT_OFFS_LESS_THAN_7G;
        assert.match(r.stdout, line("PULL_STRENGTH", mean, "g", ">= 7 g", mean >= 7));
        assert.match(r.stdout, line("PULL_STRENGTH_MIN", min, "g", ">= 4 g", min >= 4));
        assert.match(r.stdout, line("LIFT_OFFS_LESS_THAN_7G", peel, "%", "<= 9 %", peel <= 9));
        assert.match(
          r.stdout,
          passes ? /^every pass cut met: passed = true$/m : /^failed cuts \(1\): passed = false$/m,
        );
        if (!passes) assert.match(r.stdout, /PULL_STRENGTH_MIN .*✗ minimum pull strength/);
      });
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
