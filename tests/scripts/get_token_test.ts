import assert from "node:assert/strict";
import { decodeJwt } from "jose";
import { ItkpdClient } from "../../lib/client/mod.ts";
import { startSandbox } from "../../lib/sandbox/mod.ts";
import { denoDir, runTask, taskArgs, testHome, withoutFlag } from "../_helpers/task.ts";

const SH_LINES =
  /^export ITK_DB_AUTH='(eyJ[\w-]+\.[\w-]+\.[\w-]+)'\nexport ITK_DB_AUTH_EXPIRES_AT=(\d+)\n$/;

/** Evaluates `script` in sh and answers the two variables it set. */
async function evalInSh(script: string): Promise<{ token: string; expiresAt: string }> {
  const out = await new Deno.Command("sh", {
    args: [
      "-c",
      'eval "$1"; printf "%s\\n%s" "$ITK_DB_AUTH" "$ITK_DB_AUTH_EXPIRES_AT"',
      "sh",
      script,
    ],
    clearEnv: true,
    env: { PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin" },
  }).output();
  assert.equal(out.code, 0);
  const [token, expiresAt] = new TextDecoder().decode(out.stdout).split("\n");
  return { token, expiresAt };
}

Deno.test("get-token script", async (t) => {
  const sb = await startSandbox({ port: 0, tokenTtlSeconds: 3 * 3600 });
  const env = sb.env();
  const { ITKDB_ACCESS_CODE1: code1, ITKDB_ACCESS_CODE2: code2, ...siteOnly } = env;
  try {
    await t.step("codes from the environment: stdout is exactly the two export lines", async () => {
      const r = await runTask("get-token", [], { env });
      assert.equal(r.code, 0, r.stderr);
      const m = SH_LINES.exec(r.stdout);
      assert.ok(m, r.stdout);
      const claims = decodeJwt(m[1]);
      assert.equal(Number(m[2]), claims.exp);
      assert.match(r.stderr, /^token valid until \d{4}-\d\d-\d\dT[\d:.]+Z \(in 2 h 59 min\)\n$/);
      assert.ok(!r.stderr.includes(m[1]), "the token is not on stderr");

      const { token, expiresAt } = await evalInSh(r.stdout);
      assert.equal(token, m[1]);
      assert.equal(expiresAt, m[2]);
      // The token works for a client that has no access codes.
      const client = new ItkpdClient({
        env: { ...siteOnly, ITK_DB_AUTH: token, ITK_DB_AUTH_EXPIRES_AT: expiresAt },
      });
      try {
        assert.equal((await client.listInstitutions()).length, 3);
        assert.equal(client.auth.grants, 0);
      } finally {
        client.close();
      }
    });

    await t.step("--shell powershell", async () => {
      const r = await runTask("get-token", ["--shell", "powershell"], { env });
      assert.equal(r.code, 0, r.stderr);
      assert.match(
        r.stdout,
        /^\$env:ITK_DB_AUTH = 'eyJ[\w.-]+'\n\$env:ITK_DB_AUTH_EXPIRES_AT = '\d+'\n$/,
      );
    });

    await t.step("codes through stdin (hidden prompt path), never echoed", async () => {
      const r = await runTask("get-token", [], { env: siteOnly, stdin: `${code1}\n${code2}\n` });
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, SH_LINES);
      assert.match(r.stderr, /access code 1: \naccess code 2: \ntoken valid until/);
      assert.ok(!r.stderr.includes(code1) && !r.stderr.includes(code2));
    });

    await t.step("a token already in the environment is not reused", async () => {
      // Were it used, this one would fail its checks ("not a JWT").
      const r = await runTask("get-token", [], { env: { ...env, ITK_DB_AUTH: "not-a-token" } });
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, SH_LINES);
    });

    await t.step("wrong codes: exit 1, one line, codes not echoed", async () => {
      const wrong1 = "wrong-code-one";
      const wrong2 = "wrong-code-two";
      for (
        const opts of [
          { env: { ...siteOnly, ITKDB_ACCESS_CODE1: wrong1, ITKDB_ACCESS_CODE2: wrong2 } },
          { env: siteOnly, stdin: `${wrong1}\n${wrong2}\n` },
        ]
      ) {
        const r = await runTask("get-token", [], opts);
        assert.equal(r.code, 1);
        assert.equal(r.stdout, "");
        const errors = r.stderr.split("\n").filter((l) => l.startsWith("error"));
        assert.equal(errors.length, 1, r.stderr);
        assert.match(errors[0], /^error: the identity service refused the access codes/);
        assert.ok(!r.stderr.includes(wrong1) && !r.stderr.includes(wrong2));
        assert.ok(!r.stderr.includes("    at "), "no stack trace");
      }
    });

    await t.step("no codes and stdin closed: exit 1, one line", async () => {
      const r = await runTask("get-token", [], { env: siteOnly });
      assert.equal(r.code, 1);
      assert.match(r.stderr, /error: no access code 1 given \(end of input\)\n$/);
    });

    await t.step("--verbose logs requests without the token", async () => {
      const r = await runTask("get-token", ["--verbose"], { env });
      assert.equal(r.code, 0);
      const token = SH_LINES.exec(r.stdout)![1];
      assert.match(r.stderr, /itkpd: POST .*grantToken 200/);
      assert.ok(!r.stderr.includes(token));
      assert.ok(!r.stderr.includes(code1) && !r.stderr.includes(code2));
    });

    await t.step("missing --allow-net: exit 3, one line", async () => {
      const r = await runTask("get-token", [], { env, editArgs: withoutFlag("--allow-net") });
      assert.equal(r.code, 3);
      assert.equal(r.stdout, "");
      assert.match(
        r.stderr,
        /^error: permission missing: Requires net access to "127\.0\.0\.1:\d+"[^\n]*\n$/,
      );
    });

    await t.step("bad flag: exit 2, one line; --help: exit 0, usage on stdout", async () => {
      const bad = await runTask("get-token", ["--shel", "sh"], { env });
      assert.equal(bad.code, 2);
      assert.match(
        bad.stderr,
        /^error: unknown flag --shel \(did you mean --shell\?\); see --help\n$/,
      );
      const shell = await runTask("get-token", ["--shell", "fish"], { env });
      assert.equal(shell.code, 2);
      assert.equal(shell.stderr.trim().split("\n").length, 1);
      const help = await runTask("get-token", ["--help"], { env });
      assert.equal(help.code, 0);
      assert.match(help.stdout, /^Usage: deno task -q get-token/);
      assert.equal(help.stderr, "");
    });
  } finally {
    await sb.close();
  }
});

