import assert from "node:assert/strict";
import { readSession, writeSession } from "../../lib/client/mod.ts";
import { clientFor, withSandbox } from "./_helpers.ts";

Deno.test("session file: written with mode 0600 and reused by the next run", async (t) => {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/itkpd-session.json`;
  try {
    await withSandbox({}, async (sb) => {
      await t.step("the first run obtains a token and saves it", async () => {
        const { client } = clientFor(sb, { sessionFile: path });
        try {
          await client.listInstitutions();
          assert.equal(client.stats().grants, 1);
        } finally {
          client.close();
        }
        const info = await Deno.stat(path);
        if (Deno.build.os !== "windows") assert.equal(info.mode! & 0o777, 0o600);
        const { session } = await readSession(path);
        assert.ok(session);
        assert.equal(session.apiUrl, sb.apiUrl);
        assert.equal(session.authUrl, sb.authUrl);
        assert.ok(session.expiresAt > Date.now() / 1000);
        const leftovers = [...Deno.readDirSync(dir)].filter((e) => e.name.endsWith(".tmp"));
        assert.deepEqual(leftovers, [], "no temporary file left behind");
      });
      await t.step("the next run reuses it without grantToken", async () => {
        const { client, lines } = clientFor(sb, { sessionFile: path });
        try {
          await client.listInstitutions();
          assert.equal(client.stats().grants, 0);
          assert.ok(lines.some((l) => /token reused/.test(l)));
          assert.equal((await client.auth.getTokenInfo()).origin, "session");
        } finally {
          client.close();
        }
      });
      await t.step("a session for another site is not used", async () => {
        const { client } = clientFor(sb, {
          sessionFile: path,
          apiUrl: sb.apiUrl.replace("/api/", "/api2/"),
        });
        try {
          await client.auth.getToken();
          assert.equal(client.stats().grants, 1);
        } finally {
          client.close();
        }
      });
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

const POSIX = Deno.build.os !== "windows";
const ROOT = POSIX && Deno.uid() === 0;

Deno.test({
  name: "session file: refused or repaired as ssh does with keys, saying which",
  ignore: !POSIX,
  async fn(t) {
    const dir = await Deno.makeTempDir();
    const folder = `${dir}/.itkpd`;
    const path = `${folder}/session.json`;
    const saved = { token: "t", expiresAt: 1, apiUrl: "x/", authUrl: "y/" };
    const fresh = async () => {
      await Deno.remove(folder, { recursive: true }).catch(() => {});
      await writeSession(path, saved);
    };
    try {
      await t.step("a good one: used, no warning", async () => {
        await fresh();
        const r = await readSession(path);
        assert.deepEqual(r.session, saved);
        assert.equal(r.warnings, undefined);
      });
      await t.step("readable by others: repaired to 0600, its token not used", async () => {
        await fresh();
        await Deno.chmod(path, 0o644);
        const r = await readSession(path);
        assert.equal(r.session, undefined);
        assert.match(
          r.warnings![0],
          /readable by others \(mode 0644\): repaired, mode set to 0600/,
        );
        assert.match(r.warnings![0], /its token is not used/);
        assert.equal((await Deno.stat(path)).mode! & 0o777, 0o600);
      });
      await t.step("a folder writable by others: repaired to 0700, said", async () => {
        await fresh();
        await Deno.chmod(folder, 0o777);
        const r = await readSession(path);
        assert.deepEqual(r.session, saved, "the user's own 0600 file is still theirs");
        assert.match(r.warnings![0], /folder .* was writable by others \(mode 0777\): repaired/);
        assert.equal((await Deno.stat(folder)).mode! & 0o777, 0o700);
      });
      await t.step("a link: refused", async () => {
        await fresh();
        await Deno.rename(path, `${folder}/elsewhere.json`);
        await Deno.symlink(`${folder}/elsewhere.json`, path);
        const r = await readSession(path);
        assert.equal(r.session, undefined);
        assert.match(r.warnings![0], /is a link: refused, its token is not used; remove it/);
      });
      await t.step({
        name: "owned by another user: refused, not used (a planted token)",
        ignore: !ROOT, // only root can give a file away
        fn: async () => {
          await fresh();
          await Deno.chown(path, 65534, 65534);
          const r = await readSession(path);
          assert.equal(r.session, undefined);
          assert.match(r.warnings![0], /belongs to another user \(uid 65534\): refused/);
          // A folder of another user's: nothing read, nothing written there.
          await Deno.chown(folder, 65534, 65534);
          await Deno.chown(path, 0, 0);
          const f = await readSession(path);
          assert.equal(f.session, undefined);
          assert.match(f.warnings![0], /session folder .* belongs to another user/);
          await assert.rejects(writeSession(path, saved), /belongs to another user/);
        },
      });
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
