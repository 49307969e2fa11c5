/**
 * A minimal one-page PDF holding one image (private, no dependency): the catalogue, the page
 * tree, one page of the given size in points, its content stream (draw the image over the whole
 * page), the image as an XObject (8-bit RGB, deflated: `/FlateDecode`), an information
 * dictionary with the title, and a cross-reference table whose offsets are exact, as PDF 1.4
 * (ISO 32000-1 §7.5) asks.
 *
 * @module
 */

/** What {@linkcode pdfWithImage} puts on its page. */
export interface PdfImagePage {
  /** Page width in points (1/72 inch). */
  pageWidth: number;
  /** Page height in points. */
  pageHeight: number;
  /** Image width in pixels. */
  imageWidth: number;
  /** Image height in pixels. */
  imageHeight: number;
  /** The pixels, RGBA, 4 bytes each, row by row from the top (alpha is dropped: draw on white). */
  rgba: Uint8Array;
  /** The document's title (Info /Title). */
  title?: string;
}

/** The PDF file of one page showing one image stretched over the whole page. */
export async function pdfWithImage(page: PdfImagePage): Promise<Uint8Array> {
  const { imageWidth: w, imageHeight: h, rgba } = page;
  if (rgba.length !== w * h * 4) throw new Error("the pixels do not match the image size");
  const rgb = new Uint8Array(w * h * 3);
  for (let i = 0, j = 0; i < rgba.length; i += 4, j += 3) {
    rgb[j] = rgba[i];
    rgb[j + 1] = rgba[i + 1];
    rgb[j + 2] = rgba[i + 2];
  }
  const image = await deflate(rgb);
  const pw = points(page.pageWidth);
  const ph = points(page.pageHeight);
  const content = ascii(`q ${pw} 0 0 ${ph} 0 0 cm /Im0 Do Q\n`);

  const objects: Uint8Array[][] = [
    [ascii("<< /Type /Catalog /Pages 2 0 R >>")],
    [ascii("<< /Type /Pages /Kids [3 0 R] /Count 1 >>")],
    [ascii(
      `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 ${pw} ${ph}] ` +
        "/Resources << /XObject << /Im0 4 0 R >> >> /Contents 5 0 R >>",
    )],
    stream(
      `/Type /XObject /Subtype /Image /Width ${w} /Height ${h} /ColorSpace /DeviceRGB ` +
        "/BitsPerComponent 8 /Filter /FlateDecode",
      image,
    ),
    stream("", content),
    [ascii(`<< /Title ${pdfText(page.title ?? "plot")} /Producer (itkpd) >>`)],
  ];

  const parts: Uint8Array[] = [];
  let length = 0;
  const put = (bytes: Uint8Array) => {
    parts.push(bytes);
    length += bytes.length;
  };
  // A binary comment on line 2 tells tools that the file holds binary data.
  put(ascii("%PDF-1.4\n"));
  put(new Uint8Array([0x25, 0xe2, 0xe3, 0xcf, 0xd3, 0x0a]));
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(length);
    put(ascii(`${i + 1} 0 obj\n`));
    for (const b of body) put(b);
    put(ascii("\nendobj\n"));
  });
  const xref = length;
  // Every entry is exactly 20 bytes: 10-digit offset, 5-digit generation, type, CR LF.
  put(ascii(
    `xref\n0 ${objects.length + 1}\n0000000000 65535 f\r\n` +
      offsets.map((o) => `${String(o).padStart(10, "0")} 00000 n\r\n`).join("") +
      `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R /Info ${objects.length} 0 R >>\n` +
      `startxref\n${xref}\n%%EOF\n`,
  ));
  const out = new Uint8Array(length);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** A stream object: its dictionary (with /Length) and its bytes. */
function stream(dict: string, bytes: Uint8Array): Uint8Array[] {
  return [
    ascii(`<< ${dict}${dict ? " " : ""}/Length ${bytes.length} >>\nstream\n`),
    bytes,
    ascii("\nendstream"),
  ];
}

/** A number of points as PDF writes it: at most 2 decimals. */
function points(x: number): string {
  return String(Number(x.toFixed(2)));
}

/** A text string: plain ASCII in parentheses (escaped), anything else as UTF-16BE hex. */
function pdfText(text: string): string {
  if (/^[\x20-\x7e]*$/.test(text)) return `(${text.replace(/[\\()]/g, (c) => `\\${c}`)})`;
  let hex = "FEFF";
  for (let i = 0; i < text.length; i++) {
    hex += text.charCodeAt(i).toString(16).toUpperCase().padStart(4, "0");
  }
  return `<${hex}>`;
}

function ascii(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

/** zlib-wrapped deflate (RFC 1950), what `/FlateDecode` reads. */
async function deflate(bytes: Uint8Array): Promise<Uint8Array> {
  const compressed = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(
    new CompressionStream("deflate"),
  );
  return new Uint8Array(await new Response(compressed).arrayBuffer());
}
