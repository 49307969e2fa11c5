/**
 * Planning a batch (lib/batch/plan.ts): a large ("light") plan keeps each run's values as JSON
 * text, so that nothing is read, parsed or checked twice, and what is sent is what was planned;
 * beyond its budget it keeps only the identity and prepares the file again before the upload.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { DEFAULT_BREAK_MODE_MAPPING } from "../../lib/analysis/mod.ts";
import { discoverInputs } from "../../lib/batch/discover.ts";
import { COMPONENT_REFS, componentRefs, dtoInFor, planBatch } from "../../lib/batch/plan.ts";
import { UnexpectedAnswerError } from "../../lib/client/errors_map.ts";
import { CommandAnswers } from "../../lib/client/commands.ts";
import { seededRandom } from "../../lib/fixtures/_prng.ts";
import { wirebondRun } from "../client/_helpers.ts";
import { batchWorld } from "./_helpers.ts";

Deno.test("planBatch: a light plan sends what it planned, without reading the files again", async (t) => {
  const w = await batchWorld(6);
  try {
    const files = await discoverInputs(w.dir);
    const opts = { mapping: DEFAULT_BREAK_MODE_MAPPING, institution: "SANDBOX_A" };
    const full = await planBatch(w.client, files, { ...opts, light: false });
    const light = await planBatch(w.client, files, { ...opts, light: true });
    const tight = await planBatch(w.client, files, { ...opts, light: true, keptBytes: 0 });
    assert.equal(light.toCreate.length, 6);

    await t.step("the values are kept as text, once, the objects emptied", () => {
      for (const item of light.toCreate) {
        assert.equal(item.light, true);
        assert.deepEqual(item.dtoIn.results, {});
        assert.match(
          item.checked!.text,
          /^\{"component":.*"properties":\{.*"results":\{.*"PULL_STRENGTH_DATA":/,
        );
        assert.equal(item.values, undefined, "the checked text replaces the kept values");
        assert.equal(item.text, undefined, "the prepared text is let go");
      }
      for (const item of tight.toCreate) assert.equal(item.values, undefined, "over the budget");
    });

    await t.step("a kept run is sent as its checked text: the JSON of the run planned", () => {
      for (let i = 0; i < full.toCreate.length; i++) {
        const item = light.toCreate[i];
        assert.equal(item.checked?.command, "uploadTestRunResults");
        // What the client sends for the full plan's dtoIn (checked there, then serialised).
        assert.equal(item.checked!.text, JSON.stringify(full.toCreate[i].dtoIn));
        assert.equal(JSON.parse(item.checked!.text).component, item.dtoIn.component);
      }
      for (const item of tight.toCreate) assert.equal(item.checked, undefined, "over the budget");
    });

    // The files are gone: a plan that kept the values still has them; one that did not
    // must read the file again, and says that it changed.
    for (const f of files) await Deno.remove(f.path);
    await t.step("the dtoIn sent is the one planned", async () => {
      for (let i = 0; i < full.toCreate.length; i++) {
        assert.deepEqual(await dtoInFor(light, light.toCreate[i]), full.toCreate[i].dtoIn);
      }
    });
    await t.step("beyond the budget the file is prepared again", async () => {
      await assert.rejects(
        dtoInFor(tight, tight.toCreate[0]),
        /the file changed since the plan/,
      );
    });
  } finally {
    await w.close();
  }
});

Deno.test("planBatch: beyond the budget a light item is prepared again, same run", async () => {
  const w = await batchWorld(3);
  try {
    const files = await discoverInputs(w.dir);
    const opts = { mapping: DEFAULT_BREAK_MODE_MAPPING, institution: "SANDBOX_A" };
    const full = await planBatch(w.client, files, { ...opts, light: false });
    const tight = await planBatch(w.client, files, { ...opts, light: true, keptBytes: 0 });
    for (let i = 0; i < full.toCreate.length; i++) {
      assert.deepEqual(await dtoInFor(tight, tight.toCreate[i]), full.toCreate[i].dtoIn);
    }
    // A file edited since the plan (another run now) is refused, never sent as planned.
    const edited = join(w.dir, files[0].display);
    const text = await Deno.readTextFile(edited);
    await Deno.writeTextFile(
      edited,
      text.replace(/"TEST",1,"(\d)",([\d.]+)/, '"TEST",1,"$1",99.5'),
    );
    await assert.rejects(dtoInFor(tight, tight.toCreate[0]), /changed since the plan \(now run/);
  } finally {
    await w.close();
  }
});

Deno.test("planBatch: of the components it looks up, the fields it reads are checked as the client checks them (directly when plainly valid)", async () => {
  const w = await batchWorld(3);
  try {
    const serials = ["20UPGM20000001", "20UPGM20000002", "20UPGM20000003"];
    const real = await w.client.call<{ itemList: Record<string, unknown>[] }>(
      "getComponentBulk",
      { component: serials },
    );
    assert.equal(real.itemList.length, 3);
    const full = CommandAnswers.getComponentBulk;
    const random = seededRandom(7).next;
    const odd = [undefined, null, "", "X", 12, true, {}, ["a"]];
    let refused = 0;
    for (let k = 0; k < 300; k++) {
      const answer = structuredClone(real);
      for (const c of answer.itemList) {
        for (const key of ["code", "serialNumber", "id"]) {
          if (random() < 0.2) {
            const v = odd[Math.floor(random() * odd.length)];
            if (v === undefined) delete c[key];
            else c[key] = v;
          }
        }
      }
      // Now and then the answer's own shape is odd too (the plan's direct reading gives up on it).
      const shaped = structuredClone(answer) as Record<string, unknown>;
      const items = shaped.itemList as unknown[];
      const pick = random();
      if (pick < 0.05) shaped.itemList = [null, {}, "x", 3][Math.floor(random() * 4)];
      else if (pick < 0.1) items[Math.floor(random() * items.length)] = [["a"], null, 7][k % 3];
      else if (pick < 0.15) shaped.uuAppErrorMap = {};
      else if (pick < 0.2) shaped.uuAppErrorMap = { "a/b": { type: "warning", message: "m" } };
      else if (pick < 0.25) shaped.uuAppErrorMap = { "a/b": { type: 3 } };
      const direct = COMPONENT_REFS.safeParse(shaped);
      if (direct.success) assert.deepStrictEqual(componentRefs(shaped), direct.data.itemList);
      else assert.throws(() => componentRefs(shaped), UnexpectedAnswerError);

      const slim = COMPONENT_REFS.safeParse(answer);
      const reference = full.safeParse(answer);
      assert.equal(slim.success, reference.success, JSON.stringify(answer.itemList));
      if (!slim.success || !reference.success) {
        refused++;
        assert.deepEqual(
          slim.error!.issues.map((i) => i.path),
          reference.error!.issues.map((i) => i.path),
        );
        continue;
      }
      assert.deepEqual(
        slim.data.itemList,
        reference.data.itemList.map((c) => ({
          ...(c.id === undefined ? {} : { id: c.id }),
          code: c.code,
          ...(c.serialNumber === undefined ? {} : { serialNumber: c.serialNumber }),
        })),
      );
    }
    assert.ok(refused > 50 && refused < 250, `${refused} refused`);
  } finally {
    await w.close();
  }
});

Deno.test("planBatch: a run kept as checked text is sent with the component the plan resolved", async () => {
  const w = await batchWorld(2);
  try {
    // A test-run file that names its component by code: the plan sends it by serial number.
    const { code } = await w.client.getComponent({ component: "20UPGM20000001" });
    assert.notEqual(code, "20UPGM20000001");
    await Deno.writeTextFile(
      join(w.dir, "by-code.json"),
      JSON.stringify({ ...wirebondRun(1, "9"), component: code }),
    );
    const files = await discoverInputs(w.dir);
    const opts = { mapping: DEFAULT_BREAK_MODE_MAPPING, institution: "SANDBOX_A" };
    const full = await planBatch(w.client, files, { ...opts, light: false });
    const light = await planBatch(w.client, files, { ...opts, light: true });
    const at = light.toCreate.findIndex((i) => i.dtoIn.testType === "WIREBOND");
    assert.ok(at >= 0, "the file is planned");
    const item = light.toCreate[at];
    assert.equal(item.dtoIn.component, "20UPGM20000001");
    assert.equal(JSON.parse(item.checked!.text).component, "20UPGM20000001");
    assert.equal(item.checked!.text, JSON.stringify(full.toCreate[at].dtoIn));
  } finally {
    await w.close();
  }
});
