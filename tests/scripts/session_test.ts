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
    await t.step({
      name: "a session others could read is not used: said, repaired, replaced",
      ignore: Deno.build.os === "windows",
      fn: async () => {
        const before = JSON.parse(await Deno.readTextFile(session));
        await Deno.chmod(session, 0o644);
        const refused = await runTask(
          "test-prototype",
          ["--project", "P", "--component-type", "MODULE", "--test-type", "IV_MEASURE"],
          { env: { ...siteOnly, HOME: home, ITKPD_NO_SESSION: "" }, cwd: home },
        );
        assert.equal(refused.code, 1, refused.stderr);
        assert.match(refused.stderr, /warning: session file .* was readable by others/);
        assert.match(refused.stderr, /no token and no access codes/);
        assert.equal((await Deno.stat(session)).mode! & 0o777, 0o600, "repaired");
        // With the access codes: a new token, saved in place of the old one.
        const out = await Deno.makeTempDir({ prefix: "itkpd-session-out-" });
        try {
          await Deno.chmod(session, 0o640);
          const r = await runTask(
            "test-prototype",
            ["--project", "P", "--component-type", "MODULE", "--test-type", "IV_MEASURE"],
            { env: { ...sb.env(), HOME: home, ITKPD_NO_SESSION: "" }, cwd: out },
          );
          assert.equal(r.code, 0, r.stderr);
          assert.match(r.stderr, /was readable by others \(mode 0640\)/);
          const after = JSON.parse(await Deno.readTextFile(session));
          assert.notEqual(after.token, before.token, "the exposed token was replaced");
          assert.equal((await Deno.stat(session)).mode! & 0o777, 0o600);
        } finally {
          await Deno.remove(out, { recursive: true });
        }
      },
    });
    await t.step({
      name: "a token planted by another user is refused, said",
      ignore: Deno.build.os === "windows" || Deno.uid() !== 0, // only root can give files away
      fn: async () => {
        await Deno.chown(session, 65534, 65534);
        const r = await runTask(
          "test-prototype",
          ["--project", "P", "--component-type", "MODULE", "--test-type", "IV_MEASURE"],
          { env: { ...siteOnly, HOME: home, ITKPD_NO_SESSION: "" }, cwd: home },
        );
        assert.equal(r.code, 1, r.stderr);
        assert.match(r.stderr, /session file .* belongs to another user \(uid 65534\): refused/);
        assert.match(r.stderr, /no token and no access codes/);
      },
    });
  } finally {
    await sb.close();
    await Deno.remove(home, { recursive: true });
  }
});
