import assert from "node:assert/strict";
import { ArrayLineSource } from "../../lib/cli/prompt.ts";
import { ItkpdClient } from "../../lib/client/mod.ts";
import {
  registerInteractively,
  RegistrationCancelled,
  type RegistrationResult,
} from "../../lib/register/mod.ts";
import { type Sandbox, startSandbox } from "../../lib/sandbox/mod.ts";

/** Runs the flow with `answers`; collects the prompts/messages and the printed lines. */
async function drive(
  client: ItkpdClient,
  answers: string[],
  confirm = true,
): Promise<{ results?: RegistrationResult[]; error?: unknown; said: string; printed: string[] }> {
  const said: string[] = [];
  const printed: string[] = [];
  try {
    const results = await registerInteractively(client, {
      input: new ArrayLineSource(answers),
      write: (t) => said.push(t),
      print: (l) => printed.push(l),
      confirm,
    });
    return { results, said: said.join(""), printed };
  } catch (error) {
    return { error, said: said.join(""), printed };
  }
}

async function withClient(fn: (client: ItkpdClient, sb: Sandbox) => Promise<void>) {
  const sb = await startSandbox({ port: 0 });
  const client = new ItkpdClient({ env: sb.env(), retryBaseMs: 5 });
  try {
    await fn(client, sb);
  } finally {
    client.close();
    await sb.close();
  }
}

const UP_TO_SERIAL = ["SANDBOX_A", "1", "OUTER_SYSTEM_QUAD_MODULE", "PB", "MODULE/WIREBONDING"];

