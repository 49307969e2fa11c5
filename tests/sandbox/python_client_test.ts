/**
 * A Python client (standard library, as the original scripts send requests: reads as GET with a
 * JSON body) works against the sandbox unchanged. Ignored when /usr/bin/python3 is absent.
 */
import assert from "node:assert/strict";
import { startSandbox } from "../../lib/sandbox/mod.ts";

const PYTHON = "/usr/bin/python3";
const HAVE_PYTHON = (() => {
  try {
    return Deno.statSync(PYTHON).isFile;
  } catch {
    return false;
  }
})();

Deno.test({
  name: "sandbox: a Python client sending GET with a JSON body works unchanged",
  ignore: !HAVE_PYTHON,
  async fn() {
    const sb = await startSandbox({ port: 0, demoModules: 1 });
    try {
      const out = await new Deno.Command(PYTHON, {
        args: [new URL("./_python_client.py", import.meta.url).pathname, "20UPGM20000001"],
        env: sb.env(),
        stdout: "piped",
        stderr: "piped",
      }).output();
      const stderr = new TextDecoder().decode(out.stderr);
      assert.equal(out.code, 0, stderr);
      const seen = JSON.parse(new TextDecoder().decode(out.stdout));
      assert.equal(seen.listTestTypes[0], 200);
      assert.ok(seen.listTestTypes[1].includes("WIREBOND_PULL_TEST"), seen.listTestTypes[1]);
      assert.deepEqual(seen.getComponent, [200, "20UPGM20000001"]);
      assert.equal(seen.upload[0], 200);
      assert.match(seen.upload[1], /^[0-9a-f]{24}$/);
      assert.deepEqual(seen.invalid, [400, [
        "cern-itkpd-main/getComponent/invalidDtoIn",
        "cern-itkpd-main/getComponent/unsupportedKeys",
      ]]);
    } finally {
      await sb.close();
    }
  },
});
