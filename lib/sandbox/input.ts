/**
 * Reads a command's input (dtoIn) from a request: a JSON body (POST, or GET as Python itkdb
 * sends it), query parameters (values JSON-decoded when they are objects, lists, booleans or
 * null; a repeated key gives a list), or both (body keys win).
 *
 * @module
 */
import type { IncomingMessage } from "node:http";

/** Largest body read (bytes); a larger one is refused. */
export const MAX_INPUT_BYTES = 64 * 1024 * 1024;

/** The input, or why it could not be read. */
export type InputResult = { ok: true; value: unknown } | { ok: false; message: string };

/** Reads and decodes the input of `req` (whose parsed URL is `url`). */
export async function readInput(req: IncomingMessage, url: URL): Promise<InputResult> {
  const raw = await readBody(req);
  if (raw === undefined) {
    return { ok: false, message: `The body exceeds ${MAX_INPUT_BYTES} bytes.` };
  }
  const query = queryInput(url.searchParams);
  const text = raw.trim();
  if (!text) return { ok: true, value: query };
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (e) {
    const type = String(req.headers["content-type"] ?? "");
    if (!type.includes("application/x-www-form-urlencoded")) {
      return { ok: false, message: `The body is not valid JSON: ${(e as Error).message}` };
    }
    body = queryInput(new URLSearchParams(text));
  }
  if (body && typeof body === "object" && !Array.isArray(body)) {
    return { ok: true, value: { ...query, ...(body as Record<string, unknown>) } };
  }
  return { ok: true, value: Object.keys(query).length ? query : body };
}

/** Query parameters as a dtoIn. */
export function queryInput(params: URLSearchParams): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of new Set(params.keys())) {
    const values = params.getAll(key).map(decodeValue);
    out[key] = values.length === 1 ? values[0] : values;
  }
  return out;
}

/** JSON-decodes objects, lists, booleans and null; everything else stays a string. */
function decodeValue(v: string): unknown {
  const t = v.trim();
  if (/^[[{]/.test(t) || t === "true" || t === "false" || t === "null") {
    try {
      return JSON.parse(t);
    } catch {
      return v;
    }
  }
  return v;
}

function readBody(req: IncomingMessage): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Uint8Array[] = [];
    let size = 0;
    let tooBig = false;
    req.on("data", (chunk: Uint8Array) => {
      size += chunk.length;
      if (size > MAX_INPUT_BYTES) tooBig = true;
      else chunks.push(chunk);
    });
    req.on("end", () => resolve(tooBig ? undefined : Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}
