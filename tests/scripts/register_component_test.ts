import assert from "node:assert/strict";
import { ItkpdClient } from "../../lib/client/mod.ts";
import { startSandbox } from "../../lib/sandbox/mod.ts";
import { runTask, withoutFlag } from "../_helpers/task.ts";

/** Answers up to the serial number prompt: SANDBOX_A, MODULE, OUTER_SYSTEM_QUAD_MODULE, PG. */
const TO_SERIAL = ["1", "MODULE", "OUTER_SYSTEM_QUAD_MODULE", "PG"];
const lines = (answers: string[]) => answers.join("\n") + "\n";
const noStack = (stderr: string) => assert.ok(!/\n\s+at /.test(stderr), stderr);

Deno.test("register-component script", async (t) => {
  const sb = await startSandbox({ port: 0 });
  const env = sb.env();
  const client = new ItkpdClient({ env, retryBaseMs: 5 });
  const count = async () => (await client.listComponents({ project: "P" })).length;
  const props = async (serial: string) => {
    const c = await client.getComponent({ component: serial });
    return {
      stage: (c.currentStage as { code: string }).code,
      values: Object.fromEntries((c.properties ?? []).map((p) => [p.code, p.value])),
    };
  };
  const dir = await Deno.makeTempDir({ prefix: "itkpd-register-" });
  try {
    await t.step("interactive through stdin: every escape code, one re-prompt", async () => {
      const r = await runTask("register-component", [], {
        env,
        stdin: lines([
          ...TO_SERIAL,
          "MODULE/WIREBONDING",
          "0000101",
          "&SKIP", // refused: ORIENTATION is required
          "maybe", // bad value: re-prompted with the reason
          "y",
          "&PRINT",
          "2",
          "&SKIP", // ROOF skipped
          "&JSON",
          "&BACK", // back to ROOF: now set it
          "y",
          "5",
          "&SKIP",
          "&SKIP",
          "&SKIP",
          "y", // confirm
          "n", // no other
        ]),
      });
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /^registered 20UPGM20000101 code \w+ stage MODULE\/WIREBONDING\n$/);
      assert.match(r.stderr, /project: P — Pixels \(only choice\)/);
      assert.match(r.stderr, /ORIENTATION is required: it cannot be skipped/);
      assert.match(r.stderr, /ORIENTATION: 'maybe' is not yes or no .*; try again/);
      assert.match(r.stderr, /FECHIP_VERSION — FE chip version\n {2}type: codeTable, required/);
      assert.match(r.stderr, /ROOF skipped/);
      assert.match(r.stderr, /"FECHIP_VERSION": "2"\n {2}\}\n\}\nIREFTRIM_FE1/); // &JSON so far
      assert.match(r.stderr, /stage: MODULE\/WIREBONDING \(set after registering\)/);
      assert.match(
        r.stderr,
        /register this component\? \[y\/n\]: y\nregister another\? \[y\/n\]: n/,
      );
      const got = await props("20UPGM20000101");
      assert.equal(got.stage, "MODULE/WIREBONDING");
      assert.equal(got.values.ORIENTATION, true);
      assert.equal(got.values.FECHIP_VERSION, "ITkpix_v1.1"); // the sandbox answers code 2's value
      assert.equal(got.values.ROOF, true); // changed through &BACK
      assert.equal(got.values.IREFTRIM_FE1, 5);
      assert.equal(got.values.IREFTRIM_FE2, null);
    });

    await t.step(
      "interactive: another one from the previous answers; &BACK to serial and stage",
      async () => {
        const r = await runTask("register-component", [], {
          env,
          stdin: lines([
            ...TO_SERIAL,
            "MODULE/WIREBONDING",
            "0000111",
            "y", // ORIENTATION
            "itkpix_v2", // FECHIP_VERSION by its name, any case
            "&SKIP",
            "4",
            "&SKIP",
            "&SKIP",
            "&SKIP",
            "y", // register
            "y", // another: every answer offered
            "", // institution
            "", // component type
            "", // type
            "", // subproject
            "", // stage
            "", // serial: the next one, 0000112
            "&BACK", // at ORIENTATION: back to the serial number
            "&BACK", // back to the stage
            "MODULE/PARYLENE",
            "", // serial still 0000112
            "",
            "",
            "&SKIP", // ROOF stays empty
            "",
            "&SKIP",
            "&SKIP",
            "&SKIP",
            "y",
            "n",
          ]),
        });
        assert.equal(r.code, 0, r.stderr);
        const out = r.stdout.trim().split("\n");
        assert.equal(out.length, 2, r.stdout);
        assert.match(out[0], /^registered 20UPGM20000111 code \w+ stage MODULE\/WIREBONDING$/);
        assert.match(out[1], /^registered 20UPGM20000112 code \w+ stage MODULE\/PARYLENE$/);
        assert.match(r.stderr, /serial number: 20UPGM2 \+ last 7 digits, Enter = 0000112: \n/);
        assert.match(
          r.stderr,
          /stage \[1-\d+ or code, Enter = MODULE\/WIREBONDING\]: MODULE\/PARYLENE/,
        );
        const [first, second] = [await props("20UPGM20000111"), await props("20UPGM20000112")];
        assert.equal(second.stage, "MODULE/PARYLENE");
        assert.deepEqual(second.values, first.values);
        assert.equal(first.values.FECHIP_VERSION, "ITkpix_v2"); // the sandbox answers code 3's value
        assert.equal(first.values.IREFTRIM_FE1, 4);
      },
    );

    await t.step("&CANCEL: nothing registered, exit 1", async () => {
      const before = await count();
      const r = await runTask("register-component", [], {
        env,
        stdin: lines([...TO_SERIAL, "", "0000102", "y", "1", "&CANCEL"]),
      });
      assert.equal(r.code, 1);
      assert.equal(r.stdout, "");
      assert.match(r.stderr, /\nerror: cancelled, nothing registered\n$/);
      noStack(r.stderr);
      assert.equal(await count(), before);
    });

    await t.step("end of input at any prompt: a clean cancel", async () => {
      const before = await count();
      for (const answers of [[], ["1"], [...TO_SERIAL, "", "0000103", "y"]]) {
        const r = await runTask("register-component", [], { env, stdin: lines(answers) });
        assert.equal(r.code, 1);
        assert.match(r.stderr, /\nerror: cancelled \(end of input\), nothing registered\n$/);
        noStack(r.stderr);
      }
      assert.equal(await count(), before);
    });

    await t.step("--from with 3 modules: the invalid one reported by JSON path", async () => {
      const file = `${dir}/modules.json`;
      const base = {
        institution: "SANDBOX_A",
        componentType: "MODULE",
        type: "OUTER_SYSTEM_QUAD_MODULE",
        subproject: "PB",
      };
      await Deno.writeTextFile(
        file,
        JSON.stringify([
          {
            ...base,
            serialNumber: "0000201",
            properties: { ORIENTATION: true, FECHIP_VERSION: "1" },
          },
          {
            ...base,
            serialNumber: "0000202",
            properties: { ORIENTATION: "yes", FECHIP_VERSION: "7" },
          },
          {
            ...base,
            serialNumber: "20UPBM20000203",
            stage: "MODULE/PARYLENE",
            properties: { ORIENTATION: false, FECHIP_VERSION: "3", IREFTRIM_FE1: 3 },
          },
        ]),
      );
      const r = await runTask("register-component", ["--from", "modules.json", "--yes"], {
        env,
        cwd: dir, // a relative path is taken from the user's folder
      });
      assert.equal(r.code, 1);
      const out = r.stdout.trim().split("\n");
      assert.equal(out.length, 3);
      assert.match(out[0], /^\$\[0\] registered 20UPBM20000201 code \w+ stage MODULE\/ASSEMBLY$/);
      assert.match(out[1], /^\$\[1\] invalid, not registered: /);
      assert.match(
        out[1],
        /\$\[1\]\.properties\.ORIENTATION: expected true or false, got the text "yes"/,
      );
      assert.match(
        out[1],
        /\$\[1\]\.properties\.FECHIP_VERSION: expected one of the codes 0 = RD53A, .*, got the text "7"/,
      );
      assert.match(out[2], /^\$\[2\] registered 20UPBM20000203 code \w+ stage MODULE\/PARYLENE$/);
      assert.match(r.stderr, /2 registered, 0 already registered, 1 invalid, 0 failed/);
      assert.equal((await props("20UPBM20000203")).stage, "MODULE/PARYLENE");
      await assert.rejects(client.getComponent({ component: "20UPBM20000202" }));

      // The same file again: the registered ones are said to be there, nothing is sent again.
      const again = await runTask("register-component", ["--from", "modules.json", "--yes"], {
        env,
        cwd: dir,
      });
      assert.equal(again.code, 1, "the invalid one is still not registered");
      const lines = again.stdout.trim().split("\n");
      assert.match(
        lines[0],
        /^\$\[0\] already registered: 20UPBM20000201 \(code \w+\); not registered again$/,
      );
      assert.match(lines[2], /^\$\[2\] already registered: 20UPBM20000203/);
      assert.match(again.stderr, /0 registered, 2 already registered, 1 invalid, 0 failed/);
    });

    await t.step(
      "--from again after a kill before the stage was set: the stage is set",
      async () => {
        // As a run killed between registerComponent and setComponentStage leaves it.
        await client.registerComponent({
          project: "P",
          subproject: "PB",
          institution: "SANDBOX_A",
          componentType: "MODULE",
          type: "OUTER_SYSTEM_QUAD_MODULE",
          serialNumber: "20UPBM20000221",
          properties: { ORIENTATION: true, FECHIP_VERSION: "1" },
        });
        assert.equal((await props("20UPBM20000221")).stage, "MODULE/ASSEMBLY");
        await Deno.writeTextFile(
          `${dir}/killed.json`,
          JSON.stringify([{
            institution: "SANDBOX_A",
            componentType: "MODULE",
            type: "OUTER_SYSTEM_QUAD_MODULE",
            subproject: "PB",
            serialNumber: "0000221",
            stage: "MODULE/PARYLENE",
            properties: { ORIENTATION: true, FECHIP_VERSION: "1" },
          }]),
        );
        const r = await runTask("register-component", ["--from", "killed.json", "--yes"], {
          env,
          cwd: dir,
        });
        assert.equal(r.code, 0, r.stderr);
        assert.match(
          r.stdout,
          /^\$\[0\] already registered: 20UPBM20000221 .*stage was still MODULE\/ASSEMBLY: set to MODULE\/PARYLENE now/,
        );
        assert.match(r.stderr, /0 registered, 1 already registered \(1 of them: stage set now\)/);
        assert.equal((await props("20UPBM20000221")).stage, "MODULE/PARYLENE");
      },
    );

    await t.step(
      "--from: a code-table value by its code or its name, as at the prompt",
      async () => {
        const base = {
          institution: "SANDBOX_A",
          componentType: "MODULE",
          type: "OUTER_SYSTEM_QUAD_MODULE",
          subproject: "PB",
          properties: { ORIENTATION: true },
        };
        await Deno.writeTextFile(
          `${dir}/labels.json`,
          JSON.stringify([
            {
              ...base,
              serialNumber: "0000231",
              properties: { ORIENTATION: true, FECHIP_VERSION: "ITkpix_v2" },
            },
            {
              ...base,
              serialNumber: "0000232",
              properties: { ORIENTATION: true, FECHIP_VERSION: "rd53a" },
            },
            {
              ...base,
              serialNumber: "0000233",
              properties: { ORIENTATION: true, FECHIP_VERSION: "3" },
            },
          ]),
        );
        const r = await runTask("register-component", ["--from", "labels.json", "--yes"], {
          env,
          cwd: dir,
        });
        assert.equal(r.code, 0, r.stderr);
        assert.equal((await props("20UPBM20000231")).values.FECHIP_VERSION, "ITkpix_v2");
        assert.equal((await props("20UPBM20000232")).values.FECHIP_VERSION, "RD53A");
        assert.equal((await props("20UPBM20000233")).values.FECHIP_VERSION, "ITkpix_v2");
      },
    );

    await t.step("--from without --yes asks once; problems listed first", async () => {
      const file = `${dir}/one.json`;
      await Deno.writeTextFile(
        file,
        JSON.stringify({
          institution: "SANDBOX_B",
          componentType: "MODULE",
          type: "OUTER_SYSTEM_QUAD_MODULE",
          subproject: "PE",
          serialNumber: "0000211",
          properties: { ORIENTATION: true, FECHIP_VERSION: "1" },
        }),
      );
      const no = await runTask("register-component", ["--from", file], { env, stdin: "n\n" });
      assert.equal(no.code, 1);
      assert.match(no.stderr, /register it\? \[y\/n\]: n\nnothing registered/);
      const yes = await runTask("register-component", ["--from", file], { env, stdin: "y\n" });
      assert.equal(yes.code, 0, yes.stderr);
      assert.match(yes.stdout, /^\$ registered 20UPEM20000211 /);
    });

    await t.step("flags form: typed values; problems by flag name", async () => {
      const common = [
        "--institution",
        "SANDBOX_C",
        "--project",
        "P",
        "--component-type",
        "MODULE",
        "--type",
        "L1_INNER_PIXEL_QUAD_MODULE",
        "--subproject",
        "PI",
        "--yes",
      ];
      const bad = await runTask("register-component", [
        ...common,
        "--serial",
        "12345",
        "--property",
        "ORIENTATION=perhaps",
        "--property",
        "FECHIP_VERSION=3",
        "--stage",
        "MODULE/FINAL",
      ], { env });
      assert.equal(bad.code, 1);
      assert.match(bad.stdout, /^flags invalid, not registered: /);
      assert.match(bad.stdout, /--serial: type the last 7 digits/);
      assert.match(bad.stdout, /--property ORIENTATION: 'perhaps' is not yes or no/);
      assert.match(bad.stdout, /--stage: 'MODULE\/FINAL' is not a stage of MODULE \(did you mean/);
      const good = await runTask("register-component", [
        ...common,
        "--serial",
        "0000301",
        "--property",
        "ORIENTATION=n",
        "--property",
        "FECHIP_VERSION=ITkpix_v2",
        "--property",
        "IREFTRIM_FE4=12",
        "--stage",
        "MODULE/FINAL_TEST",
      ], { env });
      assert.equal(good.code, 0, good.stderr);
      assert.match(
        good.stdout,
        /^flags registered 20UPIM10000301 code \w+ stage MODULE\/FINAL_TEST\n$/,
      );
      const got = await props("20UPIM10000301");
      assert.equal(got.values.ORIENTATION, false);
      assert.equal(got.values.IREFTRIM_FE4, 12);
      assert.equal(got.stage, "MODULE/FINAL_TEST");
    });

    await t.step("missing --allow-net: exit 3, exactly one line", async () => {
      const r = await runTask("register-component", [], {
        env,
        stdin: "",
        editArgs: withoutFlag("--allow-net"),
      });
      assert.equal(r.code, 3);
      assert.match(r.stderr, /^error: permission missing: Requires net access[^\n]*\n$/);
    });

    await t.step("bad usage: exit 2, one line; --help: exit 0 with usage on stdout", async () => {
      for (
        const args of [["--institutoin", "X"], ["--from", "a.json", "--institution", "SANDBOX_A"]]
      ) {
        const r = await runTask("register-component", args, { env });
        assert.equal(r.code, 2);
        assert.equal(r.stderr.split("\n").filter(Boolean).length, 1, r.stderr);
        assert.match(r.stderr, /^error: /);
      }
      const help = await runTask("register-component", ["--help"], { env });
      assert.equal(help.code, 0);
      assert.match(help.stdout, /^Usage:\n {2}deno task register-component/);
      assert.match(help.stdout, /&BACK/);
    });

    await t.step("a missing --from file: exit 1, one line", async () => {
      const r = await runTask("register-component", ["--from", "nope.json"], { env, cwd: dir });
      assert.equal(r.code, 1);
      assert.equal(r.stderr.split("\n").length, 2, r.stderr);
      assert.match(
        r.stderr,
        /^error: nope\.json: cannot read the registrations file \(no such file\)/,
      );
    });
  } finally {
    client.close();
    await sb.close();
    await Deno.remove(dir, { recursive: true });
  }
});
