/**
 * upload-wirebond-results as a real subprocess with its task's flags, against a sandbox: the
 * reference file's values, generated files with the irregularities of real ones, merged
 * inputs, upload and read-back for both test types, no second upload, the plot, and the
 * command-line contract.
 */
import assert from "node:assert/strict";
import { join, resolve } from "node:path";
import { runTask, withoutFlag } from "../_helpers/task.ts";
import { ItkpdClient } from "../../lib/client/mod.ts";
import { generateDage } from "../../lib/fixtures/mod.ts";
import { startSandbox } from "../../lib/sandbox/mod.ts";
import { valuesOf } from "../../lib/schemas/mod.ts";
import { assertOneLine, idOf, reference } from "../_helpers/assertions.ts";
import { pdfFacts, pngSize } from "../_helpers/plot_files.ts";
import { rawControls } from "../_helpers/control_chars.ts";
import { runTaskOnSmallFs, smallFsAvailable } from "../_helpers/small_fs.ts";
import { fileURLToPath } from "node:url";

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
  /** The test-run JSON a run wrote (the first "wrote …json" line, or the one it left as is). */
  const written = (r: { stdout: string }) => {
    const m = /^(?:wrote (\S+\.json)|(\S+\.json) already holds exactly this)/m.exec(r.stdout);
    assert.ok(m, r.stdout);
    return (m[1] ?? m[2]).slice(dir.length + 1);
  };
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
        const args = [
          "--input",
          REFERENCE,
          ...module("20UPGM20000001"),
          "--allow-missing-serial",
          "--test-type",
          "WIREBOND",
        ];
        const r = await run([...args, "--upload", "--out", "prototype_WIREBOND_DAGE.json"]);
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
        // The default name: serial, test type and run number.
        assert.equal(written(again), `20UPGM20000001_WIREBOND_${doc.runNumber}.json`);
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
        const r = await run([
          "--input",
          REFERENCE,
          ...module("20UPGM20000001"),
          "--allow-missing-serial",
          "--upload",
        ]);
        assert.equal(r.code, 0, r.stderr);
        const doc = await readJson(written(r));
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
      const doc = await readJson(written(r));
      assert.equal(doc.results.WIRE_PULLS, 58);
      assert.equal(doc.component, "20UPGM20000002");
      assert.match(doc.properties.BOND_GROUPS, /^1=r1 20g; 2=r2 20g;/);
      await assertStored(idOf(r), doc);
    });

    await t.step("re-running with --upload creates no second run", async () => {
      const r = await run(["--input", "module2.csv", ...module("20UPGM20000002"), "--upload"]);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /already uploaded as \S+/);
      // The same output again: left as it is, not refused.
      assert.match(r.stdout, /already holds exactly this; left as it is/);
      const first = await readJson(written(r));
      assert.equal(first.component, "20UPGM20000002");
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

Deno.test("upload-wirebond-results --upload attaches each DAGE file once; a failure is completed by the re-run", async (t) => {
  const sandbox = await startSandbox({ port: 0, demoModules: 3 });
  const dir = await Deno.makeTempDir({ prefix: "itkpd_wirebond_attach_" });
  const env = sandbox.env();
  const client = new ItkpdClient({ env, onWarning: () => {} });
  const run = (args: string[]) => runTask(TASK, args, { env, cwd: dir });
  const module = (serial: string) => ["--component", serial, "--institution", "SANDBOX_A"];
  const sent = () => sandbox.stats().byCommand.createTestRunAttachment ?? 0;
  /** The run's attachments by file name, each checked to hold its file's bytes. */
  const attachedFiles = async (id: string) => {
    const names: string[] = [];
    for (const a of (await client.getTestRun({ testRun: id })).attachments ?? []) {
      const bytes = await client.getTestRunAttachment({ testRun: id, code: a.code });
      assert.deepEqual(bytes, await Deno.readFile(join(dir, a.filename!)), a.filename!);
      names.push(a.filename!);
    }
    return names.sort();
  };
  try {
    await t.step(
      "a run of two files: both attached; the same command again sends none",
      async () => {
        const a = generateDage({ index: 1, pulls: 20 });
        const b = generateDage({ index: 2, pulls: 15, serial: a.serial });
        await Deno.writeTextFile(join(dir, "part_a.csv"), a.text);
        await Deno.writeTextFile(join(dir, "part_b.csv"), b.text);
        const args = ["--input", "part_a.csv", "--input", "part_b.csv", ...module(a.serial)];
        const r = await run([...args, "--upload", "--out", "two.json"]);
        assert.equal(r.code, 0, r.stderr);
        const id = idOf(r);
        const size = (name: string) =>
          `${Number((Deno.statSync(join(dir, name)).size / 1000).toFixed(1))} kB`;
        for (const name of ["part_a.csv", "part_b.csv"]) {
          assert.match(
            r.stdout,
            new RegExp(
              `^attached ${name.replace(".", "\\.")} \\(${size(name)}\\) to run ${id}$`,
              "m",
            ),
          );
        }
        assert.deepEqual(await attachedFiles(id), ["part_a.csv", "part_b.csv"]);
        const before = sent();
        const again = await run([...args, "--upload", "--out", "two.json"]);
        assert.equal(again.code, 0, again.stderr);
        assert.match(again.stdout, new RegExp(`already uploaded as ${id}`));
        assert.match(again.stdout, new RegExp(`^part_a\\.csv already attached to run ${id} `, "m"));
        assert.match(again.stdout, new RegExp(`^part_b\\.csv already attached to run ${id} `, "m"));
        assert.equal(sent(), before, "nothing sent again");
        assert.deepEqual(await attachedFiles(id), ["part_a.csv", "part_b.csv"]);
      },
    );

    await t.step("a failed attachment: the run stays, exit 1; the re-run attaches it", async () => {
      await Deno.writeTextFile(join(dir, "m2.csv"), generateDage({ index: 2 }).text);
      const args = ["--input", "m2.csv", ...module("20UPGM20000002"), "--upload"];
      sandbox.setFaults({ failNext: { createTestRunAttachment: 3 } });
      const r = await run(args);
      assert.equal(r.code, 1, r.stdout + r.stderr);
      const id = idOf(r);
      assert.match(
        r.stderr,
        new RegExp(
          `^error: m2\\.csv was not attached to run ${id}: .*HTTP 500.* \\(the run stays created; run the same command again to attach it\\)$`,
          "m",
        ),
      );
      assert.deepEqual(await attachedFiles(id), []);
      const again = await run(args);
      assert.equal(again.code, 0, again.stderr);
      assert.match(again.stdout, new RegExp(`already uploaded as ${id}`));
      assert.match(
        again.stdout,
        new RegExp(
          `^attached m2\\.csv \\([\\d.]+ kB\\) to run ${id} \\(it was missing from the run already in ITkPD\\)$`,
          "m",
        ),
      );
      assert.deepEqual(await attachedFiles(id), ["m2.csv"]);
      const runs = await client.listTestRunsByComponent({ filterMap: { code: "20UPGM20000002" } });
      assert.equal(runs.length, 1);
    });

    await t.step("--no-attach attaches nothing; --help says so", async () => {
      await Deno.writeTextFile(join(dir, "m3.csv"), generateDage({ index: 3 }).text);
      const before = sent();
      const r = await run([
        "--input",
        "m3.csv",
        ...module("20UPGM20000003"),
        "--upload",
        "--no-attach",
      ]);
      assert.equal(r.code, 0, r.stderr);
      assert.doesNotMatch(r.stdout, /^attached |already attached/m);
      assert.equal(sent(), before);
      assert.deepEqual(await attachedFiles(idOf(r)), []);
      const help = await run(["--help"]);
      assert.match(
        help.stdout,
        /^ {2}--no-attach +with --upload: do not attach the DAGE file\(s\)/m,
      );
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
        const written = /^wrote (\S+\.json)$/m.exec(r.stdout)?.[1];
        assert.ok(written, r.stdout);
        const doc = JSON.parse(await Deno.readTextFile(resolve(dir, written)));
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

Deno.test("upload-wirebond-results: what is refused, and outputs that are never half-written", async (t) => {
  const dir = await Deno.makeTempDir({ prefix: "itkpd_wirebond_refused_" });
  const run = (args: string[]) => runTask(TASK, args, { cwd: dir });
  const write = (name: string, text: string) => Deno.writeTextFile(join(dir, name), text);
  const reference = fileURLToPath(
    new URL("../../fixtures/reference/sample_wirebond_data.csv", import.meta.url),
  );
  const ref = await Deno.readTextFile(reference);
  const own = (serial: string) =>
    ref.replaceAll('"Serial Number",""', `"Serial Number","${serial}"`);
  const module = (serial: string) => ["--component", serial, "--institution", "SANDBOX_A"];
  const outputs = async () => {
    const names: string[] = [];
    for await (const e of Deno.readDir(dir)) if (e.name.endsWith(".json")) names.push(e.name);
    return names.sort();
  };
  try {
    await write("m11.csv", own("20UPGM20000011"));
    await write("m13.csv", own("20UPGM20000013"));

    await t.step(
      "a file of another module than --component: refused, nothing written",
      async () => {
        const r = await run(["--input", "m11.csv", ...module("20UPGM20000013")]);
        assert.equal(r.code, 1, r.stderr);
        assert.match(r.stderr, /^error: the files are not all of module 20UPGM20000013/);
        assert.match(
          r.stderr,
          /m11\.csv:9: Serial Number "20UPGM20000011" is not the module given/,
        );
        assert.deepEqual(await outputs(), []);
      },
    );
    await t.step("files of two modules, the same file twice: refused", async () => {
      const two = await run([
        "--input",
        "m11.csv",
        "--input",
        "m13.csv",
        ...module("20UPGM20000011"),
      ]);
      assert.equal(two.code, 1);
      assert.match(two.stderr, /m13\.csv:9: Serial Number "20UPGM20000013" is not the module/);
      assertOneLine(
        await run(["--input", "m11.csv", "--input", "m11.csv", ...module("20UPGM20000011")]),
        1,
      );
      await write("copy.csv", own("20UPGM20000011"));
      const copy = await run([
        "--input",
        "m11.csv",
        "--input",
        "copy.csv",
        ...module("20UPGM20000011"),
      ]);
      assertOneLine(copy, 1);
      assert.match(copy.stderr, /copy\.csv: the same content as m11\.csv/);
    });
    await t.step("a file without a serial needs --allow-missing-serial", async () => {
      await write("noserial.csv", ref);
      const r = await run(["--input", "noserial.csv", ...module("20UPGM20000011")]);
      assertOneLine(r, 1);
      assert.match(r.stderr, /no Serial Number in the file.*--allow-missing-serial/);
      const ok = await run([
        "--input",
        "noserial.csv",
        ...module("20UPGM20000011"),
        "--allow-missing-serial",
      ]);
      assert.equal(ok.code, 0, ok.stderr);
    });
    await t.step(
      "loads that overflow a double are left out with file:line; no null written",
      async () => {
        const text = own("20UPGM20000021")
          .replace('"TEST",1,"1",10.525,', '"TEST",1,"1",1e999,')
          .replace(/"TEST",2,"(\d)",[\d.]+,/, '"TEST",2,"$1",2.5E+400,')
          .replace(/"TEST",3,"(\d)",[\d.]+,/, `"TEST",3,"$1",${"9".repeat(4000)},`);
        await write("m21.csv", text);
        const r = await run(["--input", "m21.csv", ...module("20UPGM20000021")]);
        assert.equal(r.code, 0, r.stderr);
        assert.match(r.stdout, /^ {2}m21\.csv:24: load "1e999" is too large to be a finite/m);
        assert.match(r.stdout, /^ {2}m21\.csv:48: load "2\.5E\+400" is too large to be/m);
        assert.match(r.stdout, /^ {2}m21\.csv:72: load "9{20}"… \(4,000 characters\) is too/m);
        const out = /^wrote (\S+\.json)$/m.exec(r.stdout)![1];
        const json = await Deno.readTextFile(out);
        assert.doesNotMatch(json, /null|NaN|Infinity/);
        assert.equal(JSON.parse(json).results.WIRE_PULLS, 57);
      },
    );
    await t.step(
      "a DATE that is not a date: exit 1 with file:line; --date supplies it",
      async () => {
        await write("d.csv", own("20UPGM20000022").replaceAll('"10/09/2018"', '"02/31/2018"'));
        const r = await run(["--input", "d.csv", ...module("20UPGM20000022")]);
        assert.equal(r.code, 1);
        assert.match(
          r.stderr,
          /^error: d\.csv:3: DATE "02\/31\/2018" is not a real date: day 31 does not exist in 2018-02/,
        );
        const fixed = await run([
          "--input",
          "d.csv",
          ...module("20UPGM20000022"),
          "--date",
          "2018-02-28T14:05:32",
        ]);
        assert.equal(fixed.code, 0, fixed.stderr);
        assert.match(fixed.stdout, /^date 2018-02-28 14:05:32 from --date$/m);
        assert.match(
          fixed.stdout,
          /note: d\.csv:3: DATE "02\/31\/2018" is not a real date.*not used/,
        );
        const doc = JSON.parse(
          await Deno.readTextFile(/^wrote (\S+\.json)$/m.exec(fixed.stdout)![1]),
        );
        assert.equal(doc.date, "2018-02-28T14:05:32.000Z");
        assert.match(doc.runNumber, /^20180228-140532-/);
        assertOneLine(
          await run(["--input", "d.csv", ...module("20UPGM20000022"), "--date", "2018-13-45"]),
          2,
        );
      },
    );
    await t.step("the summary says which date was used and from where", async () => {
      const r = await run(["--input", "m11.csv", ...module("20UPGM20000011")]);
      assert.match(r.stdout, /^date 2018-10-09 14:05:32 from m11\.csv:3 \(DATE\/TIME\)$/m);
    });
    await t.step("/dev/zero, a FIFO, a 210 MB file: one line each, before reading", async () => {
      for (
        const [input, says] of [["/dev/zero", /it is a character device/], [
          "pipe.csv",
          /it is a FIFO/,
        ], ["big.csv", /it is 210 MiB, above the limit of 16 MiB/]] as const
      ) {
        if (input === "pipe.csv") {
          await new Deno.Command("mkfifo", { args: [join(dir, input)] }).output();
        }
        if (input === "big.csv") {
          const f = await Deno.open(join(dir, input), { write: true, create: true });
          await f.truncate(210 * 1024 * 1024);
          f.close();
        }
        const r = await run(["--input", input, ...module("20UPGM20000011")]);
        assertOneLine(r, 1);
        assert.match(r.stderr, says);
      }
    });
    await t.step("a UTF-16 export (byte-order mark) is read like the UTF-8 one", async () => {
      const text = own("20UPGM20000023");
      const bytes = new Uint8Array(2 + text.length * 2);
      bytes.set([0xff, 0xfe]);
      for (let i = 0; i < text.length; i++) bytes[2 + 2 * i] = text.charCodeAt(i);
      await Deno.writeFile(join(dir, "u16.csv"), bytes);
      const r = await run(["--input", "u16.csv", ...module("20UPGM20000023")]);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /pulls: 60 {2}mean 8\.7026 g/);
    });
    await t.step(
      "an existing output with other content: refused in one line; --force replaces",
      async () => {
        await write("out.json", "{}\n");
        const r = await run([
          "--input",
          "m11.csv",
          ...module("20UPGM20000011"),
          "--out",
          "out.json",
        ]);
        assertOneLine(r, 1);
        assert.match(
          r.stderr,
          /out\.json: already exists with other content; not overwritten \(give another name \(--out\), or --force/,
        );
        assert.equal(await Deno.readTextFile(join(dir, "out.json")), "{}\n");
        const forced = await run([
          "--input",
          "m11.csv",
          ...module("20UPGM20000011"),
          "--out",
          "out.json",
          "--force",
        ]);
        assert.equal(forced.code, 0, forced.stderr);
        assert.equal(
          JSON.parse(await Deno.readTextFile(join(dir, "out.json"))).component,
          "20UPGM20000011",
        );
      },
    );
    await t.step(
      "an output that is a link: the link is replaced, its target never written",
      async () => {
        await write("precious.txt", "precious\n");
        await Deno.symlink(join(dir, "precious.txt"), join(dir, "link.json"));
        await Deno.symlink(join(dir, "precious.txt"), join(dir, "link.svg"));
        const args = [
          "--input",
          "m11.csv",
          ...module("20UPGM20000011"),
          "--out",
          "link.json",
          "--plot",
          "link.svg",
          "--force",
        ];
        const r = await run(args);
        assert.equal(r.code, 0, r.stderr);
        assert.equal(await Deno.readTextFile(join(dir, "precious.txt")), "precious\n");
        assert.ok((await Deno.lstat(join(dir, "link.json"))).isFile);
        assert.ok((await Deno.lstat(join(dir, "link.svg"))).isFile);
      },
    );
    await t.step("default names cannot collide between modules", async () => {
      await write("m12.csv", own("20UPGM20000012"));
      const a = await run(["--input", "m11.csv", ...module("20UPGM20000011")]);
      const b = await run(["--input", "m12.csv", ...module("20UPGM20000012")]);
      const name = (r: { stdout: string }) =>
        /^(?:wrote (\S+\.json)|(\S+\.json) already holds)/m.exec(r.stdout)!.slice(1).find(Boolean)!;
      assert.notEqual(name(a), name(b));
      assert.match(
        name(b),
        /\/20UPGM20000012_WIREBOND_PULL_TEST_20181009-140532-[0-9a-f]{8}\.json$/,
      );
    });
    await t.step("crafted file name and content: nothing raw reaches the terminal", async () => {
      const name = "evil\x1b]0;pwned\x07\nplan: 99 to create\u202e.csv";
      const text = own("20UPGM20000024")
        .replace('"Default operator"', '"Eve\x1b[2J\x9b31m"')
        .replace('"r1 20g"', '"r1\x00\r"');
      await Deno.writeTextFile(join(dir, name), text);
      for (const extra of [[], ["--operator", "x\x1b[2J"]]) {
        const r = await run(["--input", name, ...module("20UPGM20000024"), ...extra]);
        assert.deepEqual(rawControls(r.stdout + r.stderr), [], r.stdout + r.stderr);
        assert.doesNotMatch(r.stdout + r.stderr, /^plan: /m);
      }
      const r = await run(["--input", name, ...module("20UPGM20000024")]);
      assert.match(
        r.stdout + r.stderr,
        /evil\\x1b\]0;pwned\\x07\\nplan: 99 to create\\u202e\.csv:\d+: OPERATOR contains ESC/,
      );
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test({
  name: "upload-wirebond-results on a full disk and a read-only folder (a real small file system)",
  ignore: !smallFsAvailable,
  fn: async (t) => {
    const dir = await Deno.makeTempDir({ prefix: "itkpd_wirebond_fs_" });
    const reference = fileURLToPath(
      new URL("../../fixtures/reference/sample_wirebond_data.csv", import.meta.url),
    );
    const previous = '{"previous": "run"}\n';
    try {
      await Deno.mkdir(join(dir, "mnt"));
      await Deno.writeTextFile(join(dir, "previous.json"), previous);
      const args = [
        "--input",
        reference,
        "--component",
        "20UPGM20000001",
        "--institution",
        "SANDBOX_A",
        "--allow-missing-serial",
        "--out",
        join(dir, "mnt", "run.json"),
        "--force",
      ];
      const after = `cp "$MNT/run.json" "${dir}/after.json"; ls -A "$MNT" > "${dir}/ls.txt"`;
      await t.step(
        "a full disk: one line naming the path, exit 1, the previous file intact",
        async () => {
          const r = await runTaskOnSmallFs(TASK, args, {
            mount: join(dir, "mnt"),
            size: "64k",
            cwd: dir,
            before:
              `cp "${dir}/previous.json" "$MNT/run.json"; head -c 1000000 /dev/zero > "$MNT/filler" 2>/dev/null || true`,
            after,
          });
          assertOneLine(r, 1);
          assert.match(
            r.stderr,
            /^error: \S+\/mnt\/run\.json: cannot be written: the disk is full \(no space left\); the previous file is unchanged/,
          );
          assert.equal(await Deno.readTextFile(join(dir, "after.json")), previous);
          assert.equal((await Deno.readTextFile(join(dir, "ls.txt"))).trim(), "filler\nrun.json");
        },
      );
      await t.step(
        "a read-only folder: one line naming the path, exit 1, the previous file intact",
        async () => {
          const r = await runTaskOnSmallFs(TASK, args, {
            mount: join(dir, "mnt"),
            size: "64k",
            cwd: dir,
            before: `cp "${dir}/previous.json" "$MNT/run.json"; mount -o remount,ro "$MNT"`,
            after,
          });
          assertOneLine(r, 1);
          assert.match(
            r.stderr,
            /run\.json: cannot be written: the file system is read-only; the previous file is unchanged/,
          );
          assert.equal(await Deno.readTextFile(join(dir, "after.json")), previous);
        },
      );
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
