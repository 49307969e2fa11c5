/**
 * zod shape of an attachment of a component or a test run (SPEC §1, as recorded by itkdb's
 * test suite), and the size limit of the binary store that holds the bytes. Shared by the
 * client (which refuses a larger file before sending) and the sandbox (which refuses it too).
 *
 * @module
 */
import { z } from "zod";

/**
 * Most bytes one attached file may have: 64 MiB. The real service's binary-store limit is not
 * published; this is the toolkit's own cap (the client refuses above it before sending, the
 * sandbox answers 413). Larger raw files belong on CERN EOS (`type: "eos"`, uploaded through a
 * presigned URL), which this toolkit cannot reach.
 */
export const ATTACHMENT_MAX_BYTES = 64 * 1024 * 1024;

/** An attachment as listed in a component's or a test run's `attachments`. */
export const AttachmentSchema = z.looseObject({
  /** 64 hex characters; the key of `getTestRunAttachment` / `getBinaryData`. */
  code: z.string(),
  dateTime: z.string().nullish(),
  title: z.string().nullish(),
  description: z.string().nullish(),
  userIdentity: z.string().nullish(),
  /** `file` (bytes in the binary store) or `eos` (on CERN EOS). */
  type: z.string().nullish(),
  contentType: z.string().nullish(),
  filename: z.string().nullish(),
});
export type Attachment = z.infer<typeof AttachmentSchema>;

/**
 * A plausible content type for a file name (by its extension); `application/octet-stream`
 * when unknown.
 *
 * @example
 * ```ts
 * import { contentTypeOf } from "./attachment.ts";
 * contentTypeOf("20UPGM20000001.csv"); // "text/csv"
 * ```
 */
export function contentTypeOf(filename: string): string {
  const ext = /\.([A-Za-z0-9]+)$/.exec(filename)?.[1]?.toLowerCase() ?? "";
  return CONTENT_TYPES[ext] ?? "application/octet-stream";
}

const CONTENT_TYPES: Record<string, string> = {
  csv: "text/csv",
  txt: "text/plain",
  dat: "text/plain",
  log: "text/plain",
  json: "application/json",
  pdf: "application/pdf",
  png: "image/png",
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  svg: "image/svg+xml",
  zip: "application/zip",
  gz: "application/gzip",
  root: "application/octet-stream",
};
