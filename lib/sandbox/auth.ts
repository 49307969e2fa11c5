/**
 * The sandbox's identity service: `grantToken` (access codes → RS256 id_token), `listKeys`
 * (the JWKS to verify it) and the bearer-token check every API command goes through. The key
 * pair lives in the store, so tokens survive a restart on the same database file.
 *
 * @module
 */
import {
  calculateJwkThumbprint,
  errors as joseErrors,
  exportJWK,
  generateKeyPair,
  importJWK,
  type JWK,
  type JWTPayload,
  jwtVerify,
  SignJWT,
} from "jose";
import { createHash, timingSafeEqual } from "node:crypto";
import type { UuAppErrorMap } from "../errors.ts";
import { errorEntry } from "./command_error.ts";
import type { Store } from "./store.ts";

/** The audience of a token when the scope names none (the current ITkPD host). */
export const DEFAULT_AUDIENCE = "https://itkpd.unicornuniversity.net";

/** The user a valid token stands for. */
export interface TokenUser {
  sub: string;
  name: string;
}

/** An HTTP answer of the identity service. */
export interface AuthAnswer {
  status: number;
  body: Record<string, unknown>;
}

/** Outcome of a bearer-token check. */
export type TokenCheck =
  | { ok: true; user: TokenUser }
  | { ok: false; status: 401; body: { uuAppErrorMap: UuAppErrorMap } };

/** Options of {@link Auth.create}. */
export interface AuthOptions {
  store: Store;
  authUrl: string;
  accessCode1: string;
  accessCode2: string;
  tokenTtlSeconds: number;
  /** Clock in ms since the epoch; default `Date.now`. */
  now?: () => number;
}

/** Tokens whose signature was verified, kept at most (then forgotten, and verified again). */
const VERIFIED_TOKENS = 256;

/** The identity service of one sandbox. */
export class Auth {
  /**
   * The claims of tokens whose signature this service verified. A signature is checked once
   * per token (an RSA verification costs more than the rest of most commands); the time claims
   * (`exp`, `nbf`) are checked on every use, by the clock of that moment, as on the first.
   */
  readonly #verified = new Map<string, JWTPayload>();

  private constructor(
    private readonly opts: AuthOptions,
    private readonly privateKey: CryptoKey,
    private readonly publicKey: CryptoKey,
    private readonly publicJwk: JWK,
  ) {}

