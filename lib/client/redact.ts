/**
 * Hiding secrets in text that leaves the process: log lines and error messages.
 *
 * @module
 */

const JWT_LOOKING = /eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g;
const THREE_SEGMENTS = /[A-Za-z0-9_-]{16,}\.[A-Za-z0-9_-]{16,}\.[A-Za-z0-9_-]{16,}/g;
const BEARER = /\bBearer\s+[^\s"',;]+/gi;
const MAX_SECRETS = 64;

/** Secrets registered by clients (access codes, tokens), hidden by {@link redact}. */
const registered = new Set<string>();

/**
 * Registers a secret (an access code, a token that does not look like a JWT) so that
 * {@link redact} hides it from now on. Values shorter than 3 characters are ignored (they would
 * mangle ordinary text). Clients register their configured access codes and tokens themselves.
 *
 * @example
 * ```ts
 * import { addSecret, redact } from "./redact.ts";
 * addSecret("my-code-1");
 * redact("code my-code-1 used"); // "code *** used"
 * ```
 */
export function addSecret(secret: string | undefined): void {
  if (!secret || secret.length < 3) return;
  if (registered.size >= MAX_SECRETS && !registered.has(secret)) {
    registered.delete(registered.values().next().value as string);
  }
  registered.add(secret);
}

/**
 * Replaces every JWT-looking string, every `Bearer …` credential, every registered secret and
 * every secret in `extra` with `***`.
 *
 * @example
 * ```ts
 * import { redact } from "./redact.ts";
 * redact("Authorization: Bearer abc.def.ghi"); // "Authorization: ***"
 * redact("code1=hunter22", ["hunter22"]); // "code1=***"
 * ```
 */
export function redact(text: string, extra: Iterable<string | undefined> = []): string {
  let out = String(text);
  const secrets = [...registered, ...[...extra].filter((s): s is string => !!s && s.length >= 3)]
    .sort((a, b) => b.length - a.length);
  for (const secret of secrets) out = out.split(secret).join("***");
  return out.replace(BEARER, "***").replace(JWT_LOOKING, "***").replace(THREE_SEGMENTS, "***");
}
