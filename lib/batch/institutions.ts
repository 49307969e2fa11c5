/**
 * The site's institution codes for a batch, asked for as early as possible and awaited where
 * they are needed: `batch-upload` asks while it loads the batch's code. A light module (no
 * import at run time), so that a script can load it before the rest of the batch.
 *
 * @module
 */
import type { ItkpdClient } from "../client/client.ts";

/**
 * The institution codes of the site, asked for now and awaited later: a failure is said where
 * the list is awaited (never as an unhandled rejection, and not at all when the batch stops
 * before, e.g. on a mistake of the command line).
 *
 * @example
 * ```ts ignore
 * const institutions = listInstitutionCodes(client);
 * await batchUpload(client, { dir: "data", institutions });
 * ```
 */
export function listInstitutionCodes(client: ItkpdClient): Promise<readonly string[]> {
  const codes = client.listInstitutions().then((list) => list.map((i) => i.code));
  codes.catch(() => {});
  return codes;
}
