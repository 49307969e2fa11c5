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
