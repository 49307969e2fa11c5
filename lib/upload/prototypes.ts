/**
 * The `test_prototype` step as a library: the prototype test-run document of each test type
 * of a component type (SPEC §2.3), its file name, and writing the files.
 *
 * @module
 */
import { join } from "node:path";
import { InputError } from "../errors.ts";
import { suggest } from "../suggest.ts";
import type { ItkpdClient } from "../client/client.ts";
import { prototypeFor, prototypeJson, type TestRunPrototype } from "../schemas/prototype.ts";
import type { TestType } from "../schemas/test_type.ts";
import type { ProjectCode } from "../schemas/common.ts";

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

/** One prototype: its test type code, file name and document. */
export interface PrototypeFile {
  code: string;
  fileName: string;
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
}

/**
 * Fetches the test types of a component type and writes `prototype_<CODE>.json` for each (or
 * the one asked for) into `outDir`. Answers the paths written.
 *
 * @example
 * ```ts ignore
 * const paths = await writePrototypes(client, { project: "P", componentType: "MODULE", outDir: "." });
 * ```
 */
export async function writePrototypes(
  client: ItkpdClient,
  opts: WritePrototypesOptions,
): Promise<string[]> {
  const testTypes = await client.listTestTypes({
    project: opts.project as ProjectCode,
    componentType: opts.componentType,
  });
  const files = selectPrototypes(testTypes, {
    testType: opts.testType,
    verbose: opts.verbose,
    scope: `${opts.project}/${opts.componentType}`,
  });
  await Deno.mkdir(opts.outDir, { recursive: true });
  const paths: string[] = [];
  for (const f of files) {
    const path = join(opts.outDir, f.fileName);
    await Deno.writeTextFile(path, prototypeJson(f.testType, f.doc));
    paths.push(path);
  }
  return paths;
}