  /** Loads the key pair from the store, generating and storing one on first use. */
  static async create(opts: AuthOptions): Promise<Auth> {
    const fresh = await generateKeyPair("RS256", { extractable: true });
    const candidate = JSON.stringify(await exportJWK(fresh.privateKey));
    const stored = JSON.parse(opts.store.metaOrInit("signingKey", candidate)) as JWK;
    const kid = await calculateJwkThumbprint(stored);
    const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, ...pub } = stored;
    const publicJwk: JWK = { ...pub, kid, alg: "RS256", use: "sig" };
    const privateKey = await importJWK({ ...stored, alg: "RS256" }, "RS256") as CryptoKey;
    const publicKey = await importJWK({ ...publicJwk }, "RS256") as CryptoKey;
    return new Auth(opts, privateKey, publicKey, publicJwk);
  }

  /** `GET listKeys`: the JWKS with the one signing key. */
  listKeys(): AuthAnswer {
    const { kty, n, e, kid, alg, use } = this.publicJwk;
    return { status: 200, body: { keys: [{ kty, n, e, kid, alg, use }] } };
  }

  /** `POST grantToken`: checks the access codes and answers a signed token. */
  async grantToken(input: unknown): Promise<AuthAnswer> {
    const dto = (input && typeof input === "object" ? input : {}) as Record<string, unknown>;
    if (dto.grant_type !== undefined && dto.grant_type !== "password") {
      return {
        status: 400,
        body: {
          uuAppErrorMap: {
            "uu-oidc/grantToken/unsupportedGrantType": errorEntry(
              `Grant type ${JSON.stringify(dto.grant_type)} is not supported; use "password".`,
            ),
          },
        },
      };
    }
    if (
      !sameText(dto.accessCode1, this.opts.accessCode1) ||
      !sameText(dto.accessCode2, this.opts.accessCode2)
    ) {
      return {
        status: 401,
        body: {
          uuAppErrorMap: {
            "uu-oidc/grantToken/invalidCredentials": errorEntry(
              "Invalid credentials: accessCode1 and accessCode2 do not match.",
            ),
          },
        },
      };
    }
    const audience = audienceOf(dto.scope);
    const now = Math.floor((this.opts.now?.() ?? Date.now()) / 1000);
    const ttl = this.opts.tokenTtlSeconds;
    const sub = "sandbox-" + createHash("sha256").update(this.opts.accessCode1).digest("hex")
      .slice(0, 12);
    const token = await new SignJWT({ name: "Sandbox User" })
      .setProtectedHeader({ alg: "RS256", kid: this.publicJwk.kid, typ: "JWT" })
      .setIssuer(this.opts.authUrl)
      .setSubject(sub)
      .setAudience(audience)
      .setIssuedAt(now)
      .setNotBefore(now)
      .setExpirationTime(now + ttl)
      // Each grant its own token, as an identity service gives (two grants within one second
      // would otherwise sign the very same claims).
      .setJti(crypto.randomUUID())
      .sign(this.privateKey);
    return {
      status: 200,
      body: {
        id_token: token,
        access_token: token,
        token_type: "Bearer",
        expires_in: ttl,
        scope: typeof dto.scope === "string" ? dto.scope : `openid ${audience}`,
        uuAppErrorMap: {},
      },
    };
  }

  /** Checks an `Authorization` header: a valid RS256 token of this service, not expired. */
  async check(header: string | undefined): Promise<TokenCheck> {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? "");
    if (!match) {
      return invalid(
        "Token is missing: send the header 'Authorization: Bearer <id_token>' (get one from grantToken).",
      );
    }
    const token = match[1];
    const clock = this.opts.now?.() ?? Date.now();
    const known = this.#verified.get(token);
    if (known !== undefined) {
      // The same checks of the time claims as jwtVerify's (seconds, no tolerance).
      const now = Math.floor(clock / 1000);
      if (typeof known.exp === "number" && known.exp <= now) return expired();
      if (typeof known.nbf === "number" && known.nbf > now) return notYetValid();
      return { ok: true, user: userOf(known) };
    }
    try {
      const { payload } = await jwtVerify(token, this.publicKey, {
        algorithms: ["RS256"],
        currentDate: new Date(clock),
      });
      if (this.#verified.size >= VERIFIED_TOKENS) this.#verified.clear();
      this.#verified.set(token, payload);
      return { ok: true, user: userOf(payload) };
    } catch (e) {
      if (e instanceof joseErrors.JWTExpired) return expired();
      if (e instanceof joseErrors.JWSSignatureVerificationFailed) {
        return invalid("Token signature is invalid: it was not signed by this identity service.");
      }
      if (e instanceof joseErrors.JWTClaimValidationFailed && e.claim === "nbf") {
        return notYetValid();
      }
      return invalid("Token is not a valid JWT of this identity service.");
    }
  }
}

/** The audience named by a scope (`"openid <audience>"`), or the default. */
function audienceOf(scope: unknown): string {
  if (typeof scope !== "string") return DEFAULT_AUDIENCE;
  const parts = scope.split(/\s+/).filter((s) => s && s !== "openid");
  return parts[0] ?? DEFAULT_AUDIENCE;
}

function userOf(payload: JWTPayload): TokenUser {
  return { sub: String(payload.sub ?? "unknown"), name: String(payload.name ?? "Sandbox User") };
}

function expired(): TokenCheck {
  return invalid("Token has expired: obtain a new one from grantToken.");
}

function notYetValid(): TokenCheck {
  return invalid("Token is not yet valid (nbf): check the clock.");
}

function invalid(message: string): TokenCheck {
  return {
    ok: false,
    status: 401,
    body: { uuAppErrorMap: { "uu-oidc/invalidToken": { type: "error", message } } },
  };
}

function sameText(given: unknown, expected: string): boolean {
  if (typeof given !== "string") return false;
  const a = createHash("sha256").update(given).digest();
  const b = createHash("sha256").update(expected).digest();
  return timingSafeEqual(a, b);
}
