import assert from "node:assert/strict";
import { chunk, itemsOf, mapLimit, orderByInput, paginateWith } from "../../lib/client/mod.ts";
import { demoSerial } from "../../lib/fixtures/serials.ts";
import { clientFor, withSandbox } from "./_helpers.ts";

Deno.test("paging: list commands page through pageInfo", async (t) => {
  await withSandbox({ demoModules: 25 }, async (sb) => {
    const { client } = clientFor(sb);
    try {
      await t.step("collect over several pages gives every item once", async () => {
        const before = sb.stats().byCommand.listComponents ?? 0;
        const all = await client.listComponents(
          { project: "P", componentType: "MODULE" },
          { pageSize: 10 },
        );
        assert.equal(all.length, 25);
        assert.equal(new Set(all.map((c) => c.code)).size, 25);
        assert.equal((sb.stats().byCommand.listComponents ?? 0) - before, 3);
      });
      await t.step("paginate is an async iterator over the items", async () => {
        const codes: string[] = [];
        for await (const item of client.paginate("listInstitutions", {}, { pageSize: 1 })) {
          codes.push((item as { code: string }).code);
        }
        assert.ok(codes.length >= 2, "more than one page");
        assert.equal(new Set(codes).size, codes.length);
        assert.ok(codes.includes("SANDBOX_A"));
      });
      await t.step("itemList answers page too (listTestRunsByComponent)", async () => {
        const runs = await client.listTestRunsByComponent({
          filterMap: { code: demoSerial(1) },
        }, { pageSize: 2 });
        assert.ok(Array.isArray(runs));
      });
    } finally {
      client.close();
    }
  });
});

Deno.test("paging: the token is renewed in the middle of paging", async () => {
  await withSandbox({ demoModules: 12, tokenTtlSeconds: 2, latencyMs: 400 }, async (sb) => {
    const { client } = clientFor(sb);
    try {
      const all = await client.listComponents({ project: "P" }, { pageSize: 2 });
      assert.equal(all.length, 12);
      assert.ok(client.stats().grants >= 2, `grants: ${client.stats().grants}`);
    } finally {
      client.close();
    }
  });
});

Deno.test("bulk: more than 100 ids go in chunks, results in input order", async (t) => {
  await withSandbox({ demoModules: 230 }, async (sb) => {
    const { client } = clientFor(sb);
    try {
      await t.step("getComponentBulk with 230 serials (reversed, one unknown)", async () => {
        const serials = Array.from({ length: 230 }, (_, i) => demoSerial(230 - i));
        serials.splice(150, 0, "20UPGM29999999");
        const components = await client.getComponentBulk(serials);
        assert.equal(components.length, 230);
        assert.deepEqual(
          components.map((c) => c.serialNumber),
          serials.filter((s) => s !== "20UPGM29999999"),
        );
        assert.equal(sb.stats().byCommand.getComponentBulk, 3);
      });
      await t.step("an empty list sends nothing", async () => {
        assert.deepEqual(await client.getComponentBulk([]), []);
        assert.equal(sb.stats().byCommand.getComponentBulk, 3);
      });
    } finally {
      client.close();
    }
  });
});

Deno.test("paging and bulk helpers", async (t) => {
  await t.step("chunk", () => {
    assert.deepEqual(chunk([1, 2, 3, 4, 5], 2), [[1, 2], [3, 4], [5]]);
    assert.throws(() => chunk([1], 0), RangeError);
  });
  await t.step("mapLimit keeps order and bounds concurrency", async () => {
    let running = 0;
    let peak = 0;
    const out = await mapLimit([5, 1, 3, 2], 2, async (n) => {
      peak = Math.max(peak, ++running);
      await new Promise((r) => setTimeout(r, n));
      running--;
      return n * 10;
    });
    assert.deepEqual(out, [50, 10, 30, 20]);
    assert.equal(peak, 2);
  });
  await t.step("orderByInput", () => {
    const items = [{ id: "a" }, { id: "b" }, { id: "z" }];
    assert.deepEqual(orderByInput(["b", "x", "a"], items, (i) => [i.id]), [
      { id: "b" },
      { id: "a" },
      { id: "z" },
    ]);
  });
  await t.step("itemsOf reads every list key", () => {
    assert.deepEqual(itemsOf({ pageItemList: [1] }), [1]);
    assert.deepEqual(itemsOf({ itemList: [2] }), [2]);
    assert.deepEqual(itemsOf({ testRunList: [3] }), [3]);
    assert.equal(itemsOf({}), undefined);
  });
  await t.step(
    "paginateWith stops on total and refuses a service that ignores pageInfo",
    async () => {
      const data = [1, 2, 3, 4, 5];
      const got: unknown[] = [];
      for await (
        const x of paginateWith(
          "listX",
          (dto) => {
            const { pageIndex, pageSize } = dto.pageInfo as { pageIndex: number; pageSize: number };
            return Promise.resolve({
              pageItemList: data.slice(pageIndex * pageSize, (pageIndex + 1) * pageSize),
              pageInfo: { pageIndex, pageSize, total: data.length },
            });
          },
          {},
          { pageSize: 2 },
        )
      ) got.push(x);
      assert.deepEqual(got, data);
      const stuck = paginateWith(
        "listY",
        () => Promise.resolve({ pageItemList: [1, 2], pageInfo: { pageIndex: 0, pageSize: 2 } }),
        {},
        {
          pageSize: 2,
        },
      );
      await assert.rejects(
        (async () => {
          for await (const _ of stuck) { /* drain */ }
        })(),
        /ignore pageInfo/,
      );
    },
  );
});
