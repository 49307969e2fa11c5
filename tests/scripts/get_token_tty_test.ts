/**
 * get-token at a real terminal (a pseudo-terminal made by `script`): the hidden prompt gets every
 * keystroke typed one at a time, and the codes are not echoed.
 */
import assert from "node:assert/strict";
import { startSandbox } from "../../lib/sandbox/mod.ts";
import { denoDir, taskArgs, testHome } from "../_helpers/task.ts";

const HAVE_SCRIPT = (() => {
  try {
    return Deno.statSync("/usr/bin/script").isFile;
  } catch {
    return false;
  }
})();

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

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
      const writer = child.stdin.getWriter();
      const enc = new TextEncoder();
      await sleep(1500); // the script starts and shows its first prompt
      for (const code of [code1, code2]) {
        for (const ch of code) {
          await writer.write(enc.encode(ch));
          await sleep(10);
        }
        await writer.write(enc.encode("\r"));
        await sleep(300);
      }
      const timer = setTimeout(() => child.kill("SIGKILL"), 20_000);
      await sleep(1500);
      await writer.close();
      const out = await child.output();
      clearTimeout(timer);
      const text = new TextDecoder().decode(out.stdout).replaceAll("\r", "");
      assert.equal(out.code, 0, text);
      assert.match(text, /access code 1: /);
      assert.match(text, /export ITK_DB_AUTH='eyJ[\w-]+\.[\w-]+\.[\w-]+'/);
      assert.ok(!text.includes(code1) && !text.includes(code2), "the codes are not echoed");
    } finally {
      await sb.close();
    }
  },
});
