/**
 * Reads a command's input (dtoIn) from a request: a JSON body (POST, or GET as Python itkdb
 * sends it), query parameters (values JSON-decoded when they are objects, lists, booleans or
 * null; a repeated key gives a list), or both (body keys win).
 *
 * A body is bounded ({@link MAX_INPUT_BYTES}): a larger one is refused before it is read whole
 * (from its `content-length` when it says, else as soon as the bytes received pass the limit),
 * so that no request can make the sandbox hold more than the limit in memory.
 *
 * @module
 */
import type { IncomingMessage } from "node:http";

/**
 * Largest body read (bytes, 4 MiB): a test run of a real module is a few kB to a few hundred
 * kB (PULL_STRENGTH_DATA of every wire), so this is far above any real input. A larger body is
 * answered 413 with a `requestTooLarge` entry.
 */
export const MAX_INPUT_BYTES = 4 * 1024 * 1024;

/** Largest body of the identity service's endpoints (grantToken: a few access codes). */
export const MAX_AUTH_INPUT_BYTES = 64 * 1024;

/** The input, or why it could not be read (413: too large; 400: not JSON). */
export type InputResult =
  | { ok: true; value: unknown }
  | { ok: false; status: 400 | 413; message: string };

/** Reads and decodes the input of `req` (whose parsed URL is `url`), at most `limit` bytes. */
export async function readInput(
  req: IncomingMessage,
  url: URL,
  limit = MAX_INPUT_BYTES,
): Promise<InputResult> {
  const raw = await readBody(req, limit);
  if (raw === undefined) {
    return { ok: false, status: 413, message: `The body exceeds ${limit} bytes.` };
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
      return {
        ok: false,
        status: 400,
        message: `The body is not valid JSON: ${(e as Error).message}`,
      };
    }
    body = queryInput(new URLSearchParams(text));
  }
  if (body && typeof body === "object" && !Array.isArray(body)) {
    return { ok: true, value: { ...query, ...(body as Record<string, unknown>) } };
  }
  return { ok: true, value: Object.keys(query).length ? query : body };
}

/** Query parameters as a dtoIn. */
function queryInput(params: URLSearchParams): Record<string, unknown> {
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

/** True when the request says (content-length) that its body is larger than `limit`. */
export function declaredTooLarge(req: IncomingMessage, limit = MAX_INPUT_BYTES): boolean {
  const declared = Number(req.headers["content-length"]);
  return Number.isFinite(declared) && declared > limit;
}

/** The body as text, or `undefined` as soon as it is known to exceed `limit` (not read on). */
function readBody(req: IncomingMessage, limit: number): Promise<string | undefined> {
  if (declaredTooLarge(req, limit)) return Promise.resolve(undefined);
  return new Promise((resolve, reject) => {
    const chunks: Uint8Array[] = [];
    let size = 0;
    const onData = (chunk: Uint8Array) => {
      size += chunk.length;
      if (size <= limit) {
        chunks.push(chunk);
        return;
      }
      // Too large: stop collecting at once; the caller answers 413 and closes the connection.
      chunks.length = 0;
      req.off("data", onData);
      req.pause();
      resolve(undefined);
    };
    req.on("data", onData);
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}
