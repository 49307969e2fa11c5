/**
 * Tokens: taken from options / `ITK_DB_AUTH` / the session file, or obtained with the access
 * codes (`grantToken`); checked with jose (signature against the identity service's key set at
 * `<authUrl>listKeys`, audience, expiry and not-before with the `ITKDB_LEEWAY` leeway); renewed
 * before they lapse, at most one renewal at a time.
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
import { AuthError, ItkpdError } from "../errors.ts";
import { DEFAULT_RENEW_BEFORE_SECONDS, type ResolvedConnection } from "./config.ts";
import type { HttpEngine, TokenSource } from "./http.ts";
import { addSecret, redact } from "./redact.ts";
import { readSession, writeSession } from "./session_file.ts";

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

/** Options of {@link TokenManager}. */
export interface TokenManagerOptions {
  connection: ResolvedConnection;
  /** Keep the session in this file between runs (mode 0600). */
  sessionFile?: string;
  /** Renew when this many seconds or fewer are left (default 15, capped at a quarter of the
   * token's lifetime so that short-lived tokens are usable). */
  renewBeforeSeconds?: number;
  /** Verbose log. */
  log?: (line: string) => void;
  /** Warnings the user should see (default: standard error). */
  warn?: (line: string) => void;
  /** The clock, in ms since the epoch (default `Date.now`): tests move it instead of waiting. */
  now?: () => number;
}

const GET_TOKEN_HINT = 'run eval "$(deno task -q get-token)" (PowerShell: deno task -q get-token ' +
  "--shell powershell | Invoke-Expression), or set ITKDB_ACCESS_CODE1 and ITKDB_ACCESS_CODE2";

/**
 * Keeps one valid token for a client.
 *
 * @example
 * ```ts
 * import { ItkpdClient } from "./client.ts";
 * const client = new ItkpdClient({ env: { ITKDB_ACCESS_CODE1: "a", ITKDB_ACCESS_CODE2: "b" } });
 * // const token = await client.auth.getToken();
 * await client.close();
 * ```
 */
export class TokenManager implements TokenSource {
  readonly #http: HttpEngine;
  readonly #conn: ResolvedConnection;
  readonly #options: TokenManagerOptions;
  #current?: TokenInfo;
  #pending?: Promise<void>;
  #started = false;
  #keys?: { set: ReturnType<typeof createLocalJWKSet> } | null;
  #grants = 0;
  #fatal?: AuthError;
  #refused = false;

