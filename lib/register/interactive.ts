/**
 * The interactive registration (step 2 of the original scripts): institution → project →
 * component type → type → subproject → stage (each asked only when there is a choice), the
 * serial number (last 7 digits), every property with typed input and the escape codes, the
 * final JSON and a confirmation, then `registerComponent` and `setComponentStage`; and again
 * if the user wants another.
 *
 * @module
 */
import { NotFoundError } from "../errors.ts";
import type { FieldDefinition } from "../schemas/test_type.ts";
import {
  initialStage,
  type RegisterApi,
  RegistrationCatalogue,
  stagesOf,
  subprojectsOf,
} from "./catalogue.ts";
import {
  type Choice,
  Conversation,
  type RegisterIO,
  RegistrationCancelled,
} from "./conversation.ts";
import { escapeHelpLine, escapeOf, looksLikeEscape } from "./escapes.ts";
import {
  registerOne,
  type RegistrationResult,
  type ResolvedRegistration,
  resultLine,
} from "./register.ts";
import { buildSerial, identifierOf, serialPrefix, serialRule } from "./serial.ts";
import {
  describeField,
  formatCodeTable,
  inputHint,
  parsePropertyValue,
  showValue,
} from "./values.ts";

/** Options of {@link registerInteractively}. */
export interface InteractiveOptions extends RegisterIO {
  /** Ask before registering (default true; `--yes` turns it off). */
  confirm?: boolean;
  /** Offer to register another after each one (default true). */
  offerAnother?: boolean;
  /** A catalogue already loaded (default: loaded from `api`). */
  catalogue?: RegistrationCatalogue;
}

/**
 * Runs the interactive registration until the user declines another one; answers the
 * components registered.
 *
 * @throws {RegistrationCancelled} on `&CANCEL` or end of input (the component being asked
 *   about is not registered; `registered` lists those registered before).
 *
 * @example
 * ```ts ignore
 * import { ArrayLineSource } from "../cli/prompt.ts";
 * import { registerInteractively } from "./interactive.ts";
 * const answers = new ArrayLineSource(["1", "MODULE", "OUTER_SYSTEM_QUAD_MODULE", "PG", "",
 *   "0000001", "y", "1", "&SKIP", "&SKIP", "&SKIP", "&SKIP", "&SKIP", "y", "n"]);
 * const transcript: string[] = [];
 * const done = await registerInteractively(client, {
 *   input: answers, write: (t) => transcript.push(t), print: (l) => transcript.push(l + "\n"),
 * });
 * ```
 */
export async function registerInteractively(
  api: RegisterApi,
  options: InteractiveOptions,
): Promise<RegistrationResult[]> {
  const conv = new Conversation(options);
  const catalogue = options.catalogue ?? await RegistrationCatalogue.load(api);
  const done: RegistrationResult[] = [];
  try {
    while (true) {
      const resolved = await askRegistration(conv, api, catalogue);
      conv.say("");
      conv.say("component to register:");
      conv.say(JSON.stringify(resolved.input, null, 2));
      conv.say(
        `stage: ${resolved.stage}${
          resolved.stage === resolved.initialStage ? " (initial)" : ` (set after registering)`
        }`,
      );
      const go = options.confirm === false || await conv.askYesNo("register this component?");
      if (go) {
        const result = await registerOne(api, resolved);
        done.push(result);
        conv.print(resultLine(result));
      } else {
        conv.say("not registered");
      }
      if (options.offerAnother === false || !(await conv.askYesNo("register another?"))) break;
      conv.say("");
    }
  } catch (e) {
    if (e instanceof RegistrationCancelled) {
      throw new RegistrationCancelled(e.endOfInput, done);
    }
    throw e;
  }
  return done;
}

/** Asks everything about one component; answers it checked and complete. */
async function askRegistration(
  conv: Conversation,
  api: Pick<RegisterApi, "getComponent">,
  catalogue: RegistrationCatalogue,
): Promise<ResolvedRegistration> {
  const draft: Record<string, unknown> = {};
  const json = () => JSON.stringify(draft, null, 2);

  const institution = (await conv.choose(
    "institution",
    catalogue.institutions.map((i) => ({ code: i.code, label: i.name, value: i })),
    { onJson: json },
  )).value;
  draft.institution = institution.code;
  const project = (await conv.choose(
    "project",
    catalogue.projectsOf(institution).map((p) => ({ code: p.code, label: p.name, value: p })),
    { onJson: json },
  )).value;
  draft.project = project.code;
  const ctChoice = await conv.choose(
    "component type",
    project.itemList.map((t) => ({ code: t.code, label: t.name, value: t })),
    { onJson: json },
  );
  const ct = await catalogue.componentType(project.code, ctChoice.code);
  draft.componentType = ct.code;
  const variant = (await conv.choose(
    "type",
    ct.types.filter((t) => t.existing !== false).map((t) => ({
      code: t.code,
      label: t.name,
      value: t,
    })),
    { onJson: json },
  )).value;
  draft.type = variant.code;
  const subproject = (await conv.choose(
    "subproject",
    subprojectsOf(ct, variant).map((s) => ({ code: s.code, label: s.name, value: s })),
    { onJson: json },
  )).value;
  draft.subproject = subproject.code;
  const first = initialStage(ct);
  const stageChoices: Choice<string>[] = stagesOf(ct).map((s) => ({
    code: s.code,
    label: `${s.name ?? ""}${s.initial ? " (initial)" : ""}`.trim(),
    value: s.code,
  }));
  const stage = (await conv.choose("stage", stageChoices, {
    onJson: json,
    fallback: stageChoices.find((c) => c.value === first?.code),
  })).value;

  const rule = serialRule(ct, variant);
  if (rule !== "automatic") {
    const prefix = serialPrefix(subproject.code, identifierOf(ct, variant));
    const serial = await askSerial(conv, api, prefix, rule === "required", json);
    if (serial) draft.serialNumber = serial;
  }

  const properties: Record<string, unknown> = {};
  draft.properties = properties;
  await askProperties(conv, ct.properties ?? [], properties, json);

  return {
    input: draft as ResolvedRegistration["input"],
    stage,
    initialStage: first?.code ?? stage,
    componentType: ct,
  };
}

