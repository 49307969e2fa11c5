import assert from "node:assert/strict";
import { ServerError } from "../../lib/errors.ts";
import { ItkpdClient } from "../../lib/client/mod.ts";
import { InputError, ParseError } from "../../lib/errors.ts";
import {
  checkRequest,
  checkRequests,
  flagPlace,
  parseRequestsJson,
  registerChecked,
  RegistrationCatalogue,
} from "../../lib/register/mod.ts";
import { startSandbox } from "../../lib/sandbox/mod.ts";

const GOOD = {
  institution: "SANDBOX_A",
  componentType: "MODULE",
  type: "OUTER_SYSTEM_QUAD_MODULE",
  subproject: "PG",
  serialNumber: "0000501",
  properties: { ORIENTATION: true, FECHIP_VERSION: "1" },
};

Deno.test("non-interactive requests against the catalogue", async (t) => {
  const sb = await startSandbox({ port: 0 });
  const client = new ItkpdClient({ env: sb.env(), retryBaseMs: 5 });
  try {
    const catalogue = await RegistrationCatalogue.load(client);

    await t.step("a complete request is resolved; single choices are filled in", async () => {
      const { resolved, problems } = await checkRequest(catalogue, GOOD);
      assert.deepEqual(problems, []);
      assert.equal(resolved?.input.project, "P");
      assert.equal(resolved?.input.serialNumber, "20UPGM20000501");
      assert.equal(resolved?.stage, "MODULE/ASSEMBLY");
      assert.equal(resolved?.initialStage, "MODULE/ASSEMBLY");
    });

    await t.step("a code-table value by its code or its name, in any case", async () => {
      for (const given of ["3", "ITkpix_v2", "itkpix_V2", 3]) {
        const { resolved, problems } = await checkRequest(catalogue, {
          ...GOOD,
          properties: { ...GOOD.properties, FECHIP_VERSION: given },
        });
        assert.deepEqual(problems, [], String(given));
        assert.equal(resolved?.input.properties.FECHIP_VERSION, "3", String(given));
      }
      // Neither a code nor a name (a list number is for the prompt only): refused, with both.
      for (const given of ["ITkpix_v9", "5"]) {
        const { problems } = await checkRequest(catalogue, {
          ...GOOD,
          properties: { ...GOOD.properties, FECHIP_VERSION: given },
        });
        assert.equal(problems.length, 1);
        assert.match(
          problems[0].message,
          /^expected one of the codes 0 = RD53A, 1 = ITkpix_v1, 2 = ITkpix_v1\.1, 3 = ITkpix_v2, 9 = No FE chip, got the text/,
        );
      }
    });

    await t.step("every problem at its JSON path", async () => {
      const [, bad] = await checkRequests(catalogue, [GOOD, {
        ...GOOD,
        subproject: "PX",
        serialNumber: "20UPGM2000050",
        stage: "MODULE/WIREBOND",
        colour: "red",
        properties: { ORIENTATION: "yes", ROOFF: true },
      }]);
      assert.equal(bad.resolved, undefined);
      const paths = bad.problems.map((p) => p.path).sort();
      assert.deepEqual(paths, [
        "$[1].colour",
        "$[1].properties.FECHIP_VERSION",
        "$[1].properties.ORIENTATION",
        "$[1].properties.ROOFF",
        "$[1].serialNumber",
        "$[1].stage",
        "$[1].subproject",
      ]);
      assert.match(
        bad.problems.find((p) => p.path === "$[1].stage")!.message,
        /did you mean MODULE\/WIREBONDING/,
      );
      assert.match(
        bad.problems.find((p) => p.path === "$[1].properties.ROOFF")!.message,
        /did you mean ROOF/,
      );
    });

    await t.step("institution and component type are checked against the institution", async () => {
      const { problems } = await checkRequest(catalogue, {
        ...GOOD,
        institution: "SANDBOX_B",
        componentType: "BARE_MODULE",
      });
      assert.equal(problems.length, 1);
      assert.equal(problems[0].path, "$.componentType");
      assert.match(problems[0].message, /possible: MODULE/);
    });

    await t.step("a serial number twice in one batch", async () => {
      const checked = await checkRequests(catalogue, [GOOD, GOOD]);
      assert.ok(checked[0].resolved);
      assert.match(checked[1].problems[0].message, /also given at \$\[0\]/);
    });

    await t.step("flags: texts parsed by data type, places are flag names", async () => {
      const { resolved, problems } = await checkRequest(catalogue, {
        ...GOOD,
        properties: { ORIENTATION: "n", FECHIP_VERSION: "ITkpix_v1", IREFTRIM_FE1: "x" },
      }, { propertyText: true, place: flagPlace });
      assert.equal(resolved, undefined);
      assert.deepEqual(problems.map((p) => p.path), ["--property IREFTRIM_FE1"]);
    });

    await t.step("registerChecked goes on past an invalid and a failed item", async () => {
      const checked = await checkRequests(catalogue, [
        GOOD,
        { ...GOOD, serialNumber: "123" },
        { ...GOOD, serialNumber: "0000502", stage: "MODULE/PARYLENE" },
      ]);
      const outcomes = await registerChecked(client, checked);
      assert.deepEqual(outcomes.map((o) => o.status), ["registered", "invalid", "registered"]);
      assert.equal(outcomes[2].result?.stage, "MODULE/PARYLENE");
      const again = await registerChecked(client, [checked[0]]);
      assert.equal(again[0].status, "present");
      assert.match(again[0].line, /^\$\[0\] already registered: 20UPGM20000501 \(code \w+\)/);
      // A refusal by the service is a failure of that item only.
      const fresh = await checkRequests(catalogue, [{ ...GOOD, serialNumber: "0000503" }]);
      const refusing = {
        getComponent: client.getComponent.bind(client),
        setComponentStage: client.setComponentStage.bind(client),
        registerComponent: () =>
          Promise.reject(
            new ServerError("registerComponent", 500, {}, "registerComponent failed with HTTP 500"),
          ),
      };
      const failed = await registerChecked(refusing, fresh);
      assert.equal(failed[0].status, "failed");
      assert.match(failed[0].line, /^\$\[0\] failed \(20UPGM20000503\): registerComponent failed/);
    });

    await t.step("JSON documents: one object or an array; bad JSON with its line", () => {
      assert.deepEqual(parseRequestsJson('{"a":1}', "f.json"), { items: [{ a: 1 }], single: true });
      assert.equal(parseRequestsJson("[{}, {}]", "f.json").items.length, 2);
      assert.throws(() => parseRequestsJson('[\n{"a":1},\n{bad}\n]', "f.json"), (e) => {
        assert.ok(e instanceof ParseError);
        assert.equal(e.line, 3);
        return true;
      });
      assert.throws(() => parseRequestsJson("42", "f.json"), ParseError);
    });

    await t.step('"serialNumber": null is caught here, at its place', async () => {
      const [, second] = await checkRequests(catalogue, [GOOD, { ...GOOD, serialNumber: null }]);
      assert.deepEqual(second.problems.map((p) => p.path), ["$[1].serialNumber"]);
      assert.match(second.problems[0].message, /^null is not a serial number/);
      assert.equal(second.resolved, undefined);
    });

    await t.step("a key given twice, a control character, deep nesting: refused locally", () => {
      assert.throws(
        () =>
          parseRequestsJson('[{"serialNumber": "0000501", "serialNumber": "0000502"}]', "r.json"),
        (e) => {
          assert.ok(e instanceof InputError);
          assert.deepEqual(e.problems.map((p) => p.path), ["r.json $[0].serialNumber"]);
          return true;
        },
      );
      assert.throws(
        () => parseRequestsJson('{"institution": "SANDBOX_A\\u001b[2J"}', "r.json"),
        /r\.json \$\.institution: text holding ESC/,
      );
      assert.throws(() => parseRequestsJson("[".repeat(10_000), "r.json"), ParseError);
    });
  } finally {
    client.close();
    await sb.close();
  }
});
