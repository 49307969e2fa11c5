/**
 * Non-interactive registration input: a JSON document (one object or an array of objects of
 * `registerComponent` input plus an optional `stage`) or command-line flags, checked against the
 * catalogue before anything is sent, with every problem reported at its JSON path (or flag).
 *
 * @module
 */
import { suggest } from "../suggest.ts";
import { InputError, ItkpdError, ParseError, type Problem } from "../errors.ts";
import { findUnsafeChar } from "../escape.ts";
import { parseJsonDocument } from "../parsers/json.ts";
import { checkValues } from "../schemas/field_values.ts";
import type { ComponentType } from "../schemas/catalogue.ts";
import { SERIAL_NUMBER_PATTERN } from "../schemas/component.ts";
import { initialStage, type RegistrationCatalogue, stagesOf, subprojectsOf } from "./catalogue.ts";
import type { ResolvedRegistration } from "./register.ts";
import { buildSerial, identifierOf, serialPrefix, serialRule } from "./serial.ts";
import { codeFromFile, parsePropertyValue } from "./values.ts";

/** What one registration asks for; fields with a single possible value may be left out. */
export interface RegistrationRequest {
  institution?: string;
  project?: string;
  componentType?: string;
  type?: string;
  subproject?: string;
  /** The full serial number, or its last 7 digits. */
  serialNumber?: string;
  /** Stage to set after registering (default: the initial stage). */
  stage?: string;
  /** `{code: value}`; with `propertyText`, values are texts to parse (as typed on a command line). */
  properties?: Record<string, unknown>;
  alternativeIdentifier?: string;
  comments?: unknown;
}

const KNOWN_KEYS = [
  "institution",
  "project",
  "componentType",
  "type",
  "subproject",
  "serialNumber",
  "stage",
  "properties",
  "alternativeIdentifier",
  "comments",
];

/** A checked request: resolved when it has no problems. */
export interface CheckedRequest {
  /** Position in the input (0-based). */
  index: number;
  /** Where the request is, for messages: `$[1]`, `$`, or `flags`. */
  where: string;
  resolved?: ResolvedRegistration;
  /** Every problem, each at its JSON path (or flag name). */
  problems: Problem[];
}

/** Options of {@link checkRequest}. */
export interface CheckOptions {
  /** Property values are texts (from `--property CODE=VALUE`) to parse by their data type. */
  propertyText?: boolean;
  /** Turns a JSON path of the request (`$.serialNumber`) into the place shown to the user. */
  place?: (path: string) => string;
}

/**
 * Checks one request against the catalogue and fills in what has a single possible value
 * (project, type, subproject; stage defaults to the initial one). Every problem is listed.
 *
 * @example
 * ```ts ignore
 * const catalogue = await RegistrationCatalogue.load(client);
 * const { resolved, problems } = await checkRequest(catalogue, {
 *   institution: "SANDBOX_A", componentType: "MODULE", type: "OUTER_SYSTEM_QUAD_MODULE",
 *   subproject: "PG", serialNumber: "0000001", properties: { ORIENTATION: true, FECHIP_VERSION: "1" },
 * });
 * ```
 */
