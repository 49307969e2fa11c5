/**
 * SVG → PNG with resvg (Rust, compiled to WebAssembly: no native binary, no network), and PNG
 * pixels → a one-page PDF (private). Loaded only when a plot is saved as PNG or PDF: the
 * WebAssembly module (2.5 MB) and the font are read then, from `node_modules`.
 *
 * Text needs a font: DejaVu Sans (regular and bold) from the npm package `dejavu-fonts-ttf`
 * (free licence: Bitstream Vera, public domain changes), mapped to the generic `sans-serif`
 * the plots ask for; system fonts are never read, so the same SVG gives the same PNG anywhere.
 *
 * @module
 */

import { initWasm, Resvg } from "@resvg/resvg-wasm";
import { pdfWithImage } from "./_pdf.ts";

/** Where the files come from: `node_modules` beside the project's deno.json. */
const NODE_MODULES = new URL("../../node_modules/", import.meta.url);

/** The resvg WebAssembly module, inside its npm package. */
const RESVG_WASM = "@resvg/resvg-wasm/index_bg.wasm";
/** The fonts, inside their npm package. */
const FONT_FILES = [
  "dejavu-fonts-ttf/ttf/DejaVuSans.ttf",
  "dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf",
] as const;

/** The family the fonts declare; every generic family maps to it. */
const FAMILY = "DejaVu Sans";

let ready: Promise<Uint8Array[]> | undefined;

/**
 * Reads a file of an npm package: from `node_modules/<path>` (what the tasks' read permission
 * names), else where Deno resolves the package.
 */
async function packageFile(path: string): Promise<Uint8Array> {
  try {
    return await Deno.readFile(new URL(path, NODE_MODULES));
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
    return await Deno.readFile(new URL(import.meta.resolve(path)));
  }
}

/** Initialises resvg once and reads the fonts once; resolves to the font files. */
function setUp(): Promise<Uint8Array[]> {
  ready ??= (async () => {
    await initWasm(await packageFile(RESVG_WASM));
    return await Promise.all(FONT_FILES.map(packageFile));
  })();
  // A failed set-up (a permission missing) may succeed later: do not keep the failure.
  ready.catch(() => (ready = undefined));
  return ready;
}

/** Pixels of a rendered SVG: RGBA, row by row, on an opaque white background. */
export interface Raster {
  width: number;
  height: number;
  /** The image as a PNG file. */
  png: Uint8Array;
  /** RGBA bytes, 4 per pixel. */
  rgba: Uint8Array;
}

/** Renders an SVG `scale` times its own size, on white. */
export async function rasterize(svg: string, scale: number): Promise<Raster> {
  const fontBuffers = await setUp();
  const resvg = new Resvg(svg, {
    fitTo: { mode: "zoom", value: scale },
    background: "white",
    font: {
      fontBuffers,
      defaultFontFamily: FAMILY,
      sansSerifFamily: FAMILY,
      serifFamily: FAMILY,
      monospaceFamily: FAMILY,
    },
    shapeRendering: 2,
    textRendering: 1,
  });
  try {
    const image = resvg.render();
    try {
      return {
        width: image.width,
        height: image.height,
        png: image.asPng(),
        rgba: image.pixels,
      };
    } finally {
      image.free();
    }
  } finally {
    resvg.free();
  }
}

/** Size of the SVG document in CSS pixels (its `width` and `height` attributes). */
export function svgSize(svg: string): { width: number; height: number } {
  const head = /^\s*<svg\b[^>]*>/.exec(svg)?.[0] ?? "";
  const attr = (name: string) => Number(new RegExp(`\\s${name}="([\\d.]+)"`).exec(head)?.[1]);
  const width = attr("width");
  const height = attr("height");
  if (!(width > 0 && height > 0)) throw new Error("the SVG has no width and height");
  return { width, height };
}

/** The SVG as a PNG file, `scale` times its size in pixels. */
export async function svgToPng(svg: string, scale: number): Promise<Uint8Array> {
  return (await rasterize(svg, scale)).png;
}

/**
 * The SVG as a one-page PDF: the page is the plot's size (1 CSS px = 0.75 pt), holding the plot
 * rasterised `scale` times (3: about 290 dpi); its text is part of the image.
 */
export async function svgToPdf(svg: string, scale: number, title: string): Promise<Uint8Array> {
  const { width, height } = svgSize(svg);
  const raster = await rasterize(svg, scale);
  return await pdfWithImage({
    pageWidth: width * 0.75,
    pageHeight: height * 0.75,
    imageWidth: raster.width,
    imageHeight: raster.height,
    rgba: raster.rgba,
    title,
  });
}
