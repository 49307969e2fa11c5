/**
 * The `test_prototype` step as a library: the prototype test-run document of each test type
 * of a component type (SPEC §2.3), its file name, its explanation (prototype_explain.ts), and
 * writing the files.
 *
 * @module
 */
import { join } from "node:path";
import { InputError, NotFoundError } from "../errors.ts";
import { type OutputFs, writeOutputFiles, type WriteStatus } from "../io/write_output.ts";
import { suggest } from "../suggest.ts";
import type { ItkpdClient } from "../client/client.ts";
import { prototypeFor, prototypeJson, type TestRunPrototype } from "../schemas/prototype.ts";
import type { TestType } from "../schemas/test_type.ts";
import type { ProjectCode } from "../schemas/common.ts";
import { explainListing, prototypeMarkdown } from "./prototype_explain.ts";

/**
 * The file name of a test type's prototype: `prototype_<CODE>.json` (characters that cannot be
 * in a file name become `_`).
 *
 * @example
 * ```ts
 * import { prototypeFileName } from "./prototypes.ts";
 * prototypeFileName("IV_MEASURE"); // "prototype_IV_MEASURE.json"
 * ```
 */
export function prototypeFileName(code: string): string {
  return `prototype_${code.replace(/[^A-Za-z0-9_.-]/g, "_")}.json`;
}

/** `A…Z a…z 0…9 _ . -` kept, anything else `_`: a name that is safe in any folder. */
function safeNamePart(text: string): string {
  const t = text.replace(/[^A-Za-z0-9_.-]/g, "_").replace(/^\.+/, "_");
  return t === "" ? "_" : t;
}

/**
 * The default file name of a test run built from a data file:
 * `<component>_<TESTTYPE>_<runNumber>.json`. Two modules, two test types, or two runs never get
 * the same name (the run number is derived from the data); characters that cannot be in a file
 * name become `_`.
 *
 * @example
 * ```ts
 * import { runFileName } from "./prototypes.ts";
 * runFileName({ component: "20UPGM20000001", testType: "IV_MEASURE", runNumber: "iv-1a2b3c4d" });
 * // "20UPGM20000001_IV_MEASURE_iv-1a2b3c4d.json"
 * ```
 */
export function runFileName(
  run: { component: string | null; testType: string; runNumber: string },
): string {
  return `${safeNamePart(run.component ?? "no-component")}_${safeNamePart(run.testType)}_` +
    `${safeNamePart(run.runNumber)}.json`;
}

/**
 * The file name of the explanation written beside a prototype: `prototype_<CODE>.md`.
 *
 * @example
 * ```ts
 * import { explanationFileName } from "./prototypes.ts";
 * explanationFileName("IV_MEASURE"); // "prototype_IV_MEASURE.md"
 * ```
 */
export function explanationFileName(code: string): string {
  return prototypeFileName(code).replace(/\.json$/, ".md");
}

/** One prototype: its test type code, file names and document. */
export interface PrototypeFile {
  code: string;
  fileName: string;
  /** The explanation beside it: `prototype_<CODE>.md`. */
  explanationName: string;
  doc: TestRunPrototype;
  /** The definition the prototype was made from. */
  testType: TestType;
}

/** Options of {@link selectPrototypes}. */
export interface SelectPrototypesOptions {
  /** Only this test type; an {@link InputError} listing the available codes if it is absent. */
  testType?: string;
  /** Also store the raw definition in each prototype. */
  verbose?: boolean;
  /** Named in the error (e.g. `P/MODULE`). */
  scope?: string;
}

/**
 * The prototypes of `testTypes` (all, or the one asked for).
 *
 * @example
 * ```ts
 * import { selectPrototypes } from "./prototypes.ts";
 * const [p] = selectPrototypes([{ id: "1", code: "T", parameters: [
 *   { code: "X", dataType: "float", valueType: "single", required: true }] }]);
 * p.fileName; // "prototype_T.json"
 * p.doc.results; // { X: 0 }
 * ```
 */
export function selectPrototypes(
  testTypes: readonly TestType[],
  opts: SelectPrototypesOptions = {},
): PrototypeFile[] {
  let chosen = testTypes;
  if (opts.testType !== undefined) {
    chosen = testTypes.filter((t) => t.code === opts.testType);
    if (chosen.length === 0) {
      const known = testTypes.map((t) => t.code);
      const close = suggest(opts.testType, known);
      throw new InputError(
        `test type ${JSON.stringify(opts.testType)} not found` +
          (opts.scope ? ` for ${opts.scope}` : "") +
          (close ? ` (did you mean ${close}?)` : "") +
          `; available test types: ${known.length ? known.join(", ") : "none"}`,
      );
    }
  }
  return chosen.map((t) => ({
    code: t.code,
    fileName: prototypeFileName(t.code),
    explanationName: explanationFileName(t.code),
    doc: prototypeFor(t, opts.verbose ?? false),
    testType: t,
  }));
}

