/** What a terminal would act upon, for tests that check that nothing raw reaches it. */

/**
 * True when `text` holds a character a terminal or the text direction algorithm acts upon: a
 * C0 control (but `\n`, unless `allowNewlines` is false), DEL, a C1 control, a bidirectional
 * mark or override, U+2028, or half of a surrogate pair.
 */
export function hasRawControl(text: string, allowNewlines = true): boolean {
  for (const c of text) {
    const code = c.codePointAt(0)!;
    if (allowNewlines && code === 0x0a) continue;
    if (code < 0x20 || (code >= 0x7f && code <= 0x9f)) return true;
    if ((code >= 0x202a && code <= 0x202e) || (code >= 0x2066 && code <= 0x2069)) return true;
    if (code === 0x200e || code === 0x200f || code === 0x061c || code === 0x2028) return true;
    if (code >= 0xd800 && code <= 0xdfff) return true;
  }
  return false;
}

/** The bytes of a subprocess's output that are raw control characters (for messages). */
export function rawControls(text: string): string[] {
  return [...text].filter((c) => hasRawControl(c)).map((c) =>
    `U+${c.codePointAt(0)!.toString(16).padStart(4, "0")}`
  );
}
