import assert from "node:assert/strict";
import { itemsOf, paginateWith } from "../../lib/client/mod.ts";
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
  // Time, shared by the sandbox and the client, moves 1 s with each page served: the 2 s
  // tokens lapse between pages (no real waiting).
  let now = Date.now();
  const clock = () => now;
  const log = (line: string) => void (/listComponents/.test(line) && (now += 1000));
  await withSandbox({ demoModules: 12, tokenTtlSeconds: 2, now: clock, log }, async (sb) => {
    const { client, lines } = clientFor(sb, { now: clock });
    try {
      const all = await client.listComponents({ project: "P" }, { pageSize: 2 });
      assert.equal(all.length, 12);
      assert.equal(sb.stats().byCommand.listComponents, 6);
      assert.ok(client.stats().grants >= 3, `grants: ${client.stats().grants}`);
      assert.ok(!lines.some((l) => /token refused/.test(l)), "renewed before each lapse");
    } finally {
      client.close();
    }
  });
});

Deno.test("paging helpers", async (t) => {
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
