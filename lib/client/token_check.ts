/**
 * Checking a token with jose: its signature against the identity service's key set
 * (`<authUrl>listKeys`, fetched once, and again when the service has rotated its keys), its
 * audience, and not-before with the `ITKDB_LEEWAY` leeway. Its expiry is returned, not thrown, so
 * that an expired token can be renewed. When the service offers no key set, tokens are decoded
 * without verifying their signature (said in the verbose log). Every refusal is an `AuthError`
 * that says what to do.
 *
 * @example
 * ```ts ignore
 * const checker = new TokenChecker(http, { connection, now: Date.now });
 * const info = await checker.check(token, "options", "ITK_DB_AUTH"); // { expiresAt, verified, … }
 * ```
 *
 * @module
 */
import {
  createLocalJWKSet,
  decodeJwt,
  errors as joseErrors,
  type JSONWebKeySet,
  type JWTPayload,
  jwtVerify,
} from "jose";
import { AuthError } from "../errors.ts";
import type { ResolvedConnection } from "./config.ts";
import type { HttpEngine } from "./http.ts";
import { redact } from "./redact.ts";

/** Where a token came from. */
export type TokenOrigin = "options" | "session" | "grant";

/** A checked token. */
export interface TokenInfo {
  token: string;
  /** Expiry, unix seconds. */
  expiresAt: number;
  /** Issue time, unix seconds (when the token says). */
  issuedAt?: number;
  origin: TokenOrigin;
  /** False when the identity service offers no key set and the signature was not checked. */
  verified: boolean;
}

/** What to do about a token that cannot be used: get a new one. */
export const GET_TOKEN_HINT =
  'run eval "$(deno task -q get-token)" (PowerShell: deno task -q get-token ' +
  "--shell powershell | Invoke-Expression), or set ITKDB_ACCESS_CODE1 and ITKDB_ACCESS_CODE2";

/** Options of {@link TokenChecker}. */
export interface TokenCheckerOptions {
  /** The site: identity service, audience, leeway. */
  connection: ResolvedConnection;
  /** The clock, in ms since the epoch. */
  now: () => number;
  /** Verbose log. */
  log?: (line: string) => void;
}

/** Checks tokens for one identity service; keeps its key set. */
export class TokenChecker {
  readonly #http: HttpEngine;
  readonly #conn: ResolvedConnection;
  readonly #options: TokenCheckerOptions;
  #keys?: { set: ReturnType<typeof createLocalJWKSet> } | null;

  constructor(http: HttpEngine, options: TokenCheckerOptions) {
    this.#http = http;
    this.#conn = options.connection;
    this.#options = options;
  }

  /**
   * Checks a token: signature (when a key set exists), audience, not-before; expiry is
   * returned, not thrown, so that an expired token can be renewed.
   */
  async check(token: string, origin: TokenOrigin, from: string): Promise<TokenInfo> {
    const leeway = this.#conn.leewaySeconds;
    const audience = this.#conn.audience;
    let payload: JWTPayload;
    try {
      payload = decodeJwt(token);
    } catch {
      throw new AuthError(`the token from ${from} is not a JWT`, { hint: GET_TOKEN_HINT });
    }
    let keys = await this.#keySet();
    let verified = false;
    if (keys) {
      for (let round = 0; !verified; round++) {
        try {
          await jwtVerify(token, keys.set, {
            audience,
            clockTolerance: leeway,
            currentDate: new Date(this.#options.now()),
          });
          verified = true;
        } catch (error) {
          if (error instanceof joseErrors.JWTExpired) {
            verified = true; // jose checks the signature before the claims
          } else if (error instanceof joseErrors.JWKSNoMatchingKey && round === 0) {
            this.#keys = undefined; // the service may have rotated its keys: fetch them again
            keys = await this.#keySet();
            if (!keys) break;
          } else {
            throw this.#rejection(error, from);
          }
        }
      }
    }
    if (!verified) {
      this.#checkClaims(payload, from);
    }
    if (typeof payload.exp !== "number") {
      throw new AuthError(`the token from ${from} has no expiry (exp)`, { hint: GET_TOKEN_HINT });
    }
    return {
      token,
      expiresAt: payload.exp,
      issuedAt: typeof payload.iat === "number" ? payload.iat : undefined,
      origin,
      verified,
    };
  }

  #checkClaims(payload: JWTPayload, from: string): void {
    const now = this.#options.now() / 1000;
    const leeway = this.#conn.leewaySeconds;
    const auds = Array.isArray(payload.aud) ? payload.aud : [payload.aud];
    if (!auds.includes(this.#conn.audience)) {
      throw new AuthError(
        `the token from ${from} is for ${JSON.stringify(payload.aud)}, not ${this.#conn.audience}`,
        { hint: "check ITKDB_ACCESS_SCOPE / ITKDB_ACCESS_AUDIENCE, or get a new token" },
      );
    }
    if (typeof payload.nbf === "number" && payload.nbf > now + leeway) {
      throw new AuthError(`the token from ${from} is not yet valid (nbf)`, {
        hint: "the computer's clock may be behind; fix it or raise ITKDB_LEEWAY (seconds)",
      });
    }
  }

  #rejection(error: unknown, from: string): AuthError {
    if (error instanceof joseErrors.JWTClaimValidationFailed) {
      if (error.claim === "aud") {
        return new AuthError(
          `the token from ${from} is not for this site (audience, expected ${this.#conn.audience})`,
          { hint: "check ITKDB_ACCESS_SCOPE / ITKDB_ACCESS_AUDIENCE, or get a new token" },
        );
      }
      if (error.claim === "nbf" || error.claim === "iat") {
        return new AuthError(`the token from ${from} is not yet valid (${error.claim})`, {
          hint: "the computer's clock may be behind; fix it or raise ITKDB_LEEWAY (seconds)",
        });
      }
    }
    if (
      error instanceof joseErrors.JWSSignatureVerificationFailed ||
      error instanceof joseErrors.JWKSNoMatchingKey
    ) {
      return new AuthError(
        `the token from ${from} failed its signature check: it was not issued by ${this.#conn.authUrl}`,
        { hint: GET_TOKEN_HINT, cause: error },
      );
    }
    return new AuthError(
      `the token from ${from} was rejected: ${redact((error as Error)?.message ?? String(error))}`,
      { hint: GET_TOKEN_HINT },
    );
  }

  /** The identity service's key set, or `null` when it offers none (then tokens are decoded
   * without verifying; said in the verbose log). */
  async #keySet(): Promise<{ set: ReturnType<typeof createLocalJWKSet> } | null> {
    if (this.#keys !== undefined) return this.#keys;
    const url = `${this.#conn.authUrl}listKeys`;
    const { status, body } = await this.#http.send({
      command: "listKeys",
      url,
      wireMethod: "GET",
      auth: false,
      policy: "read",
      raw: true,
    });
    const jwks = body.kind === "json" ? body.value as JSONWebKeySet : undefined;
    if (status >= 200 && status < 300 && Array.isArray(jwks?.keys) && jwks.keys.length) {
      this.#keys = { set: createLocalJWKSet({ keys: jwks.keys }) };
    } else {
      this.#log(
        `no key set at ${url} (HTTP ${status}${
          body.kind === "html" ? ", HTML" : ""
        }): tokens are decoded without verifying their signature`,
      );
      this.#keys = null;
    }
    return this.#keys;
  }

  #log(line: string): void {
    this.#options.log?.(redact(line));
  }
}
