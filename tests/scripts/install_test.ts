/**
 * Tests of scripts/install.ts: `deno task install` into a temporary DENO_INSTALL_ROOT, then the
 * installed `itkpd` command used as a person would, from another folder and with no `deno` on
 * PATH: its help, a local wire-bond step with a relative input (the output lands in that
 * folder), get-token against the sandbox (the session under the $HOME it runs with), a missing
 * permission (one line, exit 3), an unknown command; then `deno task uninstall`.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { generateDage } from "../../lib/fixtures/mod.ts";
import { readTaskCommands, SUBCOMMANDS } from "../../lib/install/tasks.ts";
import { subcommandSummary } from "../../lib/install/launcher.ts";
import { startSandbox } from "../../lib/sandbox/mod.ts";
import { assertOneLine } from "../_helpers/assertions.ts";
import { denoDir, runTask, type TaskResult } from "../_helpers/task.ts";

const ROOT = fileURLToPath(new URL("../../", import.meta.url)).replace(/\/$/, "");

/** Runs the installed command in `cwd`, with no `deno` on PATH and nothing else inherited. */
async function itkpd(
  command: string,
  args: string[],
  cwd: string,
  env: Record<string, string>,
): Promise<TaskResult> {
  const out = await new Deno.Command(command, {
    args,
    cwd,
    clearEnv: true,
    env: { PATH: "/usr/bin:/bin", NO_COLOR: "1", DENO_DIR: denoDir(), ...env },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

Deno.test("deno task install: the itkpd command, from any folder", async (t) => {
  const dir = await Deno.makeTempDir({ prefix: "itkpd-installed-" });
  const installRoot = join(dir, "deno root");
  const command = join(installRoot, "bin", "itkpd");
  const home = join(dir, "home");
  const work = join(dir, "work");
  await Deno.mkdir(join(work, "data"), { recursive: true });
  await Deno.mkdir(home);
  const sandbox = await startSandbox({ port: 0, demoModules: 2 });
  try {
    await t.step("install: into $DENO_INSTALL_ROOT/bin, says how to put it on PATH", async () => {
      const r = await runTask("install", [], { env: { DENO_INSTALL_ROOT: installRoot } });
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, new RegExp(`^installed: ${command} \\(11 commands`));
      assert.match(r.stdout, /is not on your PATH yet: add it/);
      assert.ok((await Deno.stat(command)).mode! & 0o111, "executable");
    });

    await t.step("itkpd --help: one line per step, from the tasks' descriptions", async () => {
      const r = await itkpd(command, ["--help"], work, { HOME: home });
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /^Usage: itkpd COMMAND \[FLAGS\]\n/);
      const config = await Deno.readTextFile(join(ROOT, "deno.json"));
      for (const c of readTaskCommands(config, SUBCOMMANDS)) {
        assert.ok(
          r.stdout.split("\n").some((l) =>
            l.startsWith(`  ${c.name} `) && l.endsWith(subcommandSummary(c.description))
          ),
          `${c.name} in:\n${r.stdout}`,
        );
      }
      assert.match(r.stdout, /get an ITkPD token: eval "\$\(itkpd get-token\)"/);
    });

    await t.step("itkpd <step> --help: the step's help, named the itkpd way", async () => {
      const r = await itkpd(command, ["upload-wirebond-results", "--help"], work, { HOME: home });
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /^Usage: itkpd upload-wirebond-results --input FILE\.csv/);
      assert.equal(r.stderr, "");
    });

    await t.step(
      "a local wire-bond run: a relative input, the output in the user's folder",
      async () => {
        await Deno.writeTextFile(
          join(work, "data", "m.csv"),
          generateDage({ index: 1 }).text,
        );
        const r = await itkpd(
          command,
          [
            "upload-wirebond-results",
            "--input",
            "data/m.csv",
            "--component",
            "20UPGM20000001",
            "--institution",
            "SANDBOX_A",
            "--out",
            "m.json",
          ],
          work,
          { HOME: home },
        );
        assert.equal(r.code, 0, r.stderr);
        assert.equal(r.stderr, "", "nothing echoed, nothing downloaded");
        assert.match(r.stdout, new RegExp(`wrote ${join(work, "m.json")}`));
        const run = JSON.parse(await Deno.readTextFile(join(work, "m.json")));
        assert.equal(run.component, "20UPGM20000001");
        await assert.rejects(Deno.stat(join(ROOT, "m.json")), Deno.errors.NotFound);
      },
    );

    await t.step("offline: with an empty Deno cache, nothing is fetched", async () => {
      // A fresh DENO_DIR: a plain `deno run` asks the npm registry about the packages before it
      // runs (through the proxy below: it connects, fails, and goes on). The command runs with
      // --cached-only from the clone's node_modules: not one connection. Each connection is
      // closed as soon as it is accepted; a run that tried one has waited for that close.
      const proxy = Deno.listen({ hostname: "127.0.0.1", port: 0 });
      let connections = 0;
      const accepting = (async () => {
        for await (const conn of proxy) {
          connections++;
          conn.close();
        }
      })();
      try {
        const url = `http://127.0.0.1:${proxy.addr.port}`;
        const r = await itkpd(
          command,
          [
            "upload-wirebond-results",
            "--input",
            "data/m.csv",
            "--component",
            "20UPGM20000001",
            "--institution",
            "SANDBOX_A",
            "--out",
            "offline.json",
          ],
          work,
          {
            HOME: home,
            DENO_DIR: join(dir, "empty deno cache"),
            HTTPS_PROXY: url,
            HTTP_PROXY: url,
          },
        );
        assert.equal(r.code, 0, r.stderr);
        assert.equal(r.stderr, "");
        assert.ok((await Deno.stat(join(work, "offline.json"))).isFile);
        assert.equal(connections, 0, "a connection was made");
      } finally {
        proxy.close();
        await accepting.catch(() => {});
      }
    });

    await t.step(
      "get-token against the sandbox; the session under the $HOME it ran with",
      async () => {
        const r = await itkpd(command, ["get-token"], work, {
          HOME: home,
          ITKPD_NO_SESSION: "",
          ...sandbox.env(),
        });
        assert.equal(r.code, 0, r.stderr);
        assert.match(
          r.stdout,
          /^export ITK_DB_AUTH='eyJ[\w.-]+'\nexport ITK_DB_AUTH_EXPIRES_AT=\d+\n$/,
        );
        assert.ok((await Deno.stat(join(home, ".itkpd", "session.json"))).isFile);
      },
    );

    await t.step("a permission the task does not grant: one line, exit 3", async () => {
      const r = await itkpd(command, ["get-token"], work, {
        HOME: home,
        ITKPD_NO_SESSION: "1",
        ITKDB_API_URL: "https://db.example.org/api/",
        ITKDB_AUTH_URL: "https://db.example.org/auth/",
        ITKDB_ACCESS_CODE1: "a",
        ITKDB_ACCESS_CODE2: "b",
      });
      assertOneLine(r, 3);
      assert.match(
        r.stderr,
        /^error: permission missing: Requires net access to "db\.example\.org:443"\. The command `itkpd get-token` allows the ITkPD hosts only/,
      );
    });

    await t.step("a mistake of the command line: one line, exit 2", async () => {
      assertOneLine(await itkpd(command, ["get-tokne"], work, { HOME: home }), 2);
      const bad = await itkpd(command, ["upload-iv-curve", "--inptu", "x"], work, { HOME: home });
      assertOneLine(bad, 2);
      assert.match(bad.stderr, /^error: unknown flag --inptu \(did you mean --input\?\)/);
    });

    await t.step("uninstall removes it", async () => {
      const r = await runTask("uninstall", [], { env: { DENO_INSTALL_ROOT: installRoot } });
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, `removed ${command}\n`);
      await assert.rejects(Deno.stat(command), Deno.errors.NotFound);
    });
  } finally {
    await sandbox.close();
    await Deno.remove(dir, { recursive: true });
  }
});
