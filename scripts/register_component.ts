/**
 * register-component: registers components in ITkPD, interactively (as the original script)
 * or from a JSON file / flags for many modules at once. See `--help`.
 *
 * Prompts and messages go to stderr; one line per registered component goes to stdout.
 *
 * @module
 */
import { defaultSessionFile } from "../lib/cli/session.ts";
import {
  type ParsedArgs,
  parseFlags,
  runMain,
  StreamLineSource,
  TIMEOUT_FLAG,
  timeoutMsOf,
  userPath,
} from "../lib/cli/mod.ts";
import { ItkpdClient, requireEnvAccess } from "../lib/client/mod.ts";
import { InputError, UsageError } from "../lib/errors.ts";
import { MAX_JSON_BYTES, readInputText } from "../lib/io/read_input.ts";
import {
  checkRequests,
  Conversation,
  describeInvalid,
  ESCAPE_HELP,
  flagPlace,
  parseRequestsJson,
  propertiesFromFlags,
  registerChecked,
  registerInteractively,
  RegistrationCatalogue,
  type RegistrationRequest,
} from "../lib/register/mod.ts";

const USAGE = `Usage:
  deno task register-component [--yes] [--verbose]
  deno task register-component --from FILE.json [--yes] [--verbose]
  deno task register-component --institution CODE --component-type CODE --type CODE
      [--project CODE] [--subproject CODE] [--serial DIGITS] [--stage CODE]
      [--property CODE=VALUE ...] [--yes] [--verbose]

Registers components in the ITkPD (token from ITK_DB_AUTH or the access codes in
ITKDB_ACCESS_CODE1/2; site from ITKDB_API_URL).

Without --from or component flags it asks, step by step: institution, project, component
type, type, subproject, stage (each only when there is a choice; type its number or code),
the serial number (the last 7 digits), then every property. At a property prompt:
${Object.entries(ESCAPE_HELP).map(([c, h]) => `  ${c.padEnd(8)} ${h}`).join("\n")}
It shows the JSON and asks to confirm, registers, sets the stage, and offers another.

--from FILE.json registers one object or an array of objects, each with the keys of
registerComponent (institution, project, componentType, type, subproject, serialNumber,
properties) and an optional stage; serialNumber may be the last 7 digits. Keys with a single
possible value may be left out. Everything is checked first; problems are listed by JSON
path; the valid ones are registered, one line each, and the exit code is 1 if any was not.

The flags form registers one component the same way (--property ORIENTATION=y, repeatable).

Options:
  --from FILE         JSON file of components to register
  --institution CODE  institution (e.g. SANDBOX_A)
  --project CODE      project (P, S, CM, CE)
  --component-type C  component type (e.g. MODULE)
  --type CODE         type (e.g. OUTER_SYSTEM_QUAD_MODULE)
  --subproject CODE   subproject (e.g. PG)
  --serial SN         serial number, or its last 7 digits
  --stage CODE        stage to set after registering (default: the initial stage)
  --property C=V      a property value, typed as its definition says (repeatable)
  --yes               do not ask for confirmation
  --verbose           log the requests (tokens hidden) to stderr
  --timeout SECONDS   time limit of one request (default 60)
  -h, --help          show this text

Exit codes: 0 done, 1 not all registered / cancelled / input or server error, 2 bad usage,
3 missing permission.
`;

const FLAGS = {
  from: { type: "string" },
  institution: { type: "string" },
  project: { type: "string" },
  "component-type": { type: "string" },
  type: { type: "string" },
  subproject: { type: "string" },
  serial: { type: "string" },
  stage: { type: "string" },
  property: { type: "string", multiple: true },
  yes: { type: "boolean" },
  verbose: { type: "boolean" },
  ...TIMEOUT_FLAG,
} as const;

const ITEM_FLAGS: [flag: string, key: keyof RegistrationRequest][] = [
  ["institution", "institution"],
  ["project", "project"],
  ["component-type", "componentType"],
  ["type", "type"],
  ["subproject", "subproject"],
  ["serial", "serialNumber"],
  ["stage", "stage"],
];

async function main(args: string[]): Promise<number> {
  const parsed = parseFlags(args, FLAGS);
  if (parsed.help) {
    console.log(USAGE);
    return 0;
  }
  requireEnvAccess();
  const from = str(parsed, "from");
  const properties = (parsed.values.property as string[] | undefined) ?? [];
  const itemFlags = ITEM_FLAGS.filter(([f]) => str(parsed, f) !== undefined);
  if (from !== undefined && (itemFlags.length || properties.length)) {
    throw new UsageError(
      `--from cannot be combined with --${itemFlags[0]?.[0] ?? "property"}; put it in the file`,
    );
  }
  const yes = !!parsed.values.yes;
  let items: unknown[] | undefined;
  let single = true;
  if (from !== undefined) {
    const path = userPath(from);
    const text = await readInputText(path, {
      what: "registrations file",
      name: from,
      maxBytes: MAX_JSON_BYTES,
    });
    ({ items, single } = parseRequestsJson(text, from));
    if (items.length === 0) throw new InputError(`${from}: the array is empty`);
  }

  const client = new ItkpdClient({
    timeoutMs: timeoutMsOf(parsed.values),
    verbose: !!parsed.values.verbose,
    sessionFile: defaultSessionFile(),
  });
  const input = new StreamLineSource();
  try {
    if (items === undefined && itemFlags.length === 0 && properties.length === 0) {
      await registerInteractively(client, { input, confirm: !yes });
      return 0;
    }
    const catalogue = await RegistrationCatalogue.load(client);
    let checked;
    if (items !== undefined) {
      checked = await checkRequests(catalogue, items, { single });
    } else {
      const request: RegistrationRequest = {};
      for (const [flag, key] of itemFlags) {
        (request as Record<string, unknown>)[key] = str(parsed, flag);
      }
      const props = propertiesFromFlags(properties);
      request.properties = props.properties;
      checked = await checkRequests(catalogue, [request], {
        single: true,
        propertyText: true,
        place: flagPlace,
      });
      checked[0].problems.unshift(...props.problems);
      if (props.problems.length) checked[0].resolved = undefined;
      checked[0].where = "flags";
    }
    return await registerAll(client, checked, input, yes);
  } finally {
    client.close();
  }
}

async function registerAll(
  client: ItkpdClient,
  checked: Awaited<ReturnType<typeof checkRequests>>,
  input: StreamLineSource,
  yes: boolean,
): Promise<number> {
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

function str(parsed: ParsedArgs, name: string): string | undefined {
  const v = parsed.values[name];
  return typeof v === "string" ? v : undefined;
}

if (import.meta.main) runMain("register-component", main);