export async function checkRequest(
  catalogue: RegistrationCatalogue,
  request: unknown,
  options: CheckOptions = {},
): Promise<{ resolved?: ResolvedRegistration; problems: Problem[] }> {
  const place = options.place ?? ((p: string) => p);
  const problems: Problem[] = [];
  const add = (path: string, message: string) => problems.push({ path: place(path), message });
  if (typeof request !== "object" || request === null || Array.isArray(request)) {
    add("$", "a registration is a JSON object {institution, componentType, type, …}");
    return { problems };
  }
  const req = request as Record<string, unknown>;
  for (const key of ["institution", "project", "componentType", "type", "subproject", "stage"]) {
    const v = req[key];
    const bad = typeof v === "string" ? findUnsafeChar(v) : undefined;
    if (bad) add(`$.${key}`, `holds ${bad.name}: control characters are not accepted`);
  }
  for (const key of Object.keys(req)) {
    if (!KNOWN_KEYS.includes(key)) {
      const close = closest(key, KNOWN_KEYS);
      add(`$.${key}`, `unknown key${close ? ` (did you mean ${close}?)` : ""}`);
    }
  }
  const text = (key: string): string | undefined => {
    const v = req[key];
    if (v === undefined || v === null) return undefined;
    if (typeof v === "string" && v.trim() !== "") return v.trim();
    add(`$.${key}`, "must be a non-empty string");
    return undefined;
  };
  /** The value of `key`: given and allowed, or the single possible one; else a problem. */
  const pick = (key: string, allowed: string[], what: string): string | undefined => {
    const given = text(key);
    if (given === undefined) {
      if (req[key] !== undefined && req[key] !== null) return undefined;
      if (allowed.length === 1) return allowed[0];
      add(
        `$.${key}`,
        allowed.length ? `missing: the ${what} (one of ${allowed.join(", ")})` : `missing`,
      );
      return undefined;
    }
    if (allowed.includes(given)) return given;
    const close = closest(given, allowed);
    add(
      `$.${key}`,
      `'${given}' is not ${what === "institution" ? "a known" : "a possible"} ${what}${
        close ? ` (did you mean ${close}?)` : ""
      }${allowed.length <= 12 ? `; possible: ${allowed.join(", ")}` : ""}`,
    );
    return undefined;
  };

  const instCode = pick("institution", catalogue.institutions.map((i) => i.code), "institution");
  const institution = instCode ? catalogue.institution(instCode) : undefined;
  const project = institution
    ? pick("project", catalogue.projectsOf(institution).map((p) => p.code), "project")
    : text("project");
  const ctCode = institution && project
    ? pick(
      "componentType",
      catalogue.componentTypesOf(institution, project).map((t) => t.code),
      `component type of ${institution.code} in project ${project}`,
    )
    : text("componentType");
  let ct: ComponentType | undefined;
  if (institution && project && ctCode) {
    try {
      ct = await catalogue.componentType(project, ctCode);
    } catch (e) {
      if (!(e instanceof ItkpdError)) throw e;
      add("$.componentType", `cannot read its definition: ${e.message.split("\n")[0]}`);
    }
  }
  const properties = req.properties ?? {};
  if (typeof properties !== "object" || properties === null || Array.isArray(properties)) {
    add("$.properties", "must be an object {code: value}");
  }
  if (!ct) {
    for (const key of ["type", "subproject", "serialNumber", "stage"]) text(key);
    return { problems };
  }
  const typeCode = pick("type", ct.types.map((t) => t.code), `type of ${ct.code}`);
  const variant = ct.types.find((t) => t.code === typeCode);
  const subproject = variant
    ? pick(
      "subproject",
      subprojectsOf(ct, variant).map((s) => s.code),
      `subproject of ${variant.code}`,
    )
    : text("subproject");

  let serialNumber: string | undefined;
  if (req.serialNumber === null) {
    add(
      "$.serialNumber",
      "null is not a serial number: give the serial number (or its last 7 digits), or leave " +
        "the key out when the type assigns one",
    );
  }
  const serialGiven = text("serialNumber");
  if (serialGiven !== undefined && !(variant && subproject)) {
    if (!/^\d{7}$/.test(serialGiven) && !SERIAL_NUMBER_PATTERN.test(serialGiven)) {
      add(
        "$.serialNumber",
        `'${serialGiven}' is neither 7 digits nor a 14-character serial number`,
      );
    }
  }
  if (variant && subproject) {
    const rule = serialRule(ct, variant);
    const prefix = serialPrefix(subproject, identifierOf(ct, variant));
    if (serialGiven !== undefined) {
      const built = buildSerial(prefix, serialGiven);
      if (built.ok) serialNumber = built.serial;
      else add("$.serialNumber", built.reason);
    } else if (rule === "required" && req.serialNumber === undefined) {
      add("$.serialNumber", `missing: ${ct.code} needs a serial number (${prefix} + 7 digits)`);
    }
  }

  const stages = stagesOf(ct).map((s) => s.code);
  const first = initialStage(ct)?.code;
  const stageGiven = text("stage");
  let stage = stageGiven ?? first;
  if (stageGiven !== undefined && !stages.includes(stageGiven)) {
    const close = closest(stageGiven, stages);
    add(
      "$.stage",
      `'${stageGiven}' is not a stage of ${ct.code}${close ? ` (did you mean ${close}?)` : ""}; ` +
        `stages: ${stages.join(", ")}`,
    );
    stage = undefined;
  }
  if (!first) add("$.componentType", `${ct.code} has no stages`);

  const values: Record<string, unknown> = {};
  const defs = ct.properties ?? [];
  if (typeof properties === "object" && properties !== null && !Array.isArray(properties)) {
    for (const [code, raw] of Object.entries(properties)) {
      const def = defs.find((d) => d.code === code);
      if (!def) {
        const close = closest(code, defs.map((d) => d.code));
        add(
          `$.properties.${code}`,
          `not a property of ${ct.code}${close ? ` (did you mean ${close}?)` : ""}; ` +
            `properties: ${defs.map((d) => d.code).join(", ")}`,
        );
        continue;
      }
      if (options.propertyText && typeof raw === "string") {
        const parsed = parsePropertyValue(def, raw);
        if (parsed.ok) values[code] = parsed.value;
        else add(`$.properties.${code}`, parsed.reason);
      } else {
        // A code or its shown value (any case), as the interactive prompt takes them.
        values[code] = codeFromFile(def, raw);
      }
    }
    const check = checkValues(defs, values, "$.properties");
    for (const path of check.missing) {
      if (!problems.some((p) => p.path === place(path))) add(path, "missing: a required property");
    }
    for (const p of check.invalid) add(p.path, p.message);
  }

  if (problems.length || !typeCode || !subproject || !stage || !first || !project) {
    return { problems };
  }
  const input: ResolvedRegistration["input"] = {
    project: project as ResolvedRegistration["input"]["project"],
    subproject,
    institution: instCode!,
    componentType: ct.code,
    type: typeCode,
    ...(serialNumber ? { serialNumber } : {}),
    properties: values,
  };
  const extra = input as Record<string, unknown>;
  if (typeof req.alternativeIdentifier === "string") {
    extra.alternativeIdentifier = req.alternativeIdentifier;
  }
  if (req.comments !== undefined) extra.comments = req.comments;
  return { resolved: { input, stage, initialStage: first, componentType: ct }, problems };
}

