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
import type { ComponentType, Institution } from "../schemas/catalogue.ts";
import {
  type ComponentTypeVariant,
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
 * components registered. Each answer after the first offers the previous component's answers
 * as defaults (Enter keeps them; the serial number offered is the next one), and `&BACK` goes
 * back one question at any question, choices and serial number included.
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
  let previous: Answers | undefined;
  try {
    while (true) {
      const { resolved, answers } = await askRegistration(conv, api, catalogue, previous);
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
      previous = { ...answers, serial: go ? nextSerial(answers.serial) : answers.serial };
      if (options.offerAnother === false || !(await conv.askYesNo("register another?"))) break;
      conv.say("");
      conv.say("the previous answers are offered: Enter keeps each one, &BACK goes back");
    }
  } catch (e) {
    if (e instanceof RegistrationCancelled) {
      throw new RegistrationCancelled(e.endOfInput, done);
    }
    throw e;
  }
  return done;
}

/** The answers of one registration: what going back and the next registration start from. */
interface Answers {
  institution?: string;
  project?: string;
  componentType?: string;
  type?: string;
  subproject?: string;
  stage?: string;
  /** The full serial number. */
  serial?: string;
  properties: Record<string, unknown>;
}

/**
 * The serial number after `serial` (its last 7 digits plus one), offered for the next
 * registration; `undefined` after the last one.
 *
 * @example
 * ```ts
 * import { nextSerial } from "./interactive.ts";
 * nextSerial("20UPGM20000042"); // "20UPGM20000043"
 * nextSerial("20UPGM29999999"); // undefined
 * ```
 */
export function nextSerial(serial: string | undefined): string | undefined {
  const m = serial ? /^(.*?)(\d{7})$/.exec(serial) : null;
  if (!m) return undefined;
  const next = Number(m[2]) + 1;
  return next > 9_999_999 ? undefined : m[1] + String(next).padStart(7, "0");
}

/** A project of an institution, with its component types. */
type ProjectComponentTypes = ReturnType<RegistrationCatalogue["projectsOf"]>[number];

/** What one question did: answered, taken without asking (one choice), or `&BACK`. */
type Outcome = "asked" | "taken" | "back";

/**
 * Asks everything about one component, `defaults` offered for every answer; `&BACK` at any
 * question returns to the one asked before it (a question with one choice is not asked, so
 * not returned to). Answers it checked and complete, with the answers given.
 */
