/**
 * A rendered plot: its SVG, shown as `image/svg+xml` in the kernel, and `save(path)` as SVG,
 * PNG or PDF by the file's extension.
 *
 * @module
 */

import { fileURLToPath } from "node:url";
import { writeOutputFile } from "../io/write_output.ts";
import { $display, type Displayable, type MimeBundle } from "../display/mime.ts";
import { UsageError } from "../errors.ts";

/** The file formats a plot is saved in. */
export type PlotFormat = "svg" | "png" | "pdf";

/** Options of {@linkcode Plot.save}, {@linkcode Plot.toPng} and {@linkcode Plot.toPdf}. */
export interface RasterOptions {
  /**
   * Pixels per SVG pixel. Default 2 for PNG (a 560 px plot becomes 1120 px: sharp on a slide or
   * a high-resolution screen) and 3 for the image inside a PDF (about 290 dpi on paper).
   */
  scale?: number;
}

/** Default scales: PNG for slides and screens, PDF for paper. */
const PNG_SCALE = 2;
const PDF_SCALE = 3;

/**
 * The format a plot file is written in, from its extension (`.svg`, `.png`, `.pdf`, any case).
 * Anything else is a {@linkcode UsageError} (a script checks its flags with this before doing
 * any work).
 *
 * @example
 * ```ts
 * import { plotFormat } from "./plot.ts";
 * plotFormat("out/loads.PNG"); // "png"
 * ```
 */
export function plotFormat(path: string | URL): PlotFormat {
  const name = path instanceof URL ? path.pathname : path;
  const ext = /\.([^./\\]+)$/.exec(name)?.[1]?.toLowerCase();
  if (ext === "svg" || ext === "png" || ext === "pdf") return ext;
  throw new UsageError(
    `${name}: a plot is written as .svg, .png or .pdf (by the file's extension)` +
      (ext ? `, not .${ext}` : ""),
  );
}

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
   * Writes the plot to a file, in the format its extension says: `.svg` (the SVG as it is),
   * `.png` (twice the size by default) or `.pdf` (one page of the plot's size), atomically (a
   * temporary file in the same folder renamed into place; a link at `path` is replaced, never
   * written through). An existing file is replaced unless `overwrite: false` (then one with
   * other content is refused). Needs `--allow-write` (and `--allow-read`) for that folder; PNG
   * and PDF also read the rasteriser and its font from `node_modules` (loaded only then).
   *
   * @example
   * ```ts ignore
   * await plot.save("out/loads.png");
   * ```
   */
  async save(
    path: string | URL,
    options: RasterOptions & { overwrite?: boolean } = {},
  ): Promise<void> {
    const file = path instanceof URL ? fileURLToPath(path) : path;
    const content = await this.fileContent(file, options);
    await writeOutputFile(file, content, { overwrite: options.overwrite ?? true });
  }

  /**
   * What a file at `path` holds for this plot, by its extension: the SVG text, or the bytes of
   * a PNG or PDF (a {@link UsageError} for another extension).
   *
   * @example
   * ```ts ignore
   * const bytes = await plot.fileContent("loads.png");
   * ```
   */
  async fileContent(path: string | URL, options: RasterOptions = {}): Promise<string | Uint8Array> {
    const format = plotFormat(path);
    if (format === "svg") return this.svg;
    return format === "png" ? await this.toPng(options) : await this.toPdf(options);
  }

  /**
   * The plot as a PNG file's bytes.
   *
   * @example
   * ```ts ignore
   * const png = await plot.toPng({ scale: 3 });
   * ```
   */
  async toPng(options: RasterOptions = {}): Promise<Uint8Array> {
    const { svgToPng } = await import("./_raster.ts");
    return await svgToPng(this.svg, scaleOf(options, PNG_SCALE));
  }

  /**
   * The plot as a one-page PDF file's bytes (the plot as an image; its text is not selectable).
   *
   * @example
   * ```ts ignore
   * const pdf = await plot.toPdf();
   * ```
   */
  async toPdf(options: RasterOptions = {}): Promise<Uint8Array> {
    const { svgToPdf } = await import("./_raster.ts");
    return await svgToPdf(this.svg, scaleOf(options, PDF_SCALE), this.title);
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

/** The scale asked for (a positive number up to 10), or the default. */
function scaleOf(options: RasterOptions, fallback: number): number {
  const scale = options.scale ?? fallback;
  if (!(scale > 0 && scale <= 10)) {
    throw new RangeError(`scale must be a number above 0 and at most 10, got ${scale}`);
  }
  return scale;
}