/**
 * Checks every request (all problems of all requests, not just the first), and flags a serial
 * number given twice. `single` writes paths as `$.x` (one object) instead of `$[i].x`.
 */
export async function checkRequests(
  catalogue: RegistrationCatalogue,
  requests: readonly unknown[],
  options: CheckOptions & { single?: boolean } = {},
): Promise<CheckedRequest[]> {
  const out: CheckedRequest[] = [];
  const seen = new Map<string, number>();
  for (const [index, request] of requests.entries()) {
    const where = options.single ? "$" : `$[${index}]`;
    const place = options.place ??
      ((path: string) => options.single ? path : `$[${index}]${path.slice(1)}`);
    const { resolved, problems } = await checkRequest(catalogue, request, { ...options, place });
    const serial = resolved?.input.serialNumber;
    if (serial) {
      const before = seen.get(serial);
      if (before !== undefined) {
        problems.push({
          path: place("$.serialNumber"),
          message: `${serial} is also given at $[${before}]`,
        });
      } else seen.set(serial, index);
    }
    out.push({ index, where, resolved: problems.length ? undefined : resolved, problems });
  }
  return out;
}

/**
 * Reads a `--from` file's text: one object or an array of objects.
 *
 * @throws {ParseError} when it is not JSON (or nested too deep), or not an object or array;
 * InputError for a key given twice, a number that is not finite, a control character.
 */
export function parseRequestsJson(
  text: string,
  file: string,
): { items: unknown[]; single: boolean } {
  // Strict: depth bounded, a key given twice, a non-finite number or a control character in a
  // string is a problem with its JSON path (see lib/parsers/json.ts).
  const { value, problems } = parseJsonDocument(text, file, { freeTextKeys: ["comments"] });
  if (problems.length > 0) {
    throw new InputError(
      `${file}: not read: ${problems.length} problem${problems.length === 1 ? "" : "s"}`,
      problems.map((p) => ({ path: `${file} ${p.path}`, message: p.message })),
      { hint: "fix every listed key and run again; nothing was sent" },
    );
  }
  if (Array.isArray(value)) return { items: value, single: false };
  if (typeof value === "object" && value !== null) return { items: [value], single: true };
  throw new ParseError(file, undefined, "expected an object or an array of objects");
}

/** Flag names of the request keys, for messages about the flags form. */
const FLAG_OF_KEY: Record<string, string> = {
  institution: "--institution",
  project: "--project",
  componentType: "--component-type",
  type: "--type",
  subproject: "--subproject",
  serialNumber: "--serial",
  stage: "--stage",
};

/** A request path as the flag that gave it: `$.serialNumber` → `--serial`, `$.properties.X` →
 * `--property X`. */
export function flagPlace(path: string): string {
  const prop = /^\$\.properties\.(.+)$/.exec(path);
  if (prop) return `--property ${prop[1]}`;
  const key = /^\$\.([A-Za-z]+)$/.exec(path)?.[1];
  return key && FLAG_OF_KEY[key] ? FLAG_OF_KEY[key] : path;
}

/**
 * Parses `--property CODE=VALUE` flags into `{CODE: "VALUE"}` (texts, parsed later by the
 * property's data type); problems (no `=`, a code given twice) at `--property …`.
 */
export function propertiesFromFlags(
  flags: readonly string[],
): { properties: Record<string, string>; problems: Problem[] } {
  const properties: Record<string, string> = {};
  const problems: Problem[] = [];
  for (const f of flags) {
    const eq = f.indexOf("=");
    if (eq <= 0) {
      problems.push({ path: `--property ${f}`, message: "expected CODE=VALUE" });
      continue;
    }
    const code = f.slice(0, eq).trim();
    if (code in properties) {
      problems.push({ path: `--property ${code}`, message: "given twice" });
      continue;
    }
    properties[code] = f.slice(eq + 1);
  }
  return { properties, problems };
}

/** The allowed value a typo most likely means: the only one starting with it (any case), else
 * the nearest by edit distance. */
function closest(given: string, allowed: readonly string[]): string | undefined {
  const low = given.toLowerCase();
  const starting = allowed.filter((a) => a.toLowerCase().startsWith(low));
  if (starting.length === 1) return starting[0];
  return suggest(given, [...allowed]);
}
