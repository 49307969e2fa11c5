/**
 * Registering from a file, run again after a run that was killed between `registerComponent`
 * and `setComponentStage`: the re-run completes what the file asks for (the stage) and says so;
 * what is complete is left alone; a component moved on since is not moved back.
 */
import assert from "node:assert/strict";
import { ItkpdClient } from "../../lib/client/mod.ts";
import { checkRequests, registerChecked, RegistrationCatalogue } from "../../lib/register/mod.ts";
import { startSandbox } from "../../lib/sandbox/mod.ts";

const REQUEST = {
  institution: "SANDBOX_A",
  componentType: "MODULE",
  type: "OUTER_SYSTEM_QUAD_MODULE",
  subproject: "PG",
  serialNumber: "0000601",
  stage: "MODULE/PARYLENE",
  properties: { ORIENTATION: true, FECHIP_VERSION: "1" },
};

Deno.test("register from a file again: the stage a killed run never set is set now", async (t) => {
  const sb = await startSandbox({ port: 0 });
  const client = new ItkpdClient({ env: sb.env(), retryBaseMs: 5 });
  const stageOf = async (serial: string) => {
    const c = await client.getComponent({ component: serial });
    return typeof c.currentStage === "string" ? c.currentStage : c.currentStage?.code;
  };
  const stageCalls = () => sb.stats().byCommand.setComponentStage ?? 0;
  try {
    const catalogue = await RegistrationCatalogue.load(client);
    const checked = await checkRequests(catalogue, [REQUEST]);
    // A run killed after registerComponent: the module stays at its initial stage.
    await client.registerComponent(checked[0].resolved!.input);
    assert.equal(await stageOf("20UPGM20000601"), "MODULE/ASSEMBLY");

    await t.step("the re-run sets the stage, and says so", async () => {
      const [outcome] = await registerChecked(client, checked);
      assert.equal(outcome.status, "present");
      assert.deepEqual(outcome.stageSet, { from: "MODULE/ASSEMBLY", to: "MODULE/PARYLENE" });
      assert.match(
        outcome.line,
        /^\$\[0\] already registered: 20UPGM20000601 \(code \w+\); not registered again; its stage was still MODULE\/ASSEMBLY: set to MODULE\/PARYLENE now, as the file asks$/,
      );
      assert.equal(await stageOf("20UPGM20000601"), "MODULE/PARYLENE");
    });

    await t.step("once complete, a re-run changes nothing", async () => {
      const before = stageCalls();
      const [outcome] = await registerChecked(client, checked);
      assert.equal(outcome.stageSet, undefined);
      assert.match(
        outcome.line,
        /already registered: 20UPGM20000601 \(code \w+\); not registered again$/,
      );
      assert.equal(stageCalls(), before);
    });

    await t.step("a component moved on since is left where it is", async () => {
      await client.setComponentStage({ component: "20UPGM20000601", stage: "MODULE/WIREBONDING" });
      const before = stageCalls();
      const [outcome] = await registerChecked(client, checked);
      assert.equal(outcome.status, "present");
      assert.match(
        outcome.line,
        /at stage MODULE\/WIREBONDING, not MODULE\/PARYLENE as the file says: left as it is$/,
      );
      assert.equal(stageCalls(), before);
      assert.equal(await stageOf("20UPGM20000601"), "MODULE/WIREBONDING");
    });
  } finally {
    client.close();
    await sb.close();
  }
});
