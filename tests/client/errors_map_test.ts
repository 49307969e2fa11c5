import assert from "node:assert/strict";
import { z } from "zod";
import {
  ApiValidationError,
  AuthError,
  InputError,
  NotFoundError,
  ServerError,
} from "../../lib/errors.ts";
import {
  checkAnswer,
  errorForAnswer,
  ItkpdClient,
  parseBody,
  UnexpectedAnswerError,
} from "../../lib/client/mod.ts";
import { demoSerial } from "../../lib/fixtures/serials.ts";
import { clientFor, withSandbox } from "./_helpers.ts";

Deno.test("errors: every answer shape maps to the hierarchy", async (t) => {
  await withSandbox({ demoModules: 2 }, async (sb) => {
    const { client, warnings, lines } = clientFor(sb);
    try {
      await t.step("400 invalidDtoIn → ApiValidationError listing missing keys", async () => {
        await assert.rejects(
          client.call("getComponent", { pageInfo: { pageSize: 1 } }),
          (e: Error) => {
            assert.ok(e instanceof ApiValidationError);
            assert.deepEqual(e.missing, ["$.component"]);
            assert.ok(e.unsupported.includes("$.pageInfo"));
            assert.equal(e.status, 400);
            assert.match(e.message, /missing: \$\.component/);
            return true;
          },
        );
      });
      await t.step("400 invalidDtoIn → invalid keys with their reasons", async () => {
        await assert.rejects(
          client.call("listComponents", { project: "Fake", pageInfo: { pageSize: 1 } }),
          (e: Error) => {
            assert.ok(e instanceof ApiValidationError);
            const project = e.invalid.find((p) => p.path === "$.project");
            assert.ok(project, JSON.stringify(e.invalid));
            assert.match(project.message, /one of/);
            assert.match(e.message, /invalid: \$\.project: /);
            return true;
          },
        );
      });
      await t.step("a typed call checks its input first (nothing sent)", async () => {
        const before = sb.stats().byCommand.listComponents ?? 0;
        await assert.rejects(
          // deno-lint-ignore no-explicit-any
          client.listComponents({ project: "Fake" as any }),
          (e: Error) => e instanceof InputError && /\$\.project/.test(e.message),
        );
        assert.equal(sb.stats().byCommand.listComponents ?? 0, before);
      });
      await t.step("an unknown component → NotFoundError", async () => {
        await assert.rejects(
          client.getComponent({ component: "20UPGM29999999" }),
          (e: Error) =>
            e instanceof NotFoundError && e.command === "getComponent" &&
            e.codes.some((c) => /DoesNotExist/.test(c)),
        );
      });
      await t.step("binary data that does not exist → NotFoundError (404)", async () => {
        await assert.rejects(
          client.getBinaryData({ code: "nope" }),
          (e: Error) => e instanceof NotFoundError && e.status === 404,
        );
      });
      await t.step("an unknown route answers HTML → ServerError naming ITKDB_API_URL", async () => {
        await assert.rejects(
          client.call("listNoSuchThings", {}),
          (e: Error) =>
            e instanceof ServerError &&
            /not an ITkPD API answer \(HTML/.test(e.message) && /ITKDB_API_URL/.test(e.message),
        );
      });
      await t.step("unsupported keys alone → a warning, the call succeeds", async () => {
        const answer = await client.call("getComponent", {
          component: demoSerial(1),
          colour: "blue",
        });
        assert.equal(answer.serialNumber, demoSerial(1));
        assert.ok(warnings.some((w) => /unsupportedKeys/.test(w) && w.includes("$.colour")));
        assert.ok(lines.some((l) => /warning from getComponent/.test(l)));
        assert.ok(Object.keys(answer.uuAppErrorMap as object).some((c) => /unsupported/.test(c)));
      });
      await t.step("no token and no access codes → AuthError before sending", async () => {
        const bare = new ItkpdClient({
          env: false,
          apiUrl: sb.apiUrl,
          authUrl: sb.authUrl,
          onWarning: () => {},
        });
        try {
          await assert.rejects(
            bare.listInstitutions(),
            (e: Error) => e instanceof AuthError && /no token and no access codes/.test(e.message),
          );
        } finally {
          bare.close();
        }
      });
    } finally {
      client.close();
    }
  });
});

Deno.test("errors: answer mapping without a server", async (t) => {
  await t.step("an answer that does not fit its schema names command and path", () => {
    const schema = z.looseObject({ component: z.looseObject({ code: z.string() }) });
    assert.throws(
      () => checkAnswer("registerComponent", 200, schema, { component: { code: 5 } }),
      (e: Error) =>
        e instanceof UnexpectedAnswerError &&
        /registerComponent answered in an unexpected shape/.test(e.message) &&
        e.problems[0].path === "$.component.code",
    );
  });
  await t.step("401 → AuthError with codes; 404 → NotFoundError; 500 → ServerError", () => {
    const body = (map: object) => parseBody(JSON.stringify({ uuAppErrorMap: map }), null);
    const auth = errorForAnswer("x", "u", 401, body({ "uu-oidc/invalidToken": { type: "error" } }));
    assert.ok(auth instanceof AuthError);
    assert.deepEqual(auth.codes, ["uu-oidc/invalidToken"]);
    // A code without a message is said in words, never shown bare.
    assert.match(auth.message, /the token was refused: invalid token$/m);
    assert.doesNotMatch(auth.message, /uu-oidc/);
    assert.ok(errorForAnswer("x", "u", 404, body({})) instanceof NotFoundError);
    const server = errorForAnswer(
      "x",
      "u",
      500,
      body({ "a/x/boom": { type: "error", message: "m" } }),
    );
    assert.ok(server instanceof ServerError && !(server instanceof NotFoundError));
    // What the service said, in its words; the code stays in the error, not in the message.
    assert.match(server.message, /^x failed with HTTP 500\n {2}m$/);
    assert.deepEqual(server.codes, ["a/x/boom"]);
    const worded = errorForAnswer("x", "u", 500, body({ "a/x/componentTypeDoesNotExist": {} }));
    assert.match(worded!.message, /\n {2}component type does not exist$/);
    assert.equal(errorForAnswer("x", "u", 200, body({})), undefined);
  });
});

Deno.test("errors: text from the server is shown on one line, its controls escaped", async () => {
  const { errorForAnswer, parseBody, warningsIn } = await import("../../lib/client/errors_map.ts");
  const e = errorForAnswer(
    "getComponent",
    "https://x/getComponent",
    502,
    parseBody("bad gateway\nplan: 99 to create\x1b[2J", "text/plain"),
  );
  assert.ok(e);
  assert.equal(e.message.split("\n").length, 1, e.message);
  assert.match(e.message, /bad gateway\\nplan: 99 to create\\x1b\[2J/);
  const [w] = warningsIn("x", { "a/b/c": { type: "warning", message: "one\ntwo\u202e" } });
  assert.equal(w.message, "one\\ntwo\\u202e");
});

Deno.test("formatWarning: one line in words, the keys escaped, a did-you-mean", async () => {
  const { formatWarning } = await import("../../lib/client/errors_map.ts");
  assert.equal(
    formatWarning({
      command: "getComponent",
      code: "a/getComponent/unsupportedKeys",
      message: "DtoIn contains unsupported keys.",
      unsupportedKeys: ["$.x", "$.y\n\x1b[2J"],
    }),
    "getComponent: DtoIn contains unsupported keys; ignored: $.x; $.y\\n\\x1b[2J",
  );
  // No message: the code in words, never the bare code; a misspelt key gets the one meant.
  assert.equal(
    formatWarning({
      command: "getComponent",
      code: "a/getComponent/unsupportedKeys",
      message: "",
      unsupportedKeys: ["$.compnent"],
    }, ["component", "alternativeIdentifier"]),
    "getComponent: unsupported keys; ignored: $.compnent, did you mean $.component?",
  );
});