  constructor(http: HttpEngine, options: TokenManagerOptions) {
    this.#http = http;
    this.#conn = options.connection;
    this.#options = options;
    addSecret(this.#conn.accessCode1);
    addSecret(this.#conn.accessCode2);
    addSecret(this.#conn.token);
  }

  /** How many times grantToken was called. */
  get grants(): number {
    return this.#grants;
  }

  /** The current token's details (after the first call), without the token itself. */
  get info(): Omit<TokenInfo, "token"> | undefined {
    if (!this.#current) return undefined;
    const { token: _token, ...rest } = this.#current;
    return rest;
  }

  /** True when access codes are configured (the client can renew tokens itself). */
  get canRenew(): boolean {
    return !!(this.#conn.accessCode1 && this.#conn.accessCode2);
  }

  /** A valid token: the current one, or a renewed one when ≤ the renewal margin is left. */
  async getToken(): Promise<string> {
    if (this.#pending) await this.#pending;
    const current = this.#current;
    if (this.#started && current && !this.#needsRenewal(current)) return current.token;
    this.#pending ??= this.#refresh().finally(() => (this.#pending = undefined));
    await this.#pending;
    return this.#current!.token;
  }

  /** Like {@link getToken}, with the details (expiry, origin). */
  async getTokenInfo(): Promise<TokenInfo> {
    await this.getToken();
    return { ...this.#current! };
  }

  /** Marks `token` as refused by the service: the next {@link getToken} renews it. */
  invalidate(token: string): void {
    if (this.#current?.token !== token) return;
    this.#refused = true;
    this.#current = { ...this.#current, expiresAt: 0 };
  }

  /** Renews the token now (single-flight with any renewal under way). */
  async renew(): Promise<string> {
    if (this.#current) this.#current = { ...this.#current, expiresAt: 0 };
    return await this.getToken();
  }

  #now(): number {
    return this.#options.now?.() ?? Date.now();
  }

  #needsRenewal(t: TokenInfo): boolean {
    const left = t.expiresAt - this.#now() / 1000;
    const lifetime = t.issuedAt !== undefined ? t.expiresAt - t.issuedAt : Infinity;
    const margin = Math.min(
      this.#options.renewBeforeSeconds ?? DEFAULT_RENEW_BEFORE_SECONDS,
      Math.max(0.5, lifetime / 4),
    );
    return left <= margin;
  }

  async #refresh(): Promise<void> {
    if (this.#fatal) throw this.#fatal;
    if (!this.#started) {
      this.#started = true;
      let initial: TokenInfo | undefined;
      try {
        initial = await this.#initial();
      } catch (error) {
        if (error instanceof AuthError && this.canRenew) {
          // A bad token in ITK_DB_AUTH, with access codes at hand: say so, and get a new one.
          (this.#options.warn ?? ((line: string) => console.error(line)))(
            `itkpd: warning: ${redact(error.message.split("\n")[0])}; ` +
              "getting a new token with the access codes",
          );
        } else {
          // Without access codes, a token that fails its checks stays an error.
          if (error instanceof AuthError) this.#fatal = error;
          else this.#started = false;
          throw error;
        }
      }
      if (initial) {
        this.#current = initial;
        if (!this.#needsRenewal(initial)) return;
      }
    }
    if (!this.canRenew) {
      const expired = this.#current;
      if (expired) {
        const from = expired.origin === "session" ? "the session file" : "ITK_DB_AUTH";
        const state = this.#refused
          ? "was refused by the service (HTTP 401)"
          : expired.expiresAt > this.#now() / 1000
          ? `is about to expire (at ${new Date(expired.expiresAt * 1000).toISOString()})`
          : `has expired (at ${new Date(expired.expiresAt * 1000).toISOString()})`;
        throw new AuthError(`the token from ${from} ${state} and no access codes are set`, {
          hint: GET_TOKEN_HINT,
        });
      }
      throw new AuthError("no token and no access codes", { hint: GET_TOKEN_HINT });
    }
    this.#current = await this.#grant();
    this.#refused = false;
    await this.#saveSession(this.#current);
  }

  /** The first token: options/env, else the session file; `undefined` when neither. */
  async #initial(): Promise<TokenInfo | undefined> {
    let fallback: TokenInfo | undefined;
    if (this.#conn.token) {
      const info = await this.#check(this.#conn.token, "options", "ITK_DB_AUTH");
      const envExpiry = this.#conn.tokenExpiresAt;
      if (envExpiry !== undefined) info.expiresAt = Math.min(info.expiresAt, envExpiry);
      if (!this.#needsRenewal(info)) return info;
      this.#log("the token from ITK_DB_AUTH / options has expired");
      fallback = info;
    }
    const path = this.#options.sessionFile;
    if (path) {
      const { session, reason, warnings } = await readSession(path);
      const warn = this.#options.warn ?? ((line: string) => console.error(line));
      for (const w of warnings ?? []) warn(`itkpd: warning: ${redact(w)}`);
      if (!session) {
        this.#log(`session file ${path}: ${reason}`);
      } else if (session.apiUrl !== this.#conn.apiUrl || session.authUrl !== this.#conn.authUrl) {
        this.#log(`session file ${path}: for another site, not used`);
      } else {
        try {
          addSecret(session.token);
          const info = await this.#check(session.token, "session", "the session file");
          info.expiresAt = Math.min(info.expiresAt, session.expiresAt);
          if (!this.#needsRenewal(info)) {
            this.#log(`session file ${path}: token reused`);
            return info;
          }
          this.#log(`session file ${path}: token expired`);
        } catch (error) {
          if (!(error instanceof ItkpdError)) throw error;
          this.#log(`session file ${path}: token rejected: ${error.message}`);
        }
      }
    }
    return fallback;
  }

  async #grant(): Promise<TokenInfo> {
    const url = `${this.#conn.authUrl}grantToken`;
    this.#grants++;
    const { status, body } = await this.#http.send({
      command: "grantToken",
      url,
      wireMethod: "POST",
      json: {
        grant_type: "password",
        accessCode1: this.#conn.accessCode1,
        accessCode2: this.#conn.accessCode2,
        scope: this.#conn.scope,
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
          hint: refused
            ? "check ITKDB_ACCESS_CODE1 and ITKDB_ACCESS_CODE2"
            : "check ITKDB_AUTH_URL",
        },
      );
    }
    addSecret(token);
    const info = await this.#check(token, "grant", "grantToken");
    const expiresIn = Number(value?.expires_in);
    if (Number.isFinite(expiresIn) && expiresIn > 0) {
      info.expiresAt = Math.min(info.expiresAt, this.#now() / 1000 + expiresIn);
    }
    this.#log(
      `new token from grantToken, expires ${new Date(info.expiresAt * 1000).toISOString()}`,
    );
    return info;
  }

  /**
   * Checks a token: signature (when a key set exists), audience, not-before; expiry is
   * returned, not thrown, so that an expired token can be renewed.
   */
  async #check(token: string, origin: TokenOrigin, from: string): Promise<TokenInfo> {
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
            currentDate: new Date(this.#now()),
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
    const now = this.#now() / 1000;
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

  async #saveSession(info: TokenInfo): Promise<void> {
    const path = this.#options.sessionFile;
    if (!path) return;
    try {
      await writeSession(path, {
        token: info.token,
        expiresAt: info.expiresAt,
        apiUrl: this.#conn.apiUrl,
        authUrl: this.#conn.authUrl,
      });
      this.#log(`session saved to ${path}`);
    } catch (error) {
      this.#log(`session file ${path} not written: ${(error as Error).name}`);
    }
  }

  #log(line: string): void {
    this.#options.log?.(redact(line));
  }
}
