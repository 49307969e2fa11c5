/**
 * Checking Deno permissions before the work starts, so that a step run without one of its
 * flags stops at once with Deno's own `NotCapable` error (which scripts turn into exit code 3)
 * instead of after a half-done job, or behind a network error.
 *
 * @module
 */
import type { ItkpdClient } from "../client/client.ts";

/**
 * Throws `Deno.errors.NotCapable` when `desc` is not granted (never prompts).
 *
 * @example
 * ```ts ignore
 * requirePermission({ name: "write", path: "out.json" }, 'write access to "out.json"');
 * ```
 */
export function requirePermission(desc: Deno.PermissionDescriptor, what: string): void {
  if (Deno.permissions.querySync(desc).state !== "granted") {
    throw new Deno.errors.NotCapable(`Requires ${what}`);
  }
}

/**
 * Throws `Deno.errors.NotCapable` unless the client may reach its API and identity hosts.
 *
 * @example
 * ```ts ignore
 * requireNetFor(client);
 * ```
 */
export function requireNetFor(client: ItkpdClient): void {
  const urls = [client.config.apiUrl, client.config.authUrl];
  for (const url of urls) {
    if (!url) continue;
    const u = new URL(url);
    const port = u.port || (u.protocol === "https:" ? "443" : "80");
    const host = `${u.hostname}:${port}`;
    requirePermission({ name: "net", host }, `net access to "${host}"`);
  }
}
