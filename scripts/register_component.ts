/**
 * register-component: registers components in ITkPD, interactively (as the original script)
 * or from a JSON file / flags for many modules at once. See `--help`.
 *
 * Prompts and messages go to stderr; one line per registered component goes to stdout.
 *
 * @module
 */
import { openClient } from "../lib/cli/client.ts";
import { defineCommand, runCommand } from "../lib/cli/command.ts";
import { TIMEOUT_FLAG } from "../lib/cli/timeout.ts";
import type { ItkpdClient } from "../lib/client/mod.ts";
import { InputError, UsageError } from "../lib/errors.ts";
import { ESCAPE_HELP } from "../lib/register/escapes.ts";
import type { checkRequests, RegistrationRequest } from "../lib/register/mod.ts";
import type { StreamLineSource } from "../lib/cli/prompt.ts";

/** The command: its flags and help. */
export const COMMAND = defineCommand({
  name: "register-component",
  usage: [
    "[--yes] [--verbose]",
    "--from FILE.json [--yes] [--verbose]",
    `--institution CODE --component-type CODE --type CODE
      [--project CODE] [--subproject CODE] [--serial DIGITS] [--stage CODE]
      [--property CODE=VALUE ...] [--yes] [--verbose]`,
  ],
  description: `Registers components in the ITkPD (token from ITK_DB_AUTH or the access codes in
ITKDB_ACCESS_CODE1/2; site from ITKDB_API_URL).

Without --from or component flags it asks, step by step: institution, project, component
type, type, subproject, stage (each only when there is a choice; type its number or code),
the serial number (the last 7 digits), then every property. &BACK goes back one question at
any of them; "register another" offers the previous answers (Enter keeps each) and the next
serial number. At a property prompt:
${Object.entries(ESCAPE_HELP).map(([c, h]) => `  ${c.padEnd(8)} ${h}`).join("\n")}
It shows the JSON and asks to confirm, registers, sets the stage, and offers another.

--from FILE.json registers one object or an array of objects, each with the keys of
registerComponent (institution, project, componentType, type, subproject, serialNumber,
properties) and an optional stage; serialNumber may be the last 7 digits; a code-table
property may be given by its code or its name, as at the prompt. Keys with a single
possible value may be left out. Everything is checked first; problems are listed by JSON
path; the valid ones are registered, one line each, and the exit code is 1 if any was not.

The flags form registers one component the same way (--property ORIENTATION=y, repeatable).`,
  flags: {
    from: { type: "path", value: "FILE", help: "JSON file of components to register" },
    institution: { type: "string", value: "CODE", help: "institution (e.g. SANDBOX_A)" },
    project: { type: "string", value: "CODE", help: "project (P, S, CM, CE)" },
    "component-type": { type: "string", value: "C", help: "component type (e.g. MODULE)" },
    type: { type: "string", value: "CODE", help: "type (e.g. OUTER_SYSTEM_QUAD_MODULE)" },
    subproject: { type: "string", value: "CODE", help: "subproject (e.g. PG)" },
    serial: { type: "string", value: "SN", help: "serial number, or its last 7 digits" },
    stage: {
      type: "string",
      value: "CODE",
      help: "stage to set after registering (default: the initial stage)",
    },
    property: {
      type: "list",
      value: "C=V",
      help: "a property value, typed as its definition says (repeatable)",
    },
    yes: { type: "boolean", help: "do not ask for confirmation" },
    verbose: { type: "boolean", help: "log the requests (tokens hidden) to stderr" },
    ...TIMEOUT_FLAG,
  },
  epilog:
    `Exit codes: 0 done, 1 not all registered / cancelled / input or server error, 2 bad usage,
3 missing permission.`,
});

/** The flags of the flags form, and the registration key each one fills. */
const ITEM_FLAGS = [
  ["institution", "institution"],
  ["project", "project"],
  ["componentType", "componentType"],
  ["type", "type"],
  ["subproject", "subproject"],
  ["serial", "serialNumber"],
  ["stage", "stage"],
] as const satisfies readonly (readonly [string, keyof RegistrationRequest])[];