async function askRegistration(
  conv: Conversation,
  api: Pick<RegisterApi, "getComponent">,
  catalogue: RegistrationCatalogue,
  defaults?: Answers,
): Promise<{ resolved: ResolvedRegistration; answers: Answers }> {
  const a: Answers = { ...defaults, properties: { ...defaults?.properties } };
  let institution: Institution | undefined;
  let project: ProjectComponentTypes | undefined;
  let ct: ComponentType | undefined;
  let variant: ComponentTypeVariant | undefined;
  /** The JSON so far, in the order of the questions. */
  const json = () => {
    const draft: Record<string, unknown> = {};
    for (const key of ["institution", "project", "componentType", "type", "subproject"] as const) {
      if (a[key] !== undefined) draft[key] = a[key];
    }
    if (a.serial !== undefined) draft.serialNumber = a.serial;
    draft.properties = a.properties;
    return JSON.stringify(draft, null, 2);
  };
  /** Asks one choice: `key` is set from it (and kept as the default for later). */
  const choice = async <T>(
    what: string,
    key: "institution" | "project" | "componentType" | "type" | "subproject" | "stage",
    choices: Choice<T>[],
    fallback?: string,
  ): Promise<{ outcome: Outcome; value?: T }> => {
    const picked = await conv.chooseOrBack(what, choices, {
      onJson: json,
      fallback: choices.find((c) => c.code === (a[key] ?? fallback)),
    });
    if (!picked) return { outcome: "back" };
    a[key] = picked.code;
    return { outcome: choices.length === 1 ? "taken" : "asked", value: picked.value };
  };

  const steps: (() => Promise<Outcome>)[] = [
    async () => {
      const r = await choice(
        "institution",
        "institution",
        catalogue.institutions.map((i) => ({ code: i.code, label: i.name, value: i })),
      );
      institution = r.value ?? institution;
      return r.outcome;
    },
    async () => {
      const r = await choice(
        "project",
        "project",
        catalogue.projectsOf(institution!).map((p) => ({ code: p.code, label: p.name, value: p })),
      );
      project = r.value ?? project;
      return r.outcome;
    },
    async () => {
      const r = await choice(
        "component type",
        "componentType",
        project!.itemList.map((t) => ({ code: t.code, label: t.name, value: t })),
      );
      if (r.outcome !== "back") ct = await catalogue.componentType(project!.code, a.componentType!);
      return r.outcome;
    },
    async () => {
      const r = await choice(
        "type",
        "type",
        ct!.types.filter((t) => t.existing !== false).map((t) => ({
          code: t.code,
          label: t.name,
          value: t,
        })),
      );
      variant = r.value ?? variant;
      return r.outcome;
    },
    async () =>
      (await choice(
        "subproject",
        "subproject",
        subprojectsOf(ct!, variant!).map((s) => ({ code: s.code, label: s.name, value: s })),
      )).outcome,
    async () =>
      (await choice(
        "stage",
        "stage",
        stagesOf(ct!).map((s) => ({
          code: s.code,
          label: `${s.name ?? ""}${s.initial ? " (initial)" : ""}`.trim(),
          value: s.code,
        })),
        initialStage(ct!)?.code,
      )).outcome,
    async () => {
      if (serialRule(ct!, variant!) === "automatic") {
        delete a.serial;
        return "taken";
      }
      const prefix = serialPrefix(a.subproject!, identifierOf(ct!, variant!));
      const offered = a.serial?.startsWith(prefix) ? a.serial : undefined;
      const serial = await askSerial(conv, api, prefix, {
        required: serialRule(ct!, variant!) === "required",
        offered,
        json,
      });
      if (serial === BACK) return "back";
      if (serial) a.serial = serial;
      else delete a.serial;
      return "asked";
    },
    async () => {
      const defs = ct!.properties ?? [];
      // Values of another component type's properties are not kept.
      for (const code of Object.keys(a.properties)) {
        if (!defs.some((d) => d.code === code)) delete a.properties[code];
      }
      if (defs.length === 0) return "taken";
      return await askProperties(conv, defs, a.properties, json) === BACK ? "back" : "asked";
    },
  ];
  const asked: number[] = [];
  let k = 0;
  while (k < steps.length) {
    const outcome = await steps[k]();
    if (outcome === "back") {
      const before = asked.pop();
      if (before === undefined) {
        conv.say("this is the first question: there is nothing to go back to");
      } else k = before;
      continue;
    }
    if (outcome === "asked") asked.push(k);
    k++;
  }

  const input: Record<string, unknown> = {
    institution: a.institution,
    project: a.project,
    componentType: a.componentType,
    type: a.type,
    subproject: a.subproject,
  };
  if (a.serial) input.serialNumber = a.serial;
  input.properties = a.properties;
  return {
    resolved: {
      input: input as ResolvedRegistration["input"],
      stage: a.stage!,
      initialStage: initialStage(ct!)?.code ?? a.stage!,
      componentType: ct!,
    },
    answers: a,
  };
}

/** What a question answers for `&BACK`. */
const BACK = Symbol("back");

async function askSerial(
  conv: Conversation,
  api: Pick<RegisterApi, "getComponent">,
  prefix: string,
  opts: { required: boolean; offered?: string; json: () => string },
): Promise<string | undefined | typeof BACK> {
  const { required, offered, json } = opts;
  const keep = offered ? `, Enter = ${offered.slice(prefix.length)}` : "";
  while (true) {
    const answer = await conv.ask(
      `serial number: ${prefix} + last 7 digits${
        required || offered ? "" : " (Enter or &SKIP: none)"
      }${keep}: `,
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
    if (esc === "&BACK") return BACK;
    if (answer === "" && offered) {
      const free = await freeSerial(conv, api, offered);
      if (free) return free;
      continue;
    }
    if ((esc === "&SKIP" || answer === "") && !required) return undefined;
    if (esc === "&SKIP") {
      conv.say("a serial number is required for this type: it cannot be skipped");
      continue;
    }
    if (esc) {
      conv.say(`${esc} is not available here; type the 7 digits (or &BACK, &CANCEL)`);
      continue;
    }
    const built = buildSerial(prefix, answer);
    if (!built.ok) {
      conv.say(built.reason);
      continue;
    }
    const free = await freeSerial(conv, api, built.serial);
    if (free) return free;
  }
}

/** `serial` when no component has it; else says so and answers `undefined`. */
async function freeSerial(
  conv: Conversation,
  api: Pick<RegisterApi, "getComponent">,
  serial: string,
): Promise<string | undefined> {
  const existing = await findComponent(api, serial);
  if (!existing) return serial;
  conv.say(`${serial} is already registered (code ${existing}); type other digits`);
  return undefined;
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
 * Asks every property in order, filling `values` (a value already there is offered: Enter
 * keeps it); handles `&PRINT`, `&JSON`, `&SKIP`, `&BACK` (at the first property it answers
 * {@link BACK}: the question before the properties); `&CANCEL` and end of input throw
 * {@link RegistrationCancelled}.
 */
async function askProperties(
  conv: Conversation,
  defs: readonly FieldDefinition[],
  values: Record<string, unknown>,
  json: () => string = () => JSON.stringify(values, null, 2),
): Promise<void | typeof BACK> {
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
      if (i === 0) return BACK;
      i--;
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
