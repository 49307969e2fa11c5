/**
 * Checks of plot files written as PNG or PDF: the PNG signature and its IHDR size; the PDF's
 * header, end, cross-reference offsets, one page and its image (inflated to its pixels).
 *
 * @module
 */
import assert from "node:assert/strict";

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** Width and height of a PNG, from its IHDR chunk (which must come first). */
export function pngSize(bytes: Uint8Array): { width: number; height: number } {
  assert.deepEqual([...bytes.subarray(0, 8)], PNG_SIGNATURE, "PNG signature");
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  assert.equal(new TextDecoder().decode(bytes.subarray(12, 16)), "IHDR");
  return { width: view.getUint32(16), height: view.getUint32(20) };
}

/** What a PDF file holds, checked on the way: objects at their xref offsets, one page. */
export async function pdfFacts(bytes: Uint8Array): Promise<{
  mediaBox: number[];
  image: { width: number; height: number; pixels: Uint8Array };
  title: string;
}> {
  const text = new TextDecoder("latin1").decode(bytes);
  assert.ok(text.startsWith("%PDF-1."), "PDF header");
  assert.ok(text.trimEnd().endsWith("%%EOF"), "PDF end");
  const startxref = Number(/startxref\s+(\d+)\s+%%EOF\s*$/.exec(text)?.[1]);
  assert.ok(text.startsWith("xref", startxref), "startxref points at the xref table");
  const table = /^xref\n0 (\d+)\n([\s\S]*?)trailer/.exec(text.slice(startxref));
  assert.ok(table, "an xref table");
  const entries = table[2].match(/.{18}\r\n/g)!;
  assert.equal(entries.length, Number(table[1]));
  entries.slice(1).forEach((e, i) => {
    const offset = Number(e.slice(0, 10));
    assert.ok(text.startsWith(`${i + 1} 0 obj`, offset), `object ${i + 1} at offset ${offset}`);
  });
  assert.match(text, /\/Type \/Catalog \/Pages 2 0 R/);
  assert.match(text, /\/Type \/Pages \/Kids \[3 0 R\] \/Count 1/);
  const mediaBox = /\/MediaBox \[([\d. ]+)\]/.exec(text)![1].split(" ").map(Number);
  const dict = /\/Subtype \/Image \/Width (\d+) \/Height (\d+)[^>]*\/Length (\d+) >>\nstream\n/
    .exec(text)!;
  const start = dict.index + dict[0].length;
  const compressed = bytes.subarray(start, start + Number(dict[3]));
  assert.ok(text.startsWith("\nendstream", start + Number(dict[3])), "/Length is exact");
  const pixels = new Uint8Array(
    await new Response(
      new Blob([compressed.slice()]).stream().pipeThrough(new DecompressionStream("deflate")),
    ).arrayBuffer(),
  );
  const title = /\/Title \(([^)]*)\)/.exec(text)?.[1] ?? "";
  return { mediaBox, image: { width: +dict[1], height: +dict[2], pixels }, title };
}
