/**
 * The session kept between runs: get-token stores it in $HOME/.itkpd/session.json (mode 0600),
 * and the next script uses it without access codes or ITK_DB_AUTH.
 */
import assert from "node:assert/strict";
import { startSandbox } from "../../lib/sandbox/mod.ts";
import { runTask } from "../_helpers/task.ts";

Deno.test("scripts keep the session in $HOME/.itkpd", async (t) => {
  const sb = await startSandbox({ port: 0 });
  const home = await Deno.makeTempDir({ prefix: "itkpd-session-home-" });
  const { ITKDB_ACCESS_CODE1: _c1, ITKDB_ACCESS_CODE2: _c2, ...siteOnly } = sb.env();
  const session = `${home}/.itkpd/session.json`;
  try {
    await t.step("get-token writes the session, readable by the user alone", async () => {
      const r = await runTask("get-token", [], {
        env: { ...sb.env(), HOME: home, ITKPD_NO_SESSION: "" },
      });
      assert.equal(r.code, 0, r.stderr);
      const info = await Deno.stat(session);
      assert.equal(info.mode! & 0o777, 0o600);
      const saved = JSON.parse(await Deno.readTextFile(session));
      assert.equal(saved.apiUrl, sb.apiUrl);
      assert.ok(r.stdout.includes(saved.token), "the session holds the token printed");
    });
    await t.step("a later script needs no codes and no token", async () => {
      const out = await Deno.makeTempDir({ prefix: "itkpd-session-out-" });
      try {
        const r = await runTask(
          "test-prototype",
          ["--project", "P", "--component-type", "MODULE", "--test-type", "IV_MEASURE"],
          { env: { ...siteOnly, HOME: home, ITKPD_NO_SESSION: "" }, cwd: out },
        );
        assert.equal(r.code, 0, r.stderr);
        assert.match(r.stdout, /prototype_IV_MEASURE\.json/);
      } finally {
        await Deno.remove(out, { recursive: true });
      }
    });
    await t.step("ITKPD_NO_SESSION=1: the session is not used", async () => {
      const r = await runTask(
        "test-prototype",
        ["--project", "P", "--component-type", "MODULE"],
        { env: { ...siteOnly, HOME: home, ITKPD_NO_SESSION: "1" } },
      );
      assert.equal(r.code, 1);
      assert.match(r.stderr, /no token and no access codes/);
      assert.equal(r.stderr.includes("    at "), false, "no stack trace");
    });
  } finally {
    await sb.close();
    await Deno.remove(home, { recursive: true });
  }
});
