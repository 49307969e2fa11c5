/**
 * Keeping one valid token for a client: taken from options / `ITK_DB_AUTH` / the session file,
 * or obtained with the access codes (grant_token.ts); checked (token_check.ts); renewed before it
 * lapses or once the service refused it, at most one renewal at a time; kept in the session file.
 *
 * @module
 */
import { AuthError, ItkpdError } from "../errors.ts";
import { DEFAULT_RENEW_BEFORE_SECONDS, type ResolvedConnection } from "./config.ts";
import { grantToken } from "./grant_token.ts";
import type { HttpEngine, TokenSource } from "./http.ts";
import { addSecret, redact } from "./redact.ts";
import { readSession, writeSession } from "./session_file.ts";
import { GET_TOKEN_HINT, TokenChecker, type TokenInfo } from "./token_check.ts";

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
  readonly #checker: TokenChecker;
  #grants = 0;
  #fatal?: AuthError;
  #refused = false;

  constructor(http: HttpEngine, options: TokenManagerOptions) {
    this.#http = http;
    this.#conn = options.connection;
    this.#options = options;
    this.#checker = new TokenChecker(http, {
      connection: this.#conn,
      now: () => this.#now(),
      log: options.log,
    });
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
      const info = await this.#checker.check(this.#conn.token, "options", "ITK_DB_AUTH");
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
          const info = await this.#checker.check(session.token, "session", "the session file");
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
    this.#grants++;
    const { token, expiresIn } = await grantToken(this.#http, this.#conn);
    addSecret(token);
    const info = await this.#checker.check(token, "grant", "grantToken");
    if (expiresIn !== undefined) {
      info.expiresAt = Math.min(info.expiresAt, this.#now() / 1000 + expiresIn);
    }
    this.#log(
      `new token from grantToken, expires ${new Date(info.expiresAt * 1000).toISOString()}`,
    );
    return info;
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
