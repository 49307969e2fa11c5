import { resolve } from "node:path";
import assert from "node:assert/strict";
import { parseCli } from "../../lib/sandbox/cli.ts";
import { startSandbox } from "../../lib/sandbox/mod.ts";
import { http, tempDir, tokenOf, wirebondRun } from "./_helpers.ts";
import { testPki } from "../_helpers/tls.ts";

const ROOT = new URL("../../", import.meta.url);
const MAIN = new URL("lib/sandbox/main.ts", ROOT).pathname;
const FLAGS = ["run", "--allow-net=127.0.0.1", "--allow-read", "--allow-write", MAIN];

/** The child's environment: no RUST_BACKTRACE, no colours, and nothing else it needs to read. */
function childEnv(): Record<string, string> {
  const env: Record<string, string> = { NO_COLOR: "1" };
  for (const key of ["PATH", "HOME", "DENO_DIR", "XDG_CACHE_HOME", "TMPDIR"]) {
    const v = Deno.env.get(key);
    if (v !== undefined) env[key] = v;
  }
  return env;
}

function spawn(args: string[]) {
  return new Deno.Command(Deno.execPath(), {
    args: [...FLAGS, ...args],
    cwd: ROOT.pathname,
    env: childEnv(),
    clearEnv: true,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
}

/** Reads stdout lines until `n` have arrived; returns them and the rest of the stream. */
async function firstLines(stream: ReadableStream<Uint8Array>, n: number) {
  const reader = stream.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  while (text.split("\n").length <= n) {
    const { value, done } = await reader.read();
    if (done) break;
    text += value;
  }
  return { lines: text.split("\n").slice(0, n), reader };
}

Deno.test("parseCli", async (t) => {
  const pki = await testPki();
  await t.step("maps every flag", () => {
    const { options } = parseCli([
      "--port=8080",
      "--db",
      "x.db",
      "--access-code1",
      "a",
      "--access-code2",
      "b",
      "--token-ttl",
      "60",
      "--demo-modules",
      "5",
      "--latency-ms",
      "10",
      "--fail-rate",
      "0.1",
      "--drop-rate",
      "0.05",
      "--slow-commit-rate",
      "0.2",
      "--slow-commit-ms",
      "300",
      "--seed",
      "9",
      "--tls-cert",
      pki.server.cert,
      "--tls-key",
      pki.server.key,
    ]);
    assert.deepEqual(options, {
      port: 8080,
      db: resolve(Deno.cwd(), "x.db"),
      accessCode1: "a",
      accessCode2: "b",
      tokenTtlSeconds: 60,
      demoModules: 5,
      latencyMs: 10,
      failRate: 0.1,
      dropRate: 0.05,
      slowCommitRate: 0.2,
      slowCommitMs: 300,
      seed: 9,
      tlsCert: pki.server.cert,
      tlsKey: pki.server.key,
    });
  });
  await t.step("refuses bad flags and values with a UsageError (exit 2)", () => {
    for (
      const [args, message] of [
        [["--nope"], /unknown flag --nope; see --help/],
        [["--port", "x"], /--port must be an integer from 0 to 65535, got 'x'/],
        [["--fail-rate", "1.5"], /--fail-rate must be a number from 0 to 1, got '1\.5'/],
        [["--slow-commit-rate", "2"], /--slow-commit-rate must be a number from 0 to 1/],
        [["--access-code1", "a"], /give both --access-code1 and --access-code2/],
        [["stray"], /unexpected argument 'stray'/],
        [["--tls-cert", pki.server.cert], /give both --tls-cert and --tls-key, or neither/],
        [["--tls-key", pki.server.key], /give both --tls-cert and --tls-key, or neither/],
        [
          ["--tls-cert", "nowhere.pem", "--tls-key", "x"],
          /--tls-cert: cannot read nowhere\.pem \(no such file\)/,
        ],
      ] as [string[], RegExp][]
    ) {
      assert.throws(() => parseCli(args), (e: Error & { exitCode?: number }) => {
        assert.equal(e.name, "UsageError");
        assert.equal(e.exitCode, 2);
        assert.match(e.message, message);
        return true;
      });
    }
  });
});

Deno.test("sandbox CLI as a subprocess", async (t) => {
  await t.step("bad flag → one line on stderr, exit 2, no stack trace", async () => {
    const out = await new Deno.Command(Deno.execPath(), {
      args: [...FLAGS, "--bogus"],
      cwd: ROOT.pathname,
      env: childEnv(),
      clearEnv: true,
    }).output();
    assert.equal(out.code, 2);
    const err = new TextDecoder().decode(out.stderr).trim();
    assert.equal(err.split("\n").length, 1, err);
    assert.match(err, /^sandbox: unknown flag --bogus; see --help/);
    assert.equal(new TextDecoder().decode(out.stdout), "");
  });

  await t.step("--tls-cert/--tls-key: serves HTTPS and prints https:// URLs", async () => {
    const pki = await testPki();
    const child = spawn([
      "--tls-cert",
      pki.server.cert,
      "--tls-key",
      pki.server.key,
      "--access-code1",
      "tls-one",
      "--access-code2",
      "tls-two",
    ]);
    const stderr = new Response(child.stderr).text();
    const { lines, reader } = await firstLines(child.stdout, 2);
    const [api, auth] = lines.map((l) => l.slice(l.indexOf("=") + 1));
    assert.match(lines[0], /^ITKDB_API_URL=https:\/\/127\.0\.0\.1:\d+\/api\/$/);
    assert.match(lines[1], /^ITKDB_AUTH_URL=https:\/\/127\.0\.0\.1:\d+\/auth\/$/);
    const trusting = Deno.createHttpClient({ caCerts: [pki.caPem] });
    try {
      const grant = await fetch(auth + "grantToken", {
        method: "POST",
        body: JSON.stringify({ accessCode1: "tls-one", accessCode2: "tls-two" }),
        client: trusting,
      });
      assert.equal(grant.status, 200);
      assert.match((await grant.json()).id_token, /^eyJ/);
      await assert.rejects(fetch(api + "listInstitutions"), (e: Error) => {
        assert.match(String((e.cause as Error | undefined)?.message), /UnknownIssuer/);
        return true;
      });
    } finally {
      trusting.close();
      child.kill("SIGTERM");
      assert.equal((await child.status).code, 0);
      await reader.cancel();
    }
    assert.match(await stderr, /sandbox: serving HTTPS on 127\.0\.0\.1:\d+/);
  });

  await t.step("prints the four env lines, serves, exits cleanly on SIGTERM", async () => {
    const dir = await tempDir();
    const db = `${dir.path}/cli.db`;
    try {
      const child = spawn([
        "--port",
        "0",
        "--db",
        db,
        "--demo-modules",
        "3",
        "--access-code1",
        "cli-secret-one",
        "--access-code2",
        "cli-secret-two",
      ]);
      const stderr = new Response(child.stderr).text();
      const { lines, reader } = await firstLines(child.stdout, 4);
      assert.deepEqual(lines.map((l) => l.split("=")[0]), [
        "ITKDB_API_URL",
        "ITKDB_AUTH_URL",
        "ITKDB_ACCESS_CODE1",
        "ITKDB_ACCESS_CODE2",
      ]);
      const env = Object.fromEntries(
        lines.map((l) => [l.split("=")[0], l.slice(l.indexOf("=") + 1)]),
      );
      assert.match(env.ITKDB_API_URL, /^http:\/\/127\.0\.0\.1:\d+\/api\/$/);
      assert.equal(env.ITKDB_ACCESS_CODE1, "cli-secret-one");
      const port = Number(new URL(env.ITKDB_API_URL).port);

      // A second writer in this process on the same file, while the child serves too.
      const local = await startSandbox({
        db,
        accessCode1: "cli-secret-one",
        accessCode2: "cli-secret-two",
      });
      try {
        const remote = {
          apiUrl: env.ITKDB_API_URL,
          authUrl: env.ITKDB_AUTH_URL,
          accessCode1: "cli-secret-one",
          accessCode2: "cli-secret-two",
        };
        const tokenR = await tokenOf(remote);
        const tokenL = await tokenOf(local);
        const jobs = [];
        for (let i = 0; i < 20; i++) {
          jobs.push(
            http(remote.apiUrl + "uploadTestRunResults", {
              token: tokenR,
              body: wirebondRun("20UPGM20000001", `r${i}`),
            }),
          );
          jobs.push(
            http(local.apiUrl + "uploadTestRunResults", {
              token: tokenL,
              body: wirebondRun("20UPGM20000001", `l${i}`),
            }),
          );
        }
        const answers = await Promise.all(jobs);
        assert.deepEqual(answers.map((a) => a.status).filter((s) => s !== 200), []);
        const list = await http(`http://127.0.0.1:${port}/api/listTestRunsByComponent`, {
          token: tokenL,
          body: { filterMap: { code: "20UPGM20000001" } },
        });
        assert.equal(list.status, 200, "a token of one instance is valid on the other");
        assert.equal(list.json.itemList.length, 40);
      } finally {
        await local.close();
      }

      child.kill("SIGTERM");
      const status = await child.status;
      await reader.cancel();
      assert.equal(status.code, 0);
      const log = await stderr;
      assert.match(log, /sandbox: stopped/);
      assert.ok(!log.includes("eyJ"), "no token in the log");
      assert.ok(!log.includes("cli-secret"), "no access code on stderr");

      const again = await startSandbox({ db });
      try {
        const token = await tokenOf(again);
        const list = await http(again.apiUrl + "listTestRunsByComponent", {
          token,
          body: { filterMap: { code: "20UPGM20000001" } },
        });
        assert.equal(list.json.itemList.length, 40, "everything was flushed to the file");
      } finally {
        await again.close();
      }
    } finally {
      await dir.remove();
    }
  });
});