// get-token at a real terminal (a pseudo-terminal made by `script`): the hidden prompt gets
// every keystroke typed one at a time, and the codes are not echoed.
const HAVE_SCRIPT = (() => {
  try {
    return Deno.statSync("/usr/bin/script").isFile;
  } catch {
    return false;
  }
})();

Deno.test({
  name: "get-token: hidden prompt at a terminal, typed key by key",
  ignore: !HAVE_SCRIPT,
  async fn() {
    const sb = await startSandbox({ port: 0 });
    const { ITKDB_ACCESS_CODE1: code1, ITKDB_ACCESS_CODE2: code2, ...site } = sb.env();
    try {
      const env = {
        ...site,
        PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin",
        HOME: testHome(),
        DENO_DIR: denoDir(),
        ITKPD_NO_SESSION: "1",
        NO_COLOR: "1",
        TERM: "dumb",
      };
      const words = [Deno.execPath(), ...taskArgs("get-token", env)];
      const command = words.map((w) => `'${w.replaceAll("'", "'\\''")}'`).join(" ");
      const child = new Deno.Command("/usr/bin/script", {
        args: ["-qfc", command, "/dev/null"],
        cwd: new URL("../../", import.meta.url).pathname,
        env,
        clearEnv: true,
        stdin: "piped",
        stdout: "piped",
        stderr: "piped",
      }).spawn();
      // A deadline in case the script hangs, not a guess of how long it takes.
      const timer = setTimeout(() => child.kill("SIGKILL"), 120_000);
      const stderr = new Response(child.stderr).text();
      const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
      let seen = "";
      /** Reads the terminal's output until `pattern` shows (the event the test waits on). */
      const waitFor = async (pattern: RegExp) => {
        while (!pattern.test(seen)) {
          const { value, done } = await reader.read();
          if (done) throw new Error(`the script ended before ${pattern}:\n${seen}`);
          seen += value;
        }
      };
      const writer = child.stdin.getWriter();
      const enc = new TextEncoder();
      for (const [n, code] of [[1, code1], [2, code2]] as const) {
        await waitFor(new RegExp(`access code ${n}: `)); // shown once echo is off
        for (const ch of code) await writer.write(enc.encode(ch)); // one key at a time
        await writer.write(enc.encode("\r"));
      }
      await waitFor(/export ITK_DB_AUTH=/);
      await writer.close();
      for (let r = await reader.read(); !r.done; r = await reader.read()) seen += r.value;
      const out = await child.status;
      clearTimeout(timer);
      await stderr;
      const text = seen.replaceAll("\r", "");
      assert.equal(out.code, 0, text);
      assert.match(text, /access code 1: /);
      assert.match(text, /export ITK_DB_AUTH='eyJ[\w-]+\.[\w-]+\.[\w-]+'/);
      assert.ok(!text.includes(code1) && !text.includes(code2), "the codes are not echoed");
    } finally {
      await sb.close();
    }
  },
});
