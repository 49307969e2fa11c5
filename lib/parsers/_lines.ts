/**
 * Line scanning shared by the parsers: `\n` and `\r\n` line ends, 1-based line numbers.
 *
 * @module
 */

/** One line of a text: its 1-based number and its content without the line end. */
export interface Line {
  number: number;
  text: string;
}

/**
 * The lines of `text` (CRLF or LF; a byte-order mark at the start is dropped). A final line
 * end does not make an extra empty line.
 */
export function splitLines(text: string, firstLine = 1): Line[] {
  const out: Line[] = [];
  let pos = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let number = firstLine;
  const n = text.length;
  while (pos < n) {
    let end = text.indexOf("\n", pos);
    const next = end === -1 ? n : end + 1;
    if (end === -1) end = n;
    const stop = end > pos && text.charCodeAt(end - 1) === 13 ? end - 1 : end;
    out.push({ number, text: text.slice(pos, stop) });
    number++;
    pos = next;
  }
  return out;
}

/** True when the line holds nothing but spaces and tabs. */
export function isBlank(line: string): boolean {
  for (let i = 0; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if (c !== 32 && c !== 9) return false;
  }
  return true;
}

/** A plain decimal number (`10.525`, `-2.0`, `1e-3`): no hex, no `Infinity`, not empty. */
export const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** The number written in `text` (spaces around allowed), or `undefined` if it is not one. */
export function parseDecimal(text: string): number | undefined {
  const t = text.trim();
  return DECIMAL.test(t) ? Number(t) : undefined;
}
