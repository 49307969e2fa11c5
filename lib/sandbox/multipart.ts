/**
 * Reads a `multipart/form-data` request (a file upload) into a dtoIn: text fields as strings,
 * file parts as `File` objects. The body is collected as bytes up to a limit and parsed by the
 * Web platform (`Response.formData()`), never by hand. A body declared larger than the limit
 * is refused from its `Content-Length` alone, without reading it.
 *
 * @module
 */
import type { IncomingMessage } from "node:http";

/** What the multipart fields and files of a body add up to beyond the file itself. */
const MULTIPART_OVERHEAD_BYTES = 64 * 1024;

/** The dtoIn of a multipart body, or why there is none. */
export type MultipartResult =
  | { ok: true; value: Record<string, unknown> }
  | { ok: false; status: 400 | 413; message: string };

/** True when a request carries `multipart/form-data`. */
export function isMultipart(req: IncomingMessage): boolean {
  return /^multipart\/form-data\s*;/i.test(String(req.headers["content-type"] ?? ""));
}

/**
 * Reads and parses the multipart body of `req`, allowing a file of `maxFileBytes`. A larger
 * body is answered 413 and the rest of it is discarded as it arrives (not kept in memory).
 */
export async function readMultipart(
  req: IncomingMessage,
  maxFileBytes: number,
): Promise<MultipartResult> {
  const limit = maxFileBytes + MULTIPART_OVERHEAD_BYTES;
  const tooLarge: MultipartResult = {
    ok: false,
    status: 413,
    message: `The file exceeds the binary store's limit of ${maxFileBytes} bytes; ` +
      `large files go to CERN EOS (type "eos").`,
  };
  const declared = Number(req.headers["content-length"]);
  if (Number.isFinite(declared) && declared > limit) {
    req.resume();
    return tooLarge;
  }
  const bytes = await readLimited(req, limit);
  if (!bytes) return tooLarge;
  let form: FormData;
  try {
    form = await new Response(bytes, {
      headers: { "content-type": String(req.headers["content-type"]) },
    }).formData();
  } catch (e) {
    return {
      ok: false,
      status: 400,
      message: `The multipart/form-data body cannot be read: ${(e as Error).message}`,
    };
  }
  const value: Record<string, unknown> = {};
  for (const [key, part] of form.entries()) {
    if (typeof part !== "string" && part.size > maxFileBytes) return tooLarge;
    value[key] = part;
  }
  return { ok: true, value };
}

/** The whole body, or `undefined` once it passes `limit` (the rest is then discarded). */
function readLimited(
  req: IncomingMessage,
  limit: number,
): Promise<Uint8Array<ArrayBuffer> | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Uint8Array[] = [];
    let size = 0;
    let over = false;
    req.on("data", (chunk: Uint8Array) => {
      size += chunk.length;
      if (size > limit) over = true;
      if (!over) chunks.push(chunk);
      else chunks.length = 0;
    });
    req.on("end", () => resolve(over ? undefined : new Uint8Array(Buffer.concat(chunks))));
    req.on("error", reject);
  });
}
