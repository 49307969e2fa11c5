/**
 * attachOnce against the sandbox over loopback: a file is attached to a run exactly once,
 * whatever calls it again, whoever attached it first, and whatever the network loses.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { InputError, NetworkError } from "../../lib/errors.ts";
import { generateDageFile } from "../../lib/fixtures/mod.ts";
import { attachOnce, sha256Hex } from "../../lib/upload/attach_once.ts";
import { clientFor, wirebondRun, withSandbox } from "../client/_helpers.ts";

Deno.test("attachOnce: once per file name and content", async (t) => {
  await withSandbox({ demoModules: 2 }, async (sb) => {
    const { client } = clientFor(sb);
    const dir = await Deno.makeTempDir({ prefix: "itkpd-attach-" });
    try {
      const run = await client.uploadTestRunResults(wirebondRun(1, "1"));
      const path = join(dir, "20UPGM20000001.csv");
      const text = generateDageFile({ index: 1, seed: 3 });
      await Deno.writeTextFile(path, text);
      const bytes = await Deno.readFile(path);
      let code = "";

      await t.step("first call attaches, with the content hash in the description", async () => {
        const first = await attachOnce(client, run.id, path, { description: "DAGE export" });
        assert.equal(first.attached, true);
        assert.equal(first.filename, "20UPGM20000001.csv");
        assert.equal(first.sha256, await sha256Hex(bytes));
        code = first.code;
        const stored = await client.getTestRun({ testRun: run.id });
        assert.equal(stored.attachments!.length, 1);
        assert.equal(stored.attachments![0].description, `DAGE export · sha256:${first.sha256}`);
        assert.deepEqual(await client.getTestRunAttachment({ testRun: run.id, code }), bytes);
      });

      await t.step("the same file again: not sent, the same code", async () => {
        const sent = sb.stats().byCommand.createTestRunAttachment;
        const again = await attachOnce(client, run.id, path);
        assert.deepEqual([again.attached, again.code], [false, code]);
        const asBytes = await attachOnce(client, run.id, {
          name: "20UPGM20000001.csv",
          data: bytes,
        });
        assert.deepEqual([asBytes.attached, asBytes.code], [false, code]);
        assert.equal(sb.stats().byCommand.createTestRunAttachment, sent);
        assert.equal((await client.getTestRun({ testRun: run.id })).attachments!.length, 1);
      });

      await t.step("same name, other content: attached beside it, once", async () => {
        const other = { name: "20UPGM20000001.csv", data: new TextEncoder().encode("changed\n") };
        const made = await attachOnce(client, run.id, other);
        assert.equal(made.attached, true);
        assert.notEqual(made.code, code);
        const again = await attachOnce(client, run.id, other);
        assert.equal(again.attached, false);
        assert.equal((await client.getTestRun({ testRun: run.id })).attachments!.length, 2);
      });

      await t.step("attached by another tool (no hash mark): found by its bytes", async () => {
        const run2 = await client.uploadTestRunResults(wirebondRun(2, "1"));
        const made = await client.createTestRunAttachment({
          testRun: run2.id,
          file: { name: "20UPGM20000001.csv", data: bytes },
          description: "uploaded by hand",
        });
        const downloads = sb.stats().byCommand.getTestRunAttachment ?? 0;
        const outcome = await attachOnce(client, run2.id, path);
        assert.deepEqual([outcome.attached, outcome.code], [false, made.attachments![0].code]);
        assert.equal(sb.stats().byCommand.getTestRunAttachment, downloads + 1);
        assert.equal((await client.getTestRun({ testRun: run2.id })).attachments!.length, 1);
      });

      await t.step("a file that cannot be read: one line naming it", async () => {
        await assert.rejects(
          attachOnce(client, run.id, join(dir, "missing.csv")),
          (e: Error) =>
            e instanceof InputError &&
            /missing\.csv: cannot read the file to attach \(no such file\)/.test(e.message),
        );
      });
    } finally {
      client.close();
      await Deno.remove(dir, { recursive: true });
    }
  });
});

Deno.test("attachOnce: exactly one attachment per run through dropped answers and 5xx", async () => {
  await withSandbox({ demoModules: 12, seed: 20260101 }, async (sb) => {
    const { client } = clientFor(sb, { retries: 6 });
    try {
      const runs: { id: string; data: Uint8Array }[] = [];
      for (let i = 1; i <= 12; i++) {
        const run = await client.uploadTestRunResults(wirebondRun(i, "1"));
        runs.push({ id: run.id, data: new TextEncoder().encode(generateDageFile({ index: i })) });
      }
      sb.setFaults({ dropRate: 0.35, failRate: 0.15 });
      let safeFailures = 0;
      for (const run of runs) {
        // What a re-run of a step does: call again until it reports success; every failure
        // must say that calling again is safe.
        for (let attempt = 0;; attempt++) {
          assert.ok(attempt < 50, "attachOnce keeps failing");
          try {
            await attachOnce(client, run.id, { name: "raw.csv", data: run.data });
            break;
          } catch (e) {
            if (!(e instanceof NetworkError) || e.maybeSent) throw e;
            safeFailures++;
          }
        }
      }
      sb.setFaults({ dropRate: 0, failRate: 0 });
      const stats = sb.stats();
      assert.ok(stats.dropped > 0 && stats.faults > 0, JSON.stringify(stats));
      // Some upload answers were lost after the attachment was stored.
      assert.ok(
        (stats.byCommand.createTestRunAttachment ?? 0) > runs.length,
        `${stats.byCommand.createTestRunAttachment} uploads for ${runs.length} runs`,
      );
      for (const run of runs) {
        const stored = await client.getTestRun({ testRun: run.id });
        assert.equal(stored.attachments!.length, 1, `run ${run.id}`);
        const a = stored.attachments![0];
        assert.deepEqual(
          await client.getTestRunAttachment({ testRun: run.id, code: a.code }),
          run.data,
        );
      }
      assert.ok(safeFailures > 0, "some attempts failed safely");
    } finally {
      client.close();
    }
  });
});
