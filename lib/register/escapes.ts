/**
 * Escape codes understood at the prompts of the interactive registration (as in the original
 * script): `&PRINT`, `&JSON`, `&SKIP`, `&BACK`, `&CANCEL`.
 *
 * @module
 */

/** The escape codes. */
export const ESCAPE_CODES = ["&PRINT", "&JSON", "&SKIP", "&BACK", "&CANCEL"] as const;
/** One of {@link ESCAPE_CODES}. */
export type EscapeCode = (typeof ESCAPE_CODES)[number];

/** What each escape code does, for the help line. */
export const ESCAPE_HELP: Record<EscapeCode, string> = {
  "&PRINT": "list the choices / show the property's definition",
  "&JSON": "show the JSON so far",
  "&SKIP": "leave an optional property empty",
  "&BACK": "go back to the previous question",
  "&CANCEL": "stop; nothing is registered",
};

/**
 * The escape code typed, if the answer is one (any case, surrounding spaces ignored).
 *
 * @example
 * ```ts
 * import { escapeOf } from "./escapes.ts";
 * escapeOf(" &skip "); // "&SKIP"
 * escapeOf("&SKIPPY"); // undefined
 * ```
 */
export function escapeOf(answer: string): EscapeCode | undefined {
  const t = answer.trim().toUpperCase();
  return (ESCAPE_CODES as readonly string[]).includes(t) ? t as EscapeCode : undefined;
}

/** True for an answer that starts with `&` but is no escape code (a typo, to be refused). */
export function looksLikeEscape(answer: string): boolean {
  return answer.trim().startsWith("&") && escapeOf(answer) === undefined;
}

/** One help line listing the escape codes. */
export function escapeHelpLine(codes: readonly EscapeCode[] = ESCAPE_CODES): string {
  return `escape codes: ${codes.map((c) => `${c} (${ESCAPE_HELP[c]})`).join(", ")}`;
}
