/**
 * upload-iv-curve as a real subprocess with its task's flags, against a sandbox: the reference
 * table and a generated one → JSON → upload → read back, bad rows, no second upload, the plot,
 * and the command-line contract.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { runTask, withoutFlag } from "../_helpers/task.ts";
import { ItkpdClient } from "../../lib/client/mod.ts";
import { generateIv } from "../../lib/fixtures/mod.ts";
import { startSandbox } from "../../lib/sandbox/mod.ts";
import { valuesOf } from "../../lib/schemas/mod.ts";
import { assertOneLine, idOf, reference } from "../_helpers/assertions.ts";
import { pdfFacts, pngSize } from "../_helpers/plot_files.ts";

const TASK = "upload-iv-curve";
const REFERENCE = reference("sample_IV_curve.txt");

Deno.test("upload-iv-curve", async (t) => {
  const sandbox = await startSandbox({ port: 0, demoModules: 3 });
  const dir = await Deno.makeTempDir({ prefix: "itkpd_iv_" });
  const env = sandbox.env();
  const client = new ItkpdClient({ env, onWarning: () => {} });
  const run = (args: string[], editArgs?: (a: string[]) => string[]) =>
    runTask(TASK, args, { env, cwd: dir, editArgs });
  const module = (serial: string) => ["--component", serial, "--institution", "SANDBOX_A"];
  const readJson = async (name: string) => JSON.parse(await Deno.readTextFile(join(dir, name)));
  const assertStored = async (id: string, doc: Record<string, unknown>) => {
    const stored = await client.getTestRun({ testRun: id });
    assert.equal(stored.testType.code, "IV_MEASURE");
    assert.equal(stored.runNumber, doc.runNumber);
    const results = valuesOf(stored.results);
    for (const [code, value] of Object.entries(doc.results as Record<string, unknown>)) {
      assert.deepEqual(results[code], value, code);
    }
  };
  try {
    await t.step({
      name: "reference table → JSON → upload → read back",
      fn: async () => {
        const r = await run(["--input", REFERENCE, ...module("20UPGM20000001"), "--upload"]);
        assert.equal(r.code, 0, r.stderr);
        assert.match(r.stdout, /51 points \(columns U\[V\] Imean\[uA\] Isem\[uA\]\)/);
        const out = /^wrote (\S+\.json)$/m.exec(r.stdout)?.[1] ?? "";
        assert.match(out, /\/20UPGM20000001_IV_MEASURE_iv-[0-9a-f]{8}\.json$/);
        assert.match(r.stdout, /^no date: an IV table carries none/m);
        const doc = JSON.parse(await Deno.readTextFile(out));
        assert.equal(doc.results.VOLTAGE.length, 51);
        assert.equal(doc.results.VOLTAGE[1], -2);
        assert.equal(doc.results.CURRENT[0], -0.00017509677000000003);
        assert.equal(doc.results.SIGMA_CURRENT[0], 0.00034093273559646244);
        await assertStored(idOf(r), doc);
      },
    });

    const text = generateIv({ index: 2 }).replace(/\n-4\.0\t.*\n/, "\n-4.0\tbad\t0.1\n");
    await Deno.writeTextFile(join(dir, "iv2.txt"), text);

    await t.step("generated table with a bad row → upload → read back; --plot", async () => {
      const r = await run([
        "--input",
        "iv2.txt",
        ...module("20UPGM20000002"),
        "--out",
        "iv2.json",
        "--plot",
        "iv2.svg",
        "--upload",
      ]);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /iv2\.txt:4: Imean\[uA\] value "bad" is not a number/);
      const doc = await readJson("iv2.json");
      assert.equal(doc.results.VOLTAGE.length, 50);
      assert.equal(doc.component, "20UPGM20000002");
      await assertStored(idOf(r), doc);
      assert.match(await Deno.readTextFile(join(dir, "iv2.svg")), /^<svg/);
      // The table travels with its run: one attachment, its bytes the file's.
      const id = idOf(r);
      assert.match(r.stdout, new RegExp(`^attached iv2\\.txt \\([\\d.]+ kB\\) to run ${id}$`, "m"));
      const [attached, ...more] = (await client.getTestRun({ testRun: id })).attachments ?? [];
      assert.deepEqual([attached?.filename, more.length], ["iv2.txt", 0]);
      const bytes = await client.getTestRunAttachment({ testRun: id, code: attached.code });
      assert.deepEqual(bytes, await Deno.readFile(join(dir, "iv2.txt")));
    });

    await t.step("re-running with --upload creates no second run", async () => {
      const r = await run(["--input", "iv2.txt", ...module("20UPGM20000002"), "--upload"]);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /already uploaded as \S+/);
      const runs = await client.listTestRunsByComponent({ filterMap: { code: "20UPGM20000002" } });
      assert.equal(runs.length, 1);
    });

    await t.step("uploaded before under its undated number, it is not uploaded again", async () => {
      // Before IV run numbers were dated, a table uploaded with --date was numbered iv-<hash>:
      // the same table with a date now has a dated number, and the run under the old one is it.
      const before =
        (await client.listTestRunsByComponent({ filterMap: { code: "20UPGM20000002" } }))
          .map((r) => `${r.id} ${r.runNumber}`);
      assert.match(before.join(), /^\S+ iv-[0-9a-f]{8}$/);
      const r = await run([
        "--input",
        "iv2.txt",
        ...module("20UPGM20000002"),
        "--date",
        "2024-05-17T10:00",
        "--out",
        "iv2-dated.json",
        "--upload",
      ]);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /run number 20240517-100000-[0-9a-f]{8}$/m);
      assert.match(r.stdout, new RegExp(`already uploaded as ${before[0].split(" ")[0]}`));
      const after = await client.listTestRunsByComponent({ filterMap: { code: "20UPGM20000002" } });
      assert.deepEqual(after.map((x) => `${x.id} ${x.runNumber}`), before);
    });

    await t.step("not an IV table: exit 1 with file:line", async () => {
      await Deno.writeTextFile(join(dir, "no.txt"), "voltage current\n1 2\n");
      const r = await run(["--input", "no.txt", ...module("20UPGM20000003")]);
      assert.equal(r.code, 1);
      assert.match(r.stderr, /^error: no\.txt:1: not an IV table header/);
    });

    await t.step("missing permissions: exit 3, one line", async () => {
      const base = ["--input", "iv2.txt", ...module("20UPGM20000002")];
      assertOneLine(await run([...base, "--upload"], withoutFlag("--allow-net")), 3);
      assertOneLine(await run(base, withoutFlag("--allow-read")), 3);
      assertOneLine(await run(base, withoutFlag("--allow-write")), 3);
    });

    await t.step("bad flags: exit 2, one line; --help: exit 0", async () => {
      assertOneLine(await run(["--input", "iv2.txt", "--componnet", "X"]), 2);
      assertOneLine(await run(["--input", "iv2.txt"]), 2);
      const help = await run(["--help"]);
      assert.equal(help.code, 0);
      assert.match(help.stdout, /^Usage: deno task upload-iv-curve/);
    });
  } finally {
    client.close();
    await sandbox.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("upload-iv-curve: --plot as PNG or PDF", async () => {
  const dir = await Deno.makeTempDir({ prefix: "itkpd_iv_plots_" });
  try {
    await Deno.writeTextFile(join(dir, "iv.txt"), generateIv({ index: 3 }));
    const args = ["--input", "iv.txt", "--component", "20UPGM20000003", "--institution", "X"];
    for (const name of ["iv.png", "iv.pdf"]) {
      const r = await runTask(TASK, [...args, "--plot", name], { cwd: dir });
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, new RegExp(`wrote .*${name.replace(".", "\\.")}`));
    }
    const png = pngSize(await Deno.readFile(join(dir, "iv.png")));
    const pdf = await pdfFacts(await Deno.readFile(join(dir, "iv.pdf")));
    // One plot: the PNG twice its size in pixels, the PDF page its size in points.
    assert.deepEqual(pdf.mediaBox, [0, 0, (png.width / 2) * 0.75, (png.height / 2) * 0.75]);
    assert.ok(png.width >= 1000, `a PNG wide enough for a slide: ${png.width} px`);
    const bad = await runTask(TASK, [...args, "--plot", "iv"], { cwd: dir });
    assertOneLine(bad, 2);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("upload-iv-curve: --date, values out of range, no silent overwrite", async (t) => {
  const dir = await Deno.makeTempDir({ prefix: "itkpd_iv_refused_" });
  const run = (args: string[]) => runTask(TASK, args, { cwd: dir });
  const module = ["--component", "20UPGM20000001", "--institution", "SANDBOX_A"];
  try {
    await Deno.writeTextFile(join(dir, "iv.txt"), generateIv({ index: 5 }));
    await t.step("--date gives the run its date, and the summary says so", async () => {
      const r = await run(["--input", "iv.txt", ...module, "--date", "2024-05-17T10:00"]);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /^date 2024-05-17 10:00:00 from --date$/m);
      const out = /^wrote (\S+\.json)$/m.exec(r.stdout)![1];
      assert.equal(JSON.parse(await Deno.readTextFile(out)).date, "2024-05-17T10:00:00.000Z");
      assertOneLine(await run(["--input", "iv.txt", ...module, "--date", "2024-02-30"]), 2);
    });
    await t.step("an existing output with other content: refused unless --force", async () => {
      await Deno.writeTextFile(join(dir, "iv.json"), "{}\n");
      const r = await run(["--input", "iv.txt", ...module, "--out", "iv.json"]);
      assertOneLine(r, 1);
      assert.match(r.stderr, /iv\.json: already exists with other content/);
      const forced = await run(["--input", "iv.txt", ...module, "--out", "iv.json", "--force"]);
      assert.equal(forced.code, 0, forced.stderr);
    });
    await t.step(
      "a current of 2 A (unit slip): refused with file:line, nothing written",
      async () => {
        await Deno.writeTextFile(join(dir, "amps.txt"), "U[V] I[A]\n0 0\n-2 2\n");
        const r = await run(["--input", "amps.txt", ...module, "--out", "amps.json"]);
        assert.equal(r.code, 1);
        assert.match(r.stderr, /amps\.txt:3: I: 2000000 is outside -1000000 … 1000000 uA/);
        await assert.rejects(Deno.stat(join(dir, "amps.json")), Deno.errors.NotFound);
      },
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("upload-iv-curve: operator, temperature and humidity from the header or the flags", async (t) => {
  const sandbox = await startSandbox({ port: 0, demoModules: 2 });
  const dir = await Deno.makeTempDir({ prefix: "itkpd_iv_conditions_" });
  const env = sandbox.env();
  const client = new ItkpdClient({ env, onWarning: () => {} });
  const run = (args: string[]) => runTask(TASK, args, { env, cwd: dir });
  const module = ["--component", "20UPGM20000002", "--institution", "SANDBOX_A"];
  try {
    const header = "# Operator: Jane Doe\n# Temperature [C]: -20.5\n# Humidity: 35 %\n";
    await Deno.writeTextFile(join(dir, "iv.txt"), header + generateIv({ index: 6 }));
    await t.step("from the header, each said with its line; the run number dated", async () => {
      const r = await run([
        "--input",
        "iv.txt",
        ...module,
        "--date",
        "2024-05-17T10:00",
        "--upload",
      ]);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /^operator Jane Doe from iv\.txt:1 \(header\)$/m);
      assert.match(r.stdout, /^temperature -20\.5 °C from iv\.txt:2 \(header\)$/m);
      assert.match(r.stdout, /^humidity 35 % from iv\.txt:3 \(header\)$/m);
      assert.match(r.stdout, /^test type IV_MEASURE, run number 20240517-100000-[0-9a-f]{8}$/m);
      const stored = await client.getTestRun({ testRun: idOf(r) });
      assert.deepEqual(valuesOf(stored.properties), {
        TEMP: -20.5,
        HUMIDITY: 35,
        OPERATOR: "Jane Doe",
      });
      assert.match(stored.runNumber ?? "", /^20240517-100000-/);
    });
    await t.step("a flag replaces the header's value, and says so", async () => {
      const r = await run([
        "--input",
        "iv.txt",
        ...module,
        "--temperature=-25",
        "--humidity",
        "40.5",
        "--operator",
        "Ann Lee",
        "--out",
        "flags.json",
      ]);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /^temperature -25 °C from --temperature$/m);
      assert.match(r.stdout, /^humidity 40\.5 % from --humidity$/m);
      assert.match(r.stdout, /^operator Ann Lee from --operator$/m);
      assert.match(
        r.stdout,
        /^iv\.txt:2: the header's temperature "-20\.5" is replaced by -25 °C/m,
      );
      assert.match(r.stdout, /run number iv-[0-9a-f]{8}$/m); // no date: as before
      const doc = JSON.parse(await Deno.readTextFile(join(dir, "flags.json")));
      assert.deepEqual(doc.properties, { TEMP: -25, HUMIDITY: 40.5, OPERATOR: "Ann Lee" });
    });
    await t.step("no header, no flags: said, and no property", async () => {
      await Deno.writeTextFile(join(dir, "bare.txt"), generateIv({ index: 7 }));
      const r = await run(["--input", "bare.txt", ...module, "--out", "bare.json"]);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /^no temperature: none in the file's header and no --temperature$/m);
      const doc = JSON.parse(await Deno.readTextFile(join(dir, "bare.json")));
      assert.deepEqual(doc.properties, {});
    });
    await t.step("out of range, not finite, not a number: refused (flags exit 2)", async () => {
      for (const bad of [["--temperature", "253"], ["--humidity=-1"], ["--humidity", "NaN"]]) {
        assertOneLine(await run(["--input", "iv.txt", ...module, ...bad]), 2);
      }
      await Deno.writeTextFile(
        join(dir, "kelvin.txt"),
        "# Temperature: 293 C\n# Humidity: damp\n" + generateIv({ index: 8 }),
      );
      const r = await run(["--input", "kelvin.txt", ...module, "--out", "k.json"]);
      assert.equal(r.code, 1);
      assert.match(r.stderr, /kelvin\.txt:1: temperature: 293 is outside -100 … 100 C/);
      assert.match(r.stderr, /kelvin\.txt:2: humidity "damp" is not a number/);
      await assert.rejects(Deno.stat(join(dir, "k.json")), Deno.errors.NotFound);
      // In Kelvin, said so: converted.
      await Deno.writeTextFile(
        join(dir, "k2.txt"),
        "# Temperature: 253.15 K\n" + generateIv({ index: 8 }),
      );
      const k = await run(["--input", "k2.txt", ...module, "--out", "k2.json"]);
      assert.equal(k.code, 0, k.stderr);
      assert.match(k.stdout, /^temperature -20 °C from k2\.txt:1 \(header\)$/m);
    });
    await t.step("--help gives the units", async () => {
      const help = await run(["--help"]);
      assert.match(help.stdout, /--temperature C +temperature in °C, -100 … 100/);
      assert.match(help.stdout, /--humidity % +relative humidity in %, 0 … 100/);
    });
  } finally {
    client.close();
    await sandbox.close();
    await Deno.remove(dir, { recursive: true });
  }
});