/** Options of {@link writePrototypes}. */
export interface WritePrototypesOptions {
  /** Project code, e.g. `P`. */
  project: string;
  /** Component type code, e.g. `MODULE`. */
  componentType: string;
  /** Only this test type. */
  testType?: string;
  /** Folder to write to (created if needed). */
  outDir: string;
  /** Also store the raw definitions. */
  verbose?: boolean;
  /** Replace existing files with other content (`--force`); by default they are refused. */
  force?: boolean;
  /** The file-system calls (tests inject storage faults here). */
  fs?: OutputFs;
  /** How upload-test-results is typed, for the explanation (default `itkpd upload-test-results`). */
  uploadCommand?: string;
}

/** A prototype file written: where, and whether it was new, replaced or already so. */
export interface WrittenPrototype {
  path: string;
  status: WriteStatus;
}

/**
 * The test types of a component type, fetched; an unknown component type is an
 * {@link InputError} in words, with a did-you-mean from the project's component types (or the
 * project it belongs to), never the service's bare code.
 */
async function fetchTestTypes(
  client: ItkpdClient,
  project: string,
  componentType: string,
): Promise<TestType[]> {
  try {
    return await client.listTestTypes({ project: project as ProjectCode, componentType });
  } catch (e) {
    if (!(e instanceof NotFoundError)) throw e;
    throw await unknownComponentType(client, project, componentType, e);
  }
}

/** The error for a component type that `listTestTypes` does not know. */
async function unknownComponentType(
  client: ItkpdClient,
  project: string,
  componentType: string,
  cause: NotFoundError,
): Promise<InputError> {
  const codesOf = async (p: string) => {
    try {
      return (await client.listComponentTypes({ project: p as ProjectCode })).map((t) => t.code);
    } catch {
      return [];
    }
  };
  const known = await codesOf(project);
  const close = suggest(componentType, known) ??
    known.find((k) => k.toLowerCase() === componentType.toLowerCase());
  let elsewhere: string | undefined;
  if (!close) {
    for (const p of ["P", "S", "CM", "CE"].filter((p) => p !== project)) {
      const hit = (await codesOf(p)).find((k) => k.toLowerCase() === componentType.toLowerCase());
      if (hit) {
        elsewhere = `${hit} is a component type of project ${p}: give --project ${p}`;
        break;
      }
    }
  }
  return new InputError(
    `component type ${JSON.stringify(componentType)} does not exist in project ${project}` +
      (close ? `; did you mean ${close}?` : elsewhere ? `; ${elsewhere}.` : ".") +
      (known.length ? ` Component types of ${project}: ${known.join(", ")}` : ""),
    [],
    { cause },
  );
}

/**
 * The listing of every key of the prototypes (all test types of a component type, or the one
 * asked for): what `test-prototype --explain` prints. Nothing is written.
 *
 * @example
 * ```ts ignore
 * console.log(await explainPrototypes(client, { project: "P", componentType: "MODULE" }));
 * ```
 */
export async function explainPrototypes(
  client: ItkpdClient,
  opts: Pick<WritePrototypesOptions, "project" | "componentType" | "testType">,
): Promise<string> {
  const files = selectPrototypes(
    await fetchTestTypes(client, opts.project, opts.componentType),
    { testType: opts.testType, scope: `${opts.project}/${opts.componentType}` },
  );
  return files.map((f) => `${explainListing(f.testType)}\n  (file: ${f.fileName})`).join("\n\n");
}

/**
 * Fetches the test types of a component type and writes `prototype_<CODE>.json` for each (or
 * the one asked for) into `outDir`, with its explanation `prototype_<CODE>.md` beside it (every
 * key: name, type, shape, required or optional, unit, range, codes), atomically; every target
 * is checked before any is written (an existing file with other content, e.g. a prototype being
 * filled in, is refused unless `force`). Answers the files and what was done to each.
 *
 * @example
 * ```ts ignore
 * const written = await writePrototypes(client, { project: "P", componentType: "MODULE", outDir: "." });
 * ```
 */
export async function writePrototypes(
  client: ItkpdClient,
  opts: WritePrototypesOptions,
): Promise<WrittenPrototype[]> {
  const testTypes = await fetchTestTypes(client, opts.project, opts.componentType);
  const files = selectPrototypes(testTypes, {
    testType: opts.testType,
    verbose: opts.verbose,
    scope: `${opts.project}/${opts.componentType}`,
  });
  await Deno.mkdir(opts.outDir, { recursive: true });
  const outputs = files.flatMap((f) => [
    { path: join(opts.outDir, f.fileName), content: prototypeJson(f.testType, f.doc) },
    {
      path: join(opts.outDir, f.explanationName),
      content: prototypeMarkdown(f.testType, {
        fileName: f.fileName,
        uploadCommand: opts.uploadCommand,
      }),
    },
  ]);
  const statuses = await writeOutputFiles(outputs, { overwrite: opts.force, fs: opts.fs });
  return outputs.map((o, i) => ({ path: o.path, status: statuses[i] }));
}
