/**
 * A site's grade code → break mode mapping file (JSON:
 * `{ "gradeCodes": { "1": 0, "2": 1, … }, "site": "MYLAB" }`), checked against its zod shape.
 * Apart from `break_modes.ts` so that a step using the default mapping never loads zod.
 *
 * @module
 */
import { z } from "zod";
import { InputError, type Problem } from "../errors.ts";
import { parseJsonDocument } from "../parsers/json.ts";
import { problemFromIssue } from "../schemas/value_words.ts";
import type { BreakMode, BreakModeMapping } from "./break_modes.ts";

/** Shape of a mapping file. */
export const BreakModeMappingFileSchema = z.strictObject({
  gradeCodes: z.record(
    z.string().trim().min(1, "expected a grade code that is not empty"),
    z.union([0, 1, 2, 3, 4, 5].map((m) => z.literal(m)), {
      error: "expected a break mode: 0, 1, 2, 3, 4 or 5",
    }),
  ).refine((m) => Object.keys(m).length > 0, "expected at least one grade code"),
  site: z.string().optional(),
  description: z.string().optional(),
});

/**
 * Reads a mapping from the text of a JSON mapping file; every problem names `file` and the JSON
 * path. Throws ParseError for bad JSON, {@link InputError} for a bad shape (a key given twice
 * included).
 *
 * @example
 * ```ts
 * import { parseBreakModeMapping } from "./break_mode_file.ts";
 * const m = parseBreakModeMapping('{"gradeCodes": {"1": 1, "2": 0}, "site": "LAB"}', "lab.json");
 * m.gradeCodes["1"]; // 1
 * ```
 */
export function parseBreakModeMapping(text: string, file: string): BreakModeMapping {
  const { value: json, problems: jsonProblems } = parseJsonDocument(text, file);
  if (jsonProblems.length > 0) {
    throw new InputError(
      `${file}: not a valid break-mode mapping`,
      jsonProblems.map((p) => ({ path: `${file} ${p.path}`, message: p.message })),
    );
  }
  const result = BreakModeMappingFileSchema.safeParse(json);
  if (!result.success) {
    const problems: Problem[] = result.error.issues.map((issue) => {
      const p = problemFromIssue(issue, json);
      return { path: `${file} ${p.path}`, message: p.message };
    });
    throw new InputError(`${file}: not a valid break-mode mapping`, problems, {
      hint: 'a mapping file looks like {"gradeCodes": {"1": 0, "2": 1}, "site": "MYLAB"}; ' +
        "break modes are 0 midspan, 1 heel/hybrid, 2 heel/chip, 3 peel/hybrid, 4 peel/chip, 5 failure",
    });
  }
  const gradeCodes: Record<string, BreakMode> = {};
  for (const [code, mode] of Object.entries(result.data.gradeCodes)) {
    gradeCodes[code.trim()] = mode as BreakMode;
  }
  const mapping: BreakModeMapping = { gradeCodes, source: file };
  if (result.data.site !== undefined) mapping.site = result.data.site;
  return mapping;
}
