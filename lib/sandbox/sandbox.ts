/**
 * `startSandbox`: the local ITkPD stand-in in one call — database, catalogue, identity service
 * and HTTP server on 127.0.0.1 — for tests, notebooks, the demo and `deno task sandbox`.
 *
 * @module
 */
import { ATTACHMENT_MAX_BYTES } from "../schemas/attachment.ts";
import { Auth } from "./auth.ts";
import { Catalogue } from "./catalogue.ts";
import { registerDemoModules } from "./demo.ts";
import { Faults, type FaultSettings } from "./faults.ts";
import { randomHex } from "./ids.ts";
import { SandboxServer, type SandboxStats } from "./server.ts";
import { Store } from "./store.ts";

/** Options of {@link startSandbox}. */
export interface SandboxOptions {
  /** TCP port; 0 (default) picks any free port. The server binds 127.0.0.1 only. */
  port?: number;
  /** sqlite database file; default `:memory:` (nothing kept after close). */
  db?: string;
  /** Access code 1 that grantToken accepts; default random per start. */
  accessCode1?: string;
  /** Access code 2 that grantToken accepts; default random per start. */
  accessCode2?: string;
  /** Lifetime of issued tokens in seconds; default 3 hours. */
  tokenTtlSeconds?: number;
  /** The identity service's clock, in ms since the epoch (default `Date.now`): tests move it
   * to make tokens lapse instead of waiting. */
  now?: () => number;
  /** Pre-register N pixel modules `demoSerial(1..N)` at SANDBOX_A (idempotent). */
  demoModules?: number;
  /** Latency added to every API request (ms). */
  latencyMs?: number;
  /** Probability 0..1 of an injected HTTP 500/503 answer (the command is not performed). */
  failRate?: number;
  /** Probability 0..1 of a destroyed connection without answer (writes: half after commit). */
  dropRate?: number;
  /**
   * Probability 0..1 that a write is answered as a dropped connection and committed only
   * `slowCommitMs` later (a server storing a write after the client gave up).
   */
  slowCommitRate?: number;
  /** Delay of a slow commit in ms (default 1000). */
  slowCommitMs?: number;
  /** Called synchronously each time a write is held by the slow-commit fault (pending count). */
  onSlowCommit?: (pending: number) => void;
  /** Seed of the fault PRNG; default random. */
  seed?: number;
  /** Most bytes one attached file may have (default {@link ATTACHMENT_MAX_BYTES}, 64 MiB). */
  maxAttachmentBytes?: number;
  /** Request log, one line per request (never holds tokens, access codes or bodies). */
  log?: (line: string) => void;
  /**
   * Serve HTTPS with this certificate (PEM: a file path, or the PEM text itself); it must be
   * valid for 127.0.0.1. Needs {@link SandboxOptions.tlsKey}.
   */
  tlsCert?: string;
  /** The certificate's private key (PEM: a file path, or the PEM text itself). */
  tlsKey?: string;
}

/** A running sandbox. */
export interface Sandbox {
  /** `http://127.0.0.1:<port>/api/` (`https://` with TLS); a command is at `apiUrl + command`. */
  apiUrl: string;
  /** `http(s)://127.0.0.1:<port>/auth/`; token at `authUrl + "grantToken"`, keys at `+ "listKeys"`. */
  authUrl: string;
  /** The access codes grantToken accepts. */
  accessCode1: string;
  accessCode2: string;
  /** The port listened on. */
  port: number;
  /** `ITKDB_API_URL`, `ITKDB_AUTH_URL`, `ITKDB_ACCESS_CODE1`, `ITKDB_ACCESS_CODE2`. */
  env(): Record<string, string>;
  /**
   * Changes the fault settings at run time. `diskFull` makes the database refuse to grow (as on
   * a full disk: writes answer HTTP 507 with the real cause, reads go on). `failNext` makes the
   * next requests of the commands named fail with HTTP 500, not performed
   * (`{ createTestRunAttachment: 1 }`).
   */
  setFaults(
    f: Partial<FaultSettings> & { diskFull?: boolean; failNext?: Record<string, number> },
  ): void;
  /** Resolves once every write held by the slow-commit fault has been committed. */
  settled(): Promise<void>;
  /** Commits every held write now; answers how many. */
  commitHeld(): number;
  /** Request counters. */
  stats(): SandboxStats;
  /** Starts the peaks of requests in flight (`stats().peakInFlight`) again from now. */
  resetPeaks(): void;
  /** Closes the server (with keep-alive connections) and the database. */
  close(): Promise<void>;
}

