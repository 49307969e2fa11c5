/**
 * `grantToken`: a token from the identity service for the two access codes. Asking twice is
 * harmless, so it is retried as a read. A refusal is an `AuthError` naming the service's codes;
 * the access codes never appear in any message.
 *
 * @example
 * ```ts ignore
 * const { token, expiresIn } = await grantToken(http, connection);
 * ```
 *
 * @module
 */
import { AuthError } from "../errors.ts";
import type { ResolvedConnection } from "./config.ts";
import type { HttpEngine } from "./http.ts";

/** What the identity service granted. */
export interface GrantedToken {
  /** The token (a JWT), not yet checked. */
  token: string;
  /** Seconds it is valid for, when the service says. */
  expiresIn?: number;
}

/**
 * Asks `<authUrl>grantToken` for a token with the connection's access codes and scope. Throws
 * {@link AuthError} when the service refuses the codes or gives no token.
 */
export async function grantToken(
  http: HttpEngine,
  conn: ResolvedConnection,
): Promise<GrantedToken> {
  const url = `${conn.authUrl}grantToken`;
  const { status, body } = await http.send({
    command: "grantToken",
    url,
    wireMethod: "POST",
    json: {
      grant_type: "password",
      accessCode1: conn.accessCode1,
      accessCode2: conn.accessCode2,
      scope: conn.scope,
    },
    auth: false,
    policy: "read", // asking for a token twice is harmless
    raw: true,
  });
  const value = body.kind === "json" ? body.value as Record<string, unknown> : undefined;
  const token = value?.id_token;
  if (status < 200 || status >= 300 || typeof token !== "string") {
    const codes = value && typeof value.uuAppErrorMap === "object" && value.uuAppErrorMap
      ? Object.keys(value.uuAppErrorMap)
      : [];
    const refused = status === 400 || status === 401 || status === 403;
    throw new AuthError(
      refused
        ? `the identity service refused the access codes (HTTP ${status}${
          codes.length ? `, ${codes.join(", ")}` : ""
        })`
        : `grantToken at ${url} gave no token (HTTP ${status}${
          body.kind === "html" ? ", an HTML page" : ""
        })`,
      {
        codes,
        hint: refused ? "check ITKDB_ACCESS_CODE1 and ITKDB_ACCESS_CODE2" : "check ITKDB_AUTH_URL",
      },
    );
  }
  const expiresIn = Number(value?.expires_in);
  return { token, expiresIn: Number.isFinite(expiresIn) && expiresIn > 0 ? expiresIn : undefined };
}
