/**
 * Tests of lib/install/launcher.ts: the generated sh launcher runs each step with exactly its
 * task's flags (`$HOME` expanded when it runs), in the user's folder, without INIT_CWD; and it
 * says in one line when its Deno or its clone is gone. A stand-in "deno" prints what it was
 * given, so every word can be compared.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  cloneCodePaths,
  launcherHelp,
  launcherScript,
  shQuote,
  shWordExpandingVars,
  subcommandSummary,
} from "../../lib/install/launcher.ts";
import { readTaskCommands, SUBCOMMANDS } from "../../lib/install/tasks.ts";
import { taskArgs } from "../_helpers/task.ts";

const ROOT = fileURLToPath(new URL("../../", import.meta.url)).replace(/\/$/, "");
const COMMANDS = readTaskCommands(Deno.readTextFileSync(join(ROOT, "deno.json")), SUBCOMMANDS);

/** Runs `sh file args` in `cwd` with `env` only; answers its exit code and output. */
async function sh(file: string, args: string[], cwd: string, env: Record<string, string>) {
  const out = await new Deno.Command("/bin/sh", {
    args: [file, ...args],
    cwd,
    env,
    clearEnv: true,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

Deno.test("launcher: each step runs with its task's words, in the user's folder", async (t) => {
  const dir = await Deno.makeTempDir({ prefix: "itkpd-launcher-" });
  try {
    // A stand-in Deno: prints its folder, INIT_CWD and every word it was given, one a line.
    const fake = join(dir, "fake deno");
    await Deno.writeTextFile(
      fake,
      '#!/bin/sh\nprintf "cwd=%s\\n" "$PWD"\nprintf "INIT_CWD=%s\\n" "${INIT_CWD-unset}"\n' +
        'printf "%s\\n" "$@"\n',
      { mode: 0o755 },
    );
    const launcher = join(dir, "itkpd");
    await Deno.writeTextFile(
      launcher,
      launcherScript({
        root: ROOT,
        deno: fake,
        commands: COMMANDS,
        reinstall: "deno task install",
      }),
      { mode: 0o755 },
    );
    // Newer than deno.json: no "changed since" note.
    const now = new Date();
    await Deno.utime(launcher, now, now);
    const work = join(dir, "work");
    await Deno.mkdir(work);
    const home = "/home/ann lab's";

    for (const name of SUBCOMMANDS) {
      await t.step(name, async () => {
        const r = await sh(launcher, [name, "--x", "a b", "$HOME"], work, {
          HOME: home,
          INIT_CWD: "/somewhere/else",
          PATH: "/usr/bin:/bin",
        });
        assert.equal(r.code, 0, r.stderr);
        assert.equal(r.stderr, "");
        const [cwd, initCwd, ...words] = r.stdout.trimEnd().split("\n");
        assert.equal(cwd, `cwd=${work}`);
        assert.equal(initCwd, "INIT_CWD=unset");
        const task = taskArgs(name, { HOME: home });
        const script = task.at(-1)!;
        assert.deepEqual(words, [
          "run",
          "--config",
          `${ROOT}/deno.json`,
          "--cached-only",
          // The toolkit's own code (`./lib` of a lazily loading task) is read from the clone.
          ...task.slice(1, -1).map((w) => cloneCodePaths(w).replace("$ITKPD_ROOT", ROOT)),
          `${ROOT}/${script}`,
          "--x",
          "a b",
          "$HOME",
        ]);
      });
    }

    await t.step("--help, help COMMAND; an unknown command goes to Deno", async () => {
      const help = await sh(launcher, ["--help"], work, { PATH: "/usr/bin:/bin" });
      assert.equal(help.code, 0);
      assert.equal(
        help.stdout.trimEnd(),
        launcherHelp({
          root: ROOT,
          deno: fake,
          commands: COMMANDS,
          reinstall: "deno task install",
        }),
      );
      const sub = await sh(launcher, ["help", "demo"], work, { PATH: "/usr/bin:/bin" });
      assert.deepEqual(
        sub.stdout.trimEnd().split("\n").slice(-2),
        ["scripts/demo.ts", "--help"]
          .map((w, i) => i === 0 ? `${ROOT}/${w}` : w),
      );
      const unknown = await sh(launcher, ["get-tokne"], work, { PATH: "/usr/bin:/bin" });
      const words = unknown.stdout.trimEnd().split("\n").slice(2);
      assert.deepEqual(words.slice(0, 6), [
        "run",
        "-q",
        "--no-config",
        "--no-lock",
        `${ROOT}/lib/install/unknown_command.ts`,
        "get-tokne",
      ]);
      assert.deepEqual(words.slice(6), [...SUBCOMMANDS]);
    });

    await t.step("deno.json newer than the launcher: a note, and the step still runs", async () => {
      const old = new Date(Date.now() - 86_400_000);
      await Deno.utime(launcher, old, old);
      const r = await sh(launcher, ["demo"], work, { PATH: "/usr/bin:/bin" });
      assert.equal(r.code, 0);
      assert.match(r.stderr, /^itkpd: note: .*deno\.json changed since this command was installed/);
    });

    await t.step("its Deno gone, its clone gone: one line each, exit 127", async () => {
      const gone = join(dir, "gone");
      for (
        const [deno, root, says] of [
          ["/nonexistent/deno", ROOT, /the Deno it was installed with is gone/],
          [fake, "/nonexistent/clone", /the itkpd folder \/nonexistent\/clone is gone or moved/],
        ] as const
      ) {
        await Deno.writeTextFile(
          gone,
          launcherScript({
            root,
            deno,
            commands: COMMANDS,
            reinstall: "npx -y deno@2.9.6 task install",
          }),
          { mode: 0o755 },
        );
        const r = await sh(gone, ["demo"], work, { PATH: "/usr/bin:/bin" });
        assert.equal(r.code, 127);
        assert.equal(r.stdout, "");
        assert.equal(r.stderr.trimEnd().split("\n").length, 1, r.stderr);
        assert.match(r.stderr, says);
        assert.match(r.stderr, /run `npx -y deno@2\.9\.6 task install`/);
      }
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("launcher: quoting", () => {
  assert.equal(shQuote("a'b"), `'a'\\''b'`);
  assert.equal(shWordExpandingVars("--allow-read"), "'--allow-read'");
  assert.equal(shWordExpandingVars("--allow-read=$HOME/.itkpd"), '"--allow-read=${HOME}/.itkpd"');
  assert.equal(shWordExpandingVars('a"`\\$'), '"a\\"\\`\\\\\\$"');
  assert.equal(
    subcommandSummary('get an ITkPD token: eval "$(deno task -q get-token)"'),
    'get an ITkPD token: eval "$(itkpd get-token)"',
  );
});

Deno.test("cloneCodePaths: the toolkit's own code is the clone's, every other path the user's", () => {
  assert.equal(
    cloneCodePaths("--allow-read=$HOME/.itkpd,./lib"),
    "--allow-read=$HOME/.itkpd,$ITKPD_ROOT/lib",
  );
  assert.equal(cloneCodePaths("--allow-read=./out,./lib"), "--allow-read=./out,$ITKPD_ROOT/lib");
  assert.equal(cloneCodePaths("--allow-read=./out"), "--allow-read=./out");
  assert.equal(cloneCodePaths("--allow-read=./library"), "--allow-read=./library");
  assert.equal(cloneCodePaths("-q"), "-q");
  // In the script, the clone's folder is expanded when the command runs.
  const text = launcherScript({
    root: "/opt/it kpd",
    deno: "/usr/bin/deno",
    reinstall: "deno task install",
    commands: [{
      name: "get-token",
      description: "a token",
      flags: ["--allow-read=$HOME/.itkpd,./lib"],
      script: "s.ts",
    }],
  });
  assert.match(text, /run "--allow-read=\$\{HOME\}\/\.itkpd,\$\{ITKPD_ROOT\}\/lib"/);
});
