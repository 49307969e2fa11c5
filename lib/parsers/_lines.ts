/**
 * Line scanning shared by the parsers (the one scanner: DAGE files, their header blocks, IV
 * tables): `\n` and `\r\n` line ends, 1-based line numbers, no string made for a line that is
 * not read.
 *
 * @module
 */

/**
 * Walks the lines of `text[from, end)`: after each successful {@link LineScanner.next}, the
 * line is `text.slice(start, stop)` (without its line end) and its number is `number`. A
 * byte-order mark at the very start of the text is skipped; a final line end does not make an
 * extra empty line.
 *
 * @example
 * ```ts
 * import { LineScanner } from "./_lines.ts";
 * const lines = new LineScanner("\ufeffa\r\nb\n");
 * const seen: string[] = [];
 * while (lines.next()) seen.push(`${lines.number}:${lines.text()}`);
 * seen; // ["1:a", "2:b"]
 * ```
 */
export class LineScanner {
  /** Start of the current line. */
  start = 0;
  /** End of the current line, without its line end. */
  stop = 0;
  /** Where the next line starts. */
  pos: number;
  /** 1-based number of the current line (`firstLine - 1` before the first). */
  number: number;

  constructor(
    readonly source: string,
    from = 0,
    readonly end: number = source.length,
    firstLine = 1,
  ) {
    this.pos = from === 0 && source.charCodeAt(0) === 0xfeff ? 1 : from;
    this.number = firstLine - 1;
  }

  /** Moves to the next line; false at the end. */
  next(): boolean {
    const pos = this.pos;
    if (pos >= this.end) return false;
    const text = this.source;
    let lineEnd = text.indexOf("\n", pos);
    if (lineEnd === -1 || lineEnd >= this.end) {
      lineEnd = this.end;
      this.pos = this.end;
    } else {
      this.pos = lineEnd + 1;
    }
    this.start = pos;
    this.stop = lineEnd > pos && text.charCodeAt(lineEnd - 1) === 13 ? lineEnd - 1 : lineEnd;
    this.number++;
    return true;
  }

  /** Moves past `length` characters holding `lines` whole lines (a span known to repeat). */
  skip(length: number, lines: number): void {
    this.pos += length;
    this.number += lines;
  }

  /** The current line's text. */
  text(): string {
    return this.source.slice(this.start, this.stop);
  }

  /** True when the current line holds nothing but spaces and tabs. */
  blank(): boolean {
    const text = this.source;
    for (let i = this.start; i < this.stop; i++) {
      const c = text.charCodeAt(i);
      if (c !== 32 && c !== 9) return false;
    }
    return true;
  }
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
