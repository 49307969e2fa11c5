/**
 * The DAGE files of one module, read for the wire-bond step: each read bounded and parsed (bad
 * lines kept as problems with file:line), the same file given twice refused, their serial numbers
 * checked against the module, and their tests merged into one parse result.
 *
 * @module
 */
import { InputError, type Problem } from "../errors.ts";
import { testDate } from "../analysis/run_number.ts";
import { dageSerial, parseDage } from "../parsers/dage.ts";
import type { DageParseResult } from "../parsers/dage_types.ts";
import { SERIAL_NUMBER_PATTERN } from "../schemas/serial_number.ts";
import { type NamedInputFile, readInputText } from "./files.ts";

/**
 * Reads and parses DAGE files (bad lines do not throw: see each result's `errors`). The same
 * file given twice (the same path, or the same content under another name) is an
 * {@link InputError}: its pulls would be counted twice. A missing read permission is rethrown
 * as is; an unreadable file is an {@link InputError}.
 *
 * @example
 * ```ts ignore
 * const parts = await readDageInputs([{ path: "/data/a.csv", name: "a.csv" }]);
 * ```
 */
export async function readDageInputs(files: readonly NamedInputFile[]): Promise<DageParseResult[]> {
  const out: DageParseResult[] = [];
  const byPath = new Map<string, string>();
  const byContent = new Map<string, string>();
  for (const f of files) {
    const name = f.name ?? f.path;
    const real = await Deno.realPath(f.path).catch(() => f.path);
    const before = byPath.get(real);
    if (before !== undefined) {
      throw new InputError(
        `${name}: the same file is given twice (${before} and ${name}): its pulls would be ` +
          "counted twice",
        [],
        { hint: "give each file once" },
      );
    }
    byPath.set(real, name);
    const text = await readInputText(f.path, "DAGE file", name);
    const twin = byContent.get(text);
    if (twin !== undefined) {
      throw new InputError(
        `${name}: the same content as ${twin}: its pulls would be counted twice`,
        [],
        { hint: "give each export once (a copy of a file is the same file)" },
      );
    }
    byContent.set(text, name);
    out.push(parseDage(text, name));
  }
  return out;
}

/**
 * Checks that DAGE files belong to `component`: every `Serial Number` they give must be that
 * component (and they must agree with each other). A file without any serial number cannot be
 * checked and is refused unless `allowMissingSerial` (the user says the file is that module's).
 * Throws {@link InputError} listing every mismatch with its file:line.
 *
 * @example
 * ```ts
 * import { parseDage } from "../parsers/dage.ts";
 * import { checkSerials } from "./dage_inputs.ts";
 * const a = parseDage('"Serial Number","20UPGM20000011"\n"LOADUNIT","g"\n"TEST",1,"1",9,0,"0","r1"\n', "a.csv");
 * try {
 *   checkSerials([a], "20UPGM20000013");
 * } catch (e) {
 *   (e as Error).message; // "the files are not all of module 20UPGM20000013 …"
 * }
 * ```
 */
export function checkSerials(
  parts: readonly DageParseResult[],
  component: string | null | undefined,
  opts: { allowMissingSerial?: boolean } = {},
): void {
  const problems: Problem[] = [];
  let first: { serial: string; where: string } | undefined;
  const missing: string[] = [];
  for (const p of parts) {
    const s = dageSerial(p);
    problems.push(...s.problems);
    if (s.serial === undefined || s.where === undefined) {
      missing.push(p.file);
      continue;
    }
    if (component && s.serial !== component) {
      problems.push({
        path: s.where,
        message: `Serial Number ${JSON.stringify(s.serial)} is not the module given ` +
          `(${component})` +
          (SERIAL_NUMBER_PATTERN.test(component)
            ? ""
            : `; if ${component} is that module's code, give its serial number instead`),
      });
    } else if (!component && first && s.serial !== first.serial) {
      problems.push({
        path: s.where,
        message: `Serial Number ${JSON.stringify(s.serial)} differs from ` +
          `${JSON.stringify(first.serial)} (${first.where}): the files are of two modules`,
      });
    }
    first ??= { serial: s.serial, where: s.where };
  }
  if (problems.length > 0) {
    throw new InputError(
      `the files are not all of module ${component ?? first?.serial ?? "?"}: nothing is written`,
      problems,
      { hint: "give the files of one module, and its serial number with --component" },
    );
  }
  if (component && missing.length > 0 && !opts.allowMissingSerial) {
    throw new InputError(
      `${missing.join(", ")}: no Serial Number in the file, so it cannot be checked to be ` +
        `${component}`,
      [],
      { hint: `if it is that module's export, run again with --allow-missing-serial` },
    );
  }
}

/**
 * Merges the parse results of several files of one module into one: the tests of every file
 * (files ordered by their first test's date and time, then name, so the order they are given in
 * does not matter), their header blocks, and their problems (each keeping its own file:line).
 *
 * @example
 * ```ts
 * import { parseDage } from "../parsers/dage.ts";
 * import { mergeDage } from "./dage_inputs.ts";
 * const line = '"LOADUNIT","g"\n"TEST",1,"1",10.5,0.02,"0","r1 20g"\n';
 * mergeDage([parseDage(line, "a.csv"), parseDage(line, "b.csv")]).tests.length; // 2
 * ```
 */
export function mergeDage(parts: readonly DageParseResult[]): DageParseResult {
  if (parts.length === 1) return parts[0];
  const key = (p: DageParseResult) => `${testDate(p) ?? "~"}\u0000${p.file}`;
  const sorted = [...parts].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  return {
    file: sorted.map((p) => p.file).join(" + "),
    tests: sorted.flatMap((p) => p.tests),
    headers: sorted.flatMap((p) => p.headers),
    warnings: sorted.flatMap((p) => p.warnings),
    errors: sorted.flatMap((p) => p.errors),
  };
}
