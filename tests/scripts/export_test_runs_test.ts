/**
 * `deno task export-test-runs` as a real subprocess with its task's flags, against an
 * in-process sandbox holding a generated production: CSV and JSON, per run and per pull, the
 * cache (a second export fetches nothing; offline needs no network), and the usage mistakes.
 */
import assert from "node:assert/strict";
// @ts-types="npm:@types/papaparse"
import Papa from "papaparse";
import { ItkpdClient } from "../../lib/client/mod.ts";
import { generateProduction } from "../../lib/demo/production.ts";
import { startSandbox } from "../../lib/sandbox/mod.ts";
import { runTask, testHome, withoutFlag } from "../_helpers/task.ts";

function oneLine(stderr: string): string {
  const lines = stderr.trim().split("\n");
  assert.equal(lines.length, 1, stderr);
  return lines[0];
}

Deno.test("deno task export-test-runs", async (t) => {
  const sb = await startSandbox({});
  const client = new ItkpdClient({ env: sb.env(), onWarning: () => {} });
  const out = await Deno.makeTempDir({ prefix: "itkpd-export-" });
  const cache = `${testHome()}/.itkpd/export-test-${crypto.randomUUID().slice(0, 8)}.sqlite`;
  try {
    const made = await generateProduction(client, { modules: 45, attachFailing: true });
    const env = sb.env();
    const bulkCalls = () => sb.stats().byCommand.getTestRunBulk ?? 0;
    const base = ["--test-type", "WIREBOND_PULL_TEST", "--cache", cache];

    await t.step("CSV, one row per run, every result and property a column", async () => {
      const r = await runTask("export-test-runs", [...base, "--out", "runs.csv"], {
        env,
        cwd: out,
      });
      assert.equal(r.code, 0, r.stderr);
      assert.match(
        r.stdout,
        new RegExp(
          `listed ${made.runs.length} run\\(s\\) of WIREBOND_PULL_TEST; fetched ` +
            `${made.runs.length} new or changed, 0 unchanged \\(1 getTestRunBulk call\\(s\\)\\)`,
        ),
      );
      assert.match(r.stdout, new RegExp(`wrote ${made.runs.length} run row\\(s\\) to runs\\.csv`));
      assert.equal(bulkCalls(), 1);
      const parsed = Papa.parse<Record<string, string>>(
        await Deno.readTextFile(`${out}/runs.csv`),
        { header: true, skipEmptyLines: true },
      );
      assert.deepEqual(parsed.errors, []);
      const rows = parsed.data;
      assert.equal(rows.length, made.runs.length);
      assert.equal(new Set(rows.map((x) => x.id)).size, rows.length, "every run once");
      for (
        const col of [
          "serial",
          "institution",
          "passed",
          "property.BOND_GROUPS",
          "PULL_STRENGTH_MIN",
        ]
      ) {
        assert.ok(col in rows[0], col);
      }
      const first = made.runs[0];
      const row = rows.find((x) => x.id === first.runId)!;
      assert.equal(row.serial, first.serial);
      assert.equal(row.passed, String(first.passed));
      const pulls = JSON.parse(row.PULL_STRENGTH_DATA);
      assert.equal(pulls.length, Number(row.WIRE_PULLS));
      const attached = made.runs.find((x) => x.attachment)!;
      assert.equal(
        rows.find((x) => x.id === attached.runId)!.attachments,
        `${attached.serial}.csv`,
      );
    });

    await t.step("again: from the cache, nothing fetched", async () => {
      const r = await runTask("export-test-runs", [...base, "--out", "again.csv"], {
        env,
        cwd: out,
      });
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /fetched 0 new or changed, \d+ unchanged \(0 getTestRunBulk/);
      assert.equal(bulkCalls(), 1);
      assert.equal(
        await Deno.readTextFile(`${out}/again.csv`),
        await Deno.readTextFile(`${out}/runs.csv`),
      );
    });

    await t.step("--per-pull JSON for one institution and a date range", async () => {
      const r = await runTask("export-test-runs", [
        ...base,
        "--per-pull",
        "--institution",
        "SANDBOX_C",
        "--from",
        "2024-02-01",
        "--to",
        "2024-03-15",
        "--out",
        "pulls.json",
      ], { env, cwd: out });
      assert.equal(r.code, 0, r.stderr);
      const want = made.runs.filter((x) =>
        x.institution === "SANDBOX_C" && x.date.slice(0, 10) <= "2024-03-15"
      );
      const rows = JSON.parse(await Deno.readTextFile(`${out}/pulls.json`));
      assert.deepEqual(
        new Set(rows.map((x: { runId: string }) => x.runId)),
        new Set(want.map((x) => x.runId)),
      );
      assert.equal(rows.length, want.length * 60);
      assert.deepEqual(Object.keys(rows[0]), [
        "serial",
        "institution",
        "date",
        "runNumber",
        "runId",
        "pull",
        "strength",
        "breakMode",
        "breakModeName",
        "location",
        "bondGroup",
      ]);
      assert.ok(rows.every((x: { bondGroup: string }) => /^r[12] 2[024]g$/.test(x.bondGroup)));
      assert.ok(rows.some((x: { breakModeName: string }) => x.breakModeName === "midspan break"));
      assert.match(
        r.stdout,
        new RegExp(`wrote ${rows.length} pull row\\(s\\) of ${want.length} run`),
      );
    });

    await t.step("--offline works without any network permission", async () => {
      const r = await runTask("export-test-runs", [...base, "--offline", "--out", "off.csv"], {
        env,
        cwd: out,
        editArgs: withoutFlag("--allow-net"),
      });
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /^offline: from the cache as refreshed \d{4}-/);
      assert.equal(
        await Deno.readTextFile(`${out}/off.csv`),
        await Deno.readTextFile(`${out}/runs.csv`),
      );
    });

    await t.step("mistakes: one line, exit 2", async () => {
      const cases: [string[], RegExp][] = [
        [["--out", "x.csv"], /^error: --test-type CODE is required/],
        [[...base], /^error: --out FILE is required/],
        [
          [...base, "--out", "x.xlsx"],
          /^error: --out must end in \.csv or \.json, got '.*x\.xlsx'/,
        ],
        [[...base, "--out", "x.csv", "--from", "2024-3-1"], /--from must be a day YYYY-MM-DD/],
        [[...base, "--out", "x.csv", "--project", "Q"], /project must be one of S, P, CM, CE/],
        [
          ["--test-type", "IV_MEASURE", "--cache", cache, "--out", "x.csv", "--per-pull"],
          /--per-pull needs --test-type WIREBOND_PULL_TEST/,
        ],
        [[...base, "--out", "x.csv", "--offline", "--full"], /--offline and --full exclude/],
        [
          ["--test-type", "WIREBOND_PULL_TEST", "--cache", `${out}/c.sqlite`, "--out", "x.csv"],
          /^error: --cache .*c\.sqlite: this task may read only under \$HOME\/\.itkpd/,
        ],
        [
          [...base, "--out", "x.csv", "--concurency", "2"],
          /unknown flag --concurency \(did you mean --concurrency\?\)/,
        ],
      ];
      for (const [args, message] of cases) {
        const r = await runTask("export-test-runs", args, { env, cwd: out });
        assert.equal(r.code, 2, `${args.join(" ")}: ${r.stdout}${r.stderr}`);
        assert.match(oneLine(r.stderr), message);
      }
      assert.equal(bulkCalls(), 1);
    });

    await t.step("an unknown test type: the service's answer in one line, exit 1", async () => {
      const r = await runTask("export-test-runs", [
        "--test-type",
        "NO_SUCH_TEST",
        "--cache",
        cache,
        "--out",
        "x.csv",
      ], { env, cwd: out });
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stderr, /testTypeDoesNotExist|NO_SUCH_TEST/);
      assert.doesNotMatch(r.stderr, /\n\s+at /);
    });

    await t.step("without --allow-env: one line naming the permission, exit 3", async () => {
      const r = await runTask("export-test-runs", [...base, "--out", "x.csv"], {
        env,
        cwd: out,
        editArgs: withoutFlag("--allow-env"),
      });
      assert.equal(r.code, 3, r.stderr);
      assert.match(oneLine(r.stderr), /^error: permission missing: Requires env access/);
    });
  } finally {
    client.close();
    await sb.close();
    await Deno.remove(out, { recursive: true });
    await Deno.remove(cache).catch(() => {});
  }
});
