import assert from "node:assert/strict";
import { InputError } from "../../lib/errors.ts";
import { generateDage } from "../../lib/fixtures/mod.ts";
import { parseDage } from "../../lib/parsers/mod.ts";
import { checkSerials, readDageInputs } from "../../lib/upload/dage_inputs.ts";
import { buildWirebondRun } from "../../lib/upload/wirebond.ts";

Deno.test("the right module: serial numbers and files given twice", async (t) => {
  const dage = (serial: string, index = 1) => generateDage({ index, pulls: 5, serial }).text;
  const dir = await Deno.makeTempDir({ prefix: "itkpd_wirebond_serial_" });
  try {
    await Deno.writeTextFile(`${dir}/a11.csv`, dage("20UPGM20000011"));
    await Deno.writeTextFile(`${dir}/b13.csv`, dage("20UPGM20000013", 2));
    await Deno.writeTextFile(`${dir}/copy.csv`, dage("20UPGM20000011"));
    await Deno.writeTextFile(`${dir}/noserial.csv`, dage("", 3));
    const read = (...names: string[]) =>
      readDageInputs(names.map((n) => ({ path: `${dir}/${n}`, name: n })));

    await t.step(
      "a file whose Serial Number is not --component: refused, with its line",
      async () => {
        assert.throws(
          () => checkSerials([parseDage(dage("20UPGM20000011"), "a.csv")], "20UPGM20000013"),
          (e) => {
            assert.ok(e instanceof InputError);
            assert.equal(e.problems[0].path, "a.csv:9");
            assert.match(
              e.problems[0].message,
              /Serial Number "20UPGM20000011" is not the module given \(20UPGM20000013\)/,
            );
            return true;
          },
        );
        const parts = await read("a11.csv");
        assert.throws(
          () => buildWirebondRun(parts, { component: "20UPGM20000013" }),
          /not all of module 20UPGM20000013/,
        );
      },
    );
    await t.step("two files of two modules: refused, with or without --component", async () => {
      const parts = await read("a11.csv", "b13.csv");
      assert.throws(() => buildWirebondRun(parts, { component: "20UPGM20000011" }), (e) => {
        assert.ok(e instanceof InputError);
        assert.deepEqual(e.problems.map((p) => p.path), ["b13.csv:9"]);
        return true;
      });
      assert.throws(() => buildWirebondRun(parts), /differs from "20UPGM20000011" \(a11\.csv:9\)/);
    });
    await t.step("the same file twice (same path, or the same content): refused", async () => {
      await assert.rejects(read("a11.csv", "a11.csv"), /a11\.csv: the same file is given twice/);
      await assert.rejects(
        read("a11.csv", "./a11.csv"),
        /the same file is given twice \(a11\.csv and \.\/a11\.csv\)/,
      );
      await assert.rejects(read("a11.csv", "copy.csv"), /copy\.csv: the same content as a11\.csv/);
    });
    await t.step("no serial in the file: refused for --component unless allowed", async () => {
      const parts = await read("noserial.csv");
      assert.throws(
        () => buildWirebondRun(parts, { component: "20UPGM20000011" }),
        /noserial\.csv: no Serial Number in the file.*--allow-missing-serial/s,
      );
      const b = buildWirebondRun(parts, { component: "20UPGM20000011", allowMissingSerial: true });
      assert.equal(b.testRun.component, "20UPGM20000011");
      // A mismatch is refused even when files without a serial are allowed.
      const other = await read("b13.csv");
      assert.throws(
        () => buildWirebondRun(other, { component: "20UPGM20000011", allowMissingSerial: true }),
        InputError,
      );
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