async function askSerial(
  conv: Conversation,
  api: Pick<RegisterApi, "getComponent">,
  prefix: string,
  required: boolean,
  json: () => string,
): Promise<string | undefined> {
  while (true) {
    const answer = await conv.ask(
      `serial number: ${prefix} + last 7 digits${required ? "" : " (Enter or &SKIP: none)"}: `,
    );
    const esc = escapeOf(answer);
    if (esc === "&PRINT") {
      conv.say(`the serial number is ${prefix} followed by 7 digits; type the 7 digits`);
      continue;
    }
    if (esc === "&JSON") {
      conv.say(json());
      continue;
    }
    if ((esc === "&SKIP" || answer === "") && !required) return undefined;
    if (esc === "&SKIP") {
      conv.say("a serial number is required for this type: it cannot be skipped");
      continue;
    }
    if (esc) {
      conv.say(`${esc} is not available here; type the 7 digits (or &CANCEL)`);
      continue;
    }
    const built = buildSerial(prefix, answer);
    if (!built.ok) {
      conv.say(built.reason);
      continue;
    }
    const existing = await findComponent(api, built.serial);
    if (existing) {
      conv.say(`${built.serial} is already registered (code ${existing}); type other digits`);
      continue;
    }
    return built.serial;
  }
}

async function findComponent(
  api: Pick<RegisterApi, "getComponent">,
  serial: string,
): Promise<string | undefined> {
  try {
    return (await api.getComponent({ component: serial })).code;
  } catch (e) {
    if (e instanceof NotFoundError) return undefined;
    throw e;
  }
}

/**
 * Asks every property in order, filling `values`; handles `&PRINT`, `&JSON`, `&SKIP`, `&BACK`
 * (`&CANCEL` and end of input throw {@link RegistrationCancelled}).
 */
async function askProperties(
  conv: Conversation,
  defs: readonly FieldDefinition[],
  values: Record<string, unknown>,
  json: () => string = () => JSON.stringify(values, null, 2),
): Promise<void> {
  if (defs.length === 0) return;
  conv.say(`properties (${defs.length}); ${escapeHelpLine()}`);
  const shown = new Set<string>();
  let i = 0;
  while (i < defs.length) {
    const def = defs[i];
    if (def.dataType === "codeTable" && !shown.has(def.code)) {
      conv.say(`${def.code} choices:`);
      for (const line of formatCodeTable(def.codeTable ?? [])) conv.say(line);
      shown.add(def.code);
    }
    const has = Object.hasOwn(values, def.code);
    const answer = await conv.ask(
      `${def.code}${def.name ? ` (${def.name})` : ""} [${inputHint(def)}${
        def.required ? ", required" : ""
      }]${has ? ` now ${showValue(def, values[def.code])}, Enter keeps it` : ""}: `,
    );
    const esc = escapeOf(answer);
    if (esc === "&PRINT") {
      for (const line of describeField(def)) conv.say(line);
      continue;
    }
    if (esc === "&JSON") {
      conv.say(json());
      continue;
    }
    if (esc === "&SKIP") {
      if (def.required) {
        conv.say(`${def.code} is required: it cannot be skipped`);
        continue;
      }
      delete values[def.code];
      conv.say(`${def.code} skipped`);
      i++;
      continue;
    }
    if (esc === "&BACK") {
      if (i === 0) conv.say("this is the first property: there is nothing to go back to");
      else i--;
      continue;
    }
    if (looksLikeEscape(answer)) {
      conv.say(`'${answer}' is not an escape code; ${escapeHelpLine()}`);
      continue;
    }
    if (answer === "") {
      if (has) {
        i++;
        continue;
      }
      conv.say(
        def.required
          ? `${def.code} is required: type a value (&PRINT shows what it takes)`
          : `type a value, or &SKIP to leave ${def.code} empty`,
      );
      continue;
    }
    const parsed = parsePropertyValue(def, answer);
    if (!parsed.ok) {
      conv.say(`${def.code}: ${parsed.reason}; try again`);
      continue;
    }
    values[def.code] = parsed.value;
    i++;
  }
}
