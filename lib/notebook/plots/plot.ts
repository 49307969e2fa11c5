/**
 * A rendered plot: its SVG, shown as `image/svg+xml` in the kernel, and `save(path)`.
 *
 * @module
 */

import { fileURLToPath } from "node:url";
import { writeOutputFile } from "../../io/write_output.ts";
import { $display, type Displayable, type MimeBundle } from "../display.ts";

/**
 * A rendered plot. `svg` is the complete SVG document text.
 *
 * @example
 * ```ts
 * import { loadHistogram } from "./histogram.ts";
 * const plot = await loadHistogram([8.1, 9.3, 7.7], { threshold: 7.0 });
 * plot.svg.startsWith("<svg"); // true
 * ```
 */
export class Plot implements Displayable {
  /** The SVG document. */
  readonly svg: string;
  /** What the plot shows (for the text form). */
  readonly title: string;

  constructor(svg: string, title: string) {
    this.svg = svg;
    this.title = title;
  }

  /**
   * Writes the SVG to a file atomically (a temporary file in the same folder renamed into
   * place; a link at `path` is replaced, never written through). An existing file is replaced
   * unless `overwrite: false` (then one with other content is refused). Needs `--allow-write`
   * (and `--allow-read`) for that folder.
   *
   * @example
   * ```ts ignore
   * await plot.save("out/loads.svg");
   * ```
   */
  async save(path: string | URL, opts: { overwrite?: boolean } = {}): Promise<void> {
    const file = path instanceof URL ? fileURLToPath(path) : path;
    await writeOutputFile(file, this.svg, { overwrite: opts.overwrite ?? true });
  }

  /** A one-line description, for text output. */
  toString(): string {
    return `[plot: ${this.title}; ${this.svg.length} bytes of SVG; save(path) writes it]`;
  }

  /** The MIME bundle: `image/svg+xml` and `text/plain`. */
  [$display](): MimeBundle {
    return { "image/svg+xml": this.svg, "text/plain": this.toString() };
  }
}