/** Default token lifetime: 3 hours. */
const DEFAULT_TOKEN_TTL_SECONDS = 3 * 60 * 60;

/**
 * Starts a sandbox.
 *
 * @example
 * ```ts
 * import { startSandbox } from "./mod.ts";
 * const sb = await startSandbox({ demoModules: 3 });
 * const res = await fetch(sb.authUrl + "grantToken", {
 *   method: "POST",
 *   body: JSON.stringify({ grant_type: "password", accessCode1: sb.accessCode1, accessCode2: sb.accessCode2 }),
 * });
 * const { id_token } = await res.json();
 * await sb.close();
 * ```
 */
export async function startSandbox(opts: SandboxOptions = {}): Promise<Sandbox> {
  const settings: Partial<FaultSettings> = {
    latencyMs: opts.latencyMs,
    failRate: opts.failRate,
    dropRate: opts.dropRate,
    slowCommitRate: opts.slowCommitRate,
    slowCommitMs: opts.slowCommitMs,
  };
  const faults = new Faults(settings, opts.seed ?? Math.floor(Math.random() * 2 ** 32));
  const ttl = opts.tokenTtlSeconds ?? DEFAULT_TOKEN_TTL_SECONDS;
  if (!Number.isFinite(ttl) || ttl <= 0) {
    throw new RangeError(`tokenTtlSeconds must be > 0, got ${ttl}`);
  }
  const tls = tlsOf(opts);
  const maxBytes = opts.maxAttachmentBytes;
  if (maxBytes !== undefined && !(Number.isInteger(maxBytes) && maxBytes > 0)) {
    throw new RangeError(`maxAttachmentBytes must be an integer > 0, got ${maxBytes}`);
  }
  const accessCode1 = opts.accessCode1 ?? randomHex(8);
  const accessCode2 = opts.accessCode2 ?? randomHex(8);
  const catalogue = new Catalogue();
  const store = new Store(opts.db ?? ":memory:");
  let server: SandboxServer | undefined;
  try {
    if (opts.demoModules) registerDemoModules(store, catalogue, opts.demoModules);
    // The auth URL (the tokens' issuer) is known once the port is; Auth reads it at signing.
    const authOpts = {
      store,
      accessCode1,
      accessCode2,
      tokenTtlSeconds: ttl,
      authUrl: "",
      now: opts.now,
    };
    const auth = await Auth.create(authOpts);
    server = new SandboxServer({
      auth,
      store,
      catalogue,
      faults,
      maxAttachmentBytes: opts.maxAttachmentBytes ?? ATTACHMENT_MAX_BYTES,
      log: opts.log,
      tls,
      onSlowCommit: opts.onSlowCommit,
    });
    const port = await server.listen(opts.port ?? 0);
    const base = `${tls ? "https" : "http"}://127.0.0.1:${port}/`;
    authOpts.authUrl = base + "auth/";
    const s = server;
    let closed: Promise<void> | undefined;
    return {
      apiUrl: base + "api/",
      authUrl: base + "auth/",
      accessCode1,
      accessCode2,
      port,
      env: () => ({
        ITKDB_API_URL: base + "api/",
        ITKDB_AUTH_URL: base + "auth/",
        ITKDB_ACCESS_CODE1: accessCode1,
        ITKDB_ACCESS_CODE2: accessCode2,
      }),
      setFaults: ({ diskFull, failNext, ...rates }) => {
        faults.set(rates);
        if (failNext) faults.failNext(failNext);
        if (diskFull !== undefined) store.setFull(diskFull);
      },
      stats: () => s.stats(),
      resetPeaks: () => s.resetPeaks(),
      settled: () => s.settled(),
      commitHeld: () => s.commitHeld(),
      close: () => closed ??= s.close().then(() => store.close()),
    };
  } catch (e) {
    await server?.close();
    store.close();
    throw e;
  }
}

/** The certificate and key to serve HTTPS with, read from their files; none for plain HTTP. */
function tlsOf(opts: SandboxOptions): { cert: string; key: string } | undefined {
  if (opts.tlsCert === undefined && opts.tlsKey === undefined) return undefined;
  if (!opts.tlsCert || !opts.tlsKey) {
    throw new RangeError("HTTPS needs both a certificate (tlsCert) and its key (tlsKey)");
  }
  const pem = (what: string, value: string) => {
    const text = value.trimStart().startsWith("-----BEGIN") ? value : Deno.readTextFileSync(value);
    if (!text.includes("-----BEGIN")) throw new RangeError(`${what} ${value} is not PEM`);
    return text;
  };
  return { cert: pem("certificate", opts.tlsCert), key: pem("key", opts.tlsKey) };
}