Deno.test("interactive registration from a list of answers", async (t) => {
  await withClient(async (client) => {
    await t.step("full flow with re-prompts and every escape code", async () => {
      const { results, said, printed, error } = await drive(client, [
        ...UP_TO_SERIAL,
        "42", // too short: re-prompted
        "0000042",
        "&SKIP", // ORIENTATION is required: refused
        "perhaps", // not a boolean: re-prompted
        "n",
        "&PRINT",
        "ITkpix_v1.1", // by shown value → code "2"
        "n", // ROOF
        "&JSON",
        "&BACK", // back to ROOF
        "", // Enter keeps ROOF = false
        "5", // IREFTRIM_FE1
        "&SKIP",
        "&SKIP",
        "&SKIP",
        "y",
        "n",
      ]);
      assert.deepEqual(error, undefined);
      assert.match(said, /project: P — Pixels \(only choice\)/);
      assert.match(said, /last 7 digits .*'42'/);
      assert.match(said, /ORIENTATION is required: it cannot be skipped/);
      assert.match(said, /'perhaps' is not yes or no/);
      assert.match(said, /choices \(type the code or the name\)/);
      assert.match(said, /"FECHIP_VERSION": "2"/);
      assert.match(said, /ROOF .* now false, Enter keeps it/);
      assert.deepEqual(results?.length, 1);
      assert.deepEqual(printed.length, 1);
      assert.match(printed[0], /^registered 20UPBM20000042 code \w+ stage MODULE\/WIREBONDING$/);
      const c = await client.getComponent({ component: "20UPBM20000042" });
      const props = Object.fromEntries((c.properties ?? []).map((p) => [p.code, p.value]));
      assert.deepEqual(props.ORIENTATION, false);
      assert.deepEqual(props.ROOF, false);
      assert.deepEqual(props.IREFTRIM_FE1, 5);
      assert.deepEqual(props.IREFTRIM_FE2, null);
      assert.deepEqual((c.currentStage as { code: string }).code, "MODULE/WIREBONDING");
    });

    await t.step("&BACK changes an earlier answer", async () => {
      const { error } = await drive(client, [
        ...UP_TO_SERIAL,
        "0000043",
        "y",
        "0",
        "y", // ROOF = true
        "&BACK",
        "n", // ROOF changed to false
        "&SKIP",
        "&SKIP",
        "&SKIP",
        "&SKIP",
      ], false);
      // confirm off; "register another?" meets the end of input after registering
      assert(error instanceof RegistrationCancelled);
      assert.deepEqual(
        error.registered.map((r: { serialNumber: string | null }) => r.serialNumber),
        ["20UPBM20000043"],
      );
      const c = await client.getComponent({ component: "20UPBM20000043" });
      assert.deepEqual(c.properties?.find((p) => p.code === "ROOF")?.value, false);
    });

    await t.step("&BACK reaches the serial number, the stage and every choice", async () => {
      const { results, said, error } = await drive(client, [
        "&BACK", // the first question: nothing before it
        ...UP_TO_SERIAL,
        "0000050",
        "&BACK", // at the first property: back to the serial number
        "&BACK", // at the serial number: back to the stage
        "&BACK", // at the stage: back to the subproject
        "", // Enter keeps PB
        "MODULE/ASSEMBLY", // the stage changed
        "", // Enter keeps 0000050
        "y",
        "0",
        "&SKIP",
        "&SKIP",
        "&SKIP",
        "&SKIP",
        "&SKIP",
        "y",
        "n",
      ]);
      assert.equal(error, undefined);
      assert.match(said, /this is the first question: there is nothing to go back to/);
      assert.match(said, /serial number: 20UPBM2 \+ last 7 digits, Enter = 0000050: /);
      assert.match(said, /stage \[1-\d+ or code, Enter = MODULE\/WIREBONDING\]: &BACK\n/);
      assert.match(said, /subproject \[1-\d+ or code, Enter = PB\]: \n/);
      assert.deepEqual(results?.map((r) => [r.serialNumber, r.stage]), [
        ["20UPBM20000050", "MODULE/ASSEMBLY"],
      ]);
    });

    await t.step(
      "register another: the previous answers are offered, the next serial",
      async () => {
        const { results, said, error } = await drive(client, [
          ...UP_TO_SERIAL,
          "0000051",
          "y", // ORIENTATION
          "ITkpix_v2", // FECHIP_VERSION by its name
          "n", // ROOF
          "7", // IREFTRIM_FE1
          "&SKIP",
          "&SKIP",
          "&SKIP",
          "y",
          "y", // another
          "", // institution: Enter keeps SANDBOX_A
          "", // component type
          "", // type
          "", // subproject
          "", // stage
          "", // serial: Enter takes the next one, 0000052
          "", // ORIENTATION: Enter keeps true
          "",
          "",
          "8", // IREFTRIM_FE1 changed
          "&SKIP",
          "&SKIP",
          "&SKIP",
          "y",
          "n",
        ]);
        assert.equal(error, undefined);
        assert.match(
          said,
          /the previous answers are offered: Enter keeps each one, &BACK goes back/,
        );
        assert.match(said, /institution \[1-\d+ or code, Enter = SANDBOX_A\]: /);
        assert.match(said, /serial number: 20UPBM2 \+ last 7 digits, Enter = 0000052: /);
        assert.match(said, /FECHIP_VERSION .* now 3 \(ITkpix_v2\), Enter keeps it/);
        assert.deepEqual(results?.map((r) => [r.serialNumber, r.stage]), [
          ["20UPBM20000051", "MODULE/WIREBONDING"],
          ["20UPBM20000052", "MODULE/WIREBONDING"],
        ]);
        const values = async (serial: string) => {
          const c = await client.getComponent({ component: serial });
          return Object.fromEntries((c.properties ?? []).map((p) => [p.code, p.value]));
        };
        const [first, second] = [await values("20UPBM20000051"), await values("20UPBM20000052")];
        assert.deepEqual(
          [second.ORIENTATION, second.FECHIP_VERSION, second.ROOF, second.IREFTRIM_FE1],
          [first.ORIENTATION, first.FECHIP_VERSION, first.ROOF, 8],
        );
      },
    );

    await t.step("an existing serial number is refused at its prompt", async () => {
      const { said, error } = await drive(client, [...UP_TO_SERIAL, "0000042", "&CANCEL"]);
      assert.match(said, /20UPBM20000042 is already registered/);
      assert(error instanceof RegistrationCancelled);
    });

    await t.step("&CANCEL and end of input register nothing", async () => {
      const before = (await client.listComponents({ project: "P" })).length;
      const cancelled = await drive(client, [...UP_TO_SERIAL, "0000044", "y", "&cancel"]);
      assert(cancelled.error instanceof RegistrationCancelled);
      assert.deepEqual(cancelled.error.message, "cancelled, nothing registered");
      const ended = await drive(client, ["SANDBOX_A", "1"]);
      assert(ended.error instanceof RegistrationCancelled);
      assert.deepEqual(ended.error.endOfInput, true);
      assert.deepEqual(ended.error.message, "cancelled (end of input), nothing registered");
      const declined = await drive(client, [
        ...UP_TO_SERIAL,
        "0000045",
        "y",
        "0",
        "&SKIP",
        "&SKIP",
        "&SKIP",
        "&SKIP",
        "&SKIP",
        "n", // do not register
        "n",
      ]);
      assert.deepEqual(declined.results, []);
      assert.match(declined.said, /not registered/);
      assert.deepEqual((await client.listComponents({ project: "P" })).length, before);
    });

    await t.step("choices by number, bad choice re-prompted, default stage", async () => {
      const { results, said } = await drive(client, [
        "SANDBOX_Z",
        "3", // SANDBOX_C: projects P and S
        "P",
        "MODULE",
        "DIGITAL_QUAD_MODULE", // a single subproject PG
        "", // Enter = initial stage
        "0000046",
        "1",
        "9",
        "&SKIP",
        "&SKIP",
        "&SKIP",
        "&SKIP",
        "&SKIP",
        "y",
        "n",
      ]);
      assert.match(said, /'SANDBOX_Z' is not one of the 3 choices/);
      assert.match(said, /subproject: PG — Pixel general \(only choice\)/);
      assert.deepEqual(results?.[0].serialNumber, "20UPGMD0000046");
      assert.deepEqual(results?.[0].stage, "MODULE/ASSEMBLY");
    });
  });
});
