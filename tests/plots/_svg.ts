/**
 * Helpers of the plot tests: the items of a named mark layer, and the checks every plot
 * passes (one complete SVG document, at most ~900 px wide, shown as image/svg+xml).
 *
 * @module
 */
import assert from "node:assert/strict";
import { $display } from "../../lib/display/mime.ts";
import type { Plot } from "../../lib/plots/mod.ts";

/** The items of the mark named `name` (a vega-lite layer's `name`). */
export function marks(svg: string, name: string): string[] {
  const group = new RegExp(`<g class="mark-\\w+ role-mark ${name}_marks"[^>]*>([\\s\\S]*?)</g>`);
  const body = svg.match(group)?.[1];
  assert.ok(body !== undefined, `no mark group ${name}`);
  return [...body.matchAll(/<(path|line|text)\b[^>]*>/g)].map((m) => m[0]);
}

/** One complete SVG document at most `maxWidth` px wide, displayed as image/svg+xml. */
export function assertSvg(plot: Plot, maxWidth = 900): void {
  assert.ok(plot.svg.startsWith("<svg"), plot.svg.slice(0, 40));
  assert.ok(plot.svg.trimEnd().endsWith("</svg>"));
  assert.match(plot.svg, /^<svg[^>]* width="\d+" height="\d+" viewBox="0 0 \d+ \d+"/);
  const width = Number(/^<svg[^>]* width="(\d+)"/.exec(plot.svg)?.[1]);
  assert.ok(width > 0 && width <= maxWidth, `width ${width}`);
  assert.equal(plot.svg.match(/<svg\b/g)?.length, 1);
  const bundle = plot[$display]();
  assert.equal(bundle["image/svg+xml"], plot.svg);
  assert.equal(typeof bundle["text/plain"], "string");
}

/** The fill colour of a mark item. */
export function fillOf(item: string): string | undefined {
  return /fill="(#[0-9a-f]{6})"/.exec(item)?.[1];
}

/** Every text of the SVG (each line of a text of several lines), in order. */
export function texts(svg: string): string[] {
  return [...svg.matchAll(/<text\b[^>]*>([\s\S]*?)<\/text>/g)].flatMap((m) =>
    m[1].includes("<tspan")
      ? [...m[1].matchAll(/<tspan[^>]*>([^<]*)<\/tspan>/g)].map((t) => t[1])
      : [m[1]]
  );
}