if (import.meta.main) {
  runCommand(COMMAND, async ({ flags, raw }) => {
    const { requireEnvAccess } = await import("../lib/client/mod.ts");
    requireEnvAccess();
    const itemFlags = ITEM_FLAGS.filter(([f]) => flags[f] !== undefined);
    if (flags.from !== undefined && (itemFlags.length || flags.property.length)) {
      const first = itemFlags[0]?.[0].replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
      throw new UsageError(
        `--from cannot be combined with --${first ?? "property"}; put it in the file`,
      );
    }
    const register = await import("../lib/register/mod.ts");
    let items: unknown[] | undefined;
    let single = true;
    if (flags.from !== undefined) {
      const { MAX_JSON_BYTES, readInputText } = await import("../lib/io/read_input.ts");
      const from = raw.from[0];
      const text = await readInputText(flags.from, {
        what: "registrations file",
        name: from,
        maxBytes: MAX_JSON_BYTES,
      });
      ({ items, single } = register.parseRequestsJson(text, from));
      if (items.length === 0) throw new InputError(`${from}: the array is empty`);
    }

    const client = await openClient({ timeoutSeconds: flags.timeout, verbose: flags.verbose });
    const { StreamLineSource } = await import("../lib/cli/prompt.ts");
    const input = new StreamLineSource();
    try {
      if (items === undefined && itemFlags.length === 0 && flags.property.length === 0) {
        await register.registerInteractively(client, { input, confirm: !flags.yes });
        return 0;
      }
      const catalogue = await register.RegistrationCatalogue.load(client);
      let checked;
      if (items !== undefined) {
        checked = await register.checkRequests(catalogue, items, { single });
      } else {
        const request: RegistrationRequest = {};
        for (const [flag, key] of itemFlags) request[key] = flags[flag];
        const props = register.propertiesFromFlags(flags.property);
        request.properties = props.properties;
        checked = await register.checkRequests(catalogue, [request], {
          single: true,
          propertyText: true,
          place: register.flagPlace,
        });
        checked[0].problems.unshift(...props.problems);
        if (props.problems.length) checked[0].resolved = undefined;
        checked[0].where = "flags";
      }
      return await registerAll(client, checked, input, flags.yes);
    } finally {
      client.close();
    }
  });
}

async function registerAll(
  client: ItkpdClient,
  checked: Awaited<ReturnType<typeof checkRequests>>,
  input: StreamLineSource,
  yes: boolean,
): Promise<number> {
  const { Conversation, describeInvalid, registerChecked } = await import(
    "../lib/register/mod.ts"
  );
  const valid = checked.filter((c) => c.resolved);
  const invalid = checked.length - valid.length;
  if (invalid && !yes) {
    console.error(
      `${invalid} of ${checked.length} not valid (not registered):\n${describeInvalid(checked)}`,
    );
  }
  if (valid.length && !yes) {
    const conv = new Conversation({ input });
    conv.say(`to register (${valid.length}):`);
    for (const c of valid) {
      const r = c.resolved!;
      conv.say(
        `  ${c.where} ${r.input.serialNumber ?? "(no serial)"} ${r.input.type} ` +
          `${r.input.institution} stage ${r.stage} ${JSON.stringify(r.input.properties)}`,
      );
    }
    if (
      !(await conv.askYesNo(`register ${valid.length === 1 ? "it" : `these ${valid.length}`}?`))
    ) {
      console.error("nothing registered");
      return 1;
    }
  }
  const outcomes = await registerChecked(client, checked, {
    onOutcome: (o) => console.log(o.line),
  });
  const registered = outcomes.filter((o) => o.status === "registered").length;
  const present = outcomes.filter((o) => o.status === "present").length;
  const stageSet = outcomes.filter((o) => o.stageSet).length;
  const failed = outcomes.filter((o) => o.status === "failed").length;
  if (checked.length > 1 || registered === 0) {
    console.error(
      `${registered} registered, ${present} already registered` +
        (stageSet ? ` (${stageSet} of them: stage set now)` : "") +
        `, ${invalid} invalid, ${failed} failed`,
    );
  }
  return registered + present === checked.length ? 0 : 1;
}
