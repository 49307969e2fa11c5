/**
 * Break modes of a wire pull (SPEC §4) and the explicit, per-site mapping from the DAGE grade
 * code (whatever the operator's machine set-up says) to a break mode.
 *
 * Default mapping (a convention of this toolkit, not of DAGE: check it against your machine's
 * grade set-up and give your own file when it differs):
 *
 * | grade code | break mode |
 * |-----------:|------------|
 * | `1` | 0 midspan break |
 * | `2` | 1 heel break on hybrid |
 * | `3` | 2 heel break on chip |
 * | `4` | 3 bond peel on hybrid |
 * | `5` | 4 bond peel on chip |
 * | `6` | 5 pull failure / operator error (excluded from the statistics) |
 *
 * A mapping file is JSON: `{ "gradeCodes": { "1": 0, "2": 1, … }, "site": "MYLAB" }`; it is read by
 * `break_mode_file.ts` (which loads zod: a step that uses the default mapping never does).
 *
 * @module
 */
import { InputError, type Problem } from "../errors.ts";
import type { DageTest } from "../parsers/dage_types.ts";

/** A break mode: 0 midspan, 1 heel on hybrid, 2 heel on chip, 3 peel on hybrid, 4 peel on chip, 5 failure. */
export type BreakMode = 0 | 1 | 2 | 3 | 4 | 5;

/** Break modes by name. */
export const BREAK_MODE = {
  MIDSPAN: 0,
  HEEL_BREAK_ON_HYBRID: 1,
  HEEL_BREAK_ON_CHIP: 2,
  BOND_PEEL_ON_HYBRID: 3,
  BOND_PEEL_ON_CHIP: 4,
  PULL_FAILURE: 5,
} as const satisfies Record<string, BreakMode>;

/** What each break mode means, for display. */
export const BREAK_MODE_NAMES: Readonly<Record<BreakMode, string>> = {
  0: "midspan break",
  1: "heel break on hybrid",
  2: "heel break on chip",
  3: "bond peel on hybrid",
  4: "bond peel on chip",
  5: "pull failure / operator error (excluded)",
};

/** A grade code → break mode mapping, with where it came from. */
export interface BreakModeMapping {
  /** Grade code (as text, e.g. `"1"`) → break mode. */
  gradeCodes: Readonly<Record<string, BreakMode>>;
  /** The site the mapping belongs to, if the file says. */
  site?: string;
  /** `"default"` or the file it was read from. */
  source: string;
}

/** The default mapping: grade code n → break mode n−1 (see the module documentation). */
export const DEFAULT_BREAK_MODE_MAPPING: BreakModeMapping = Object.freeze({
  gradeCodes: Object.freeze({ "1": 0, "2": 1, "3": 2, "4": 3, "5": 4, "6": 5 }),
  source: "default",
});

/**
 * Grade codes in reading order (`2` before `10`): by value when every code is a whole number
 * written plainly (the usual codes, and the default mapping), else by a numeric collator, made
 * once and only when needed (making one loads the locale data: about 15 ms at start).
 */
function sortGradeCodes(codes: string[]): string[] {
  if (codes.every((c) => PLAIN_CODE.test(c))) return codes.sort((a, b) => Number(a) - Number(b));
  collator ??= new Intl.Collator("en", { numeric: true });
  return codes.sort(collator.compare);
}

/** A whole number without sign or leading zero, exact as a double. */
const PLAIN_CODE = /^(?:0|[1-9]\d{0,14})$/;
let collator: Intl.Collator | undefined;

/**
 * The mapping as one line of text, shown in outputs and stored as a property:
 * `grade→mode (default): 1→0 midspan break; 2→1 heel break on hybrid; …`.
 */
export function describeMapping(mapping: BreakModeMapping): string {
  // Every file of a batch is described with the same mapping: its text is made once (and made
  // again if the mapping's content is not what it was). A frozen mapping (the default one)
  // cannot change: its content is not compared again.
  const known = DESCRIBED.get(mapping);
  if (known !== undefined && known.frozen) return known.text;
  const signature = JSON.stringify(mapping.gradeCodes);
  if (
    known !== undefined && known.signature === signature && known.source === mapping.source &&
    known.site === mapping.site
  ) {
    return known.text;
  }
  const text = describeMappingNow(mapping);
  const frozen = Object.isFrozen(mapping) && Object.isFrozen(mapping.gradeCodes);
  DESCRIBED.set(mapping, { signature, source: mapping.source, site: mapping.site, text, frozen });
  return text;
}

/** The text of each mapping described, and what it was made from. */
const DESCRIBED = new WeakMap<
  BreakModeMapping,
  { signature: string; source: string; site: string | undefined; text: string; frozen: boolean }
>();

function describeMappingNow(mapping: BreakModeMapping): string {
  const codes = mapping.gradeCodes;
  const entries = sortGradeCodes(Object.keys(codes))
    .map((code) => `${code}→${codes[code]} ${BREAK_MODE_NAMES[codes[code]]}`);
  // Only the file's name: a property stored in ITkPD must not carry a local path.
  const source = mapping.source.split(/[\\/]/).pop() ?? mapping.source;
  const from = mapping.site ? `${source}, site ${mapping.site}` : source;
  return `grade→mode (${from}): ${entries.join("; ")}`;
}

/**
 * The break mode of every test, in order. Throws {@link InputError} listing each grade code that
 * the mapping lacks, with the `file:line` of its first use and how many lines use it.
 */
export function breakModesOf(
  tests: readonly DageTest[],
  mapping: BreakModeMapping,
  file: string,
): BreakMode[] {
  const modes: BreakMode[] = [];
  const unmapped = new Map<string, number[]>();
  for (const t of tests) {
    const mode = Object.hasOwn(mapping.gradeCodes, t.gradeCode)
      ? mapping.gradeCodes[t.gradeCode]
      : undefined;
    if (mode === undefined) {
      const lines = unmapped.get(t.gradeCode);
      if (lines) lines.push(t.line);
      else unmapped.set(t.gradeCode, [t.line]);
      continue;
    }
    modes.push(mode);
  }
  if (unmapped.size > 0) {
    const problems: Problem[] = [...unmapped].map(([code, lines]) => ({
      path: `${file}:${lines[0]}`,
      message: `grade code ${JSON.stringify(code)} is not in the break-mode mapping ` +
        `(${mapping.source}); used on ${lines.length} line(s): ${lines.slice(0, 10).join(", ")}` +
        (lines.length > 10 ? ", …" : ""),
    }));
    throw new InputError(`${file}: grade codes without a break mode`, problems, {
      hint: "add them to a break-mode mapping file and pass it (known: " +
        `${Object.keys(mapping.gradeCodes).join(", ")})`,
    });
  }
  return modes;
}
