/**
 * The flags of `deno task sandbox` (the toolkit's flag spec, `lib/cli/flags.ts`), parsed into
 * {@link SandboxOptions}. Mistakes are a {@link UsageError} (exit code 2) with one clear line.
 *
 * @module
 */
import { defineFlags, helpText, parseFlags } from "../cli/flags.ts";
import { programName } from "../cli/paths.ts";
import { UsageError } from "../errors.ts";
import type { SandboxOptions } from "./sandbox.ts";

const probability = { type: "number", min: 0, max: 1, value: "P" } as const;
const milliseconds = { type: "number", integer: true, min: 0, max: 600_000, value: "N" } as const;

/** The flags of the sandbox. */
export const SANDBOX_FLAGS = defineFlags({
  port: {
    type: "number",
    integer: true,
    min: 0,
    max: 65535,
    value: "N",
    help: "TCP port (default 0 = any free port)",
  },
  db: {
    type: "path",
    literal: [":memory:"],
    value: "FILE",
    help: "sqlite database file (default: in memory, nothing kept)",
  },
  "access-code1": { type: "string", value: "A", help: "access code 1 (default: random, printed)" },
  "access-code2": { type: "string", value: "B", help: "access code 2 (default: random, printed)" },
  "token-ttl": {
    type: "number",
    integer: true,
    min: 1,
    max: 10 * 365 * 24 * 3600,
    value: "SECONDS",
    help: "token lifetime (default 10800 = 3 hours)",
  },
  "demo-modules": {
    type: "number",
    integer: true,
    min: 0,
    max: 9_999_999,
    value: "N",
    help: "register demo modules 20UPGM2000000[1..N] at SANDBOX_A",
  },
  "latency-ms": { ...milliseconds, help: "latency added to every API request" },
  "fail-rate": { ...probability, help: "probability 0..1 of an HTTP 500/503 answer" },
  "drop-rate": { ...probability, help: "probability 0..1 of a dropped connection" },
  "slow-commit-rate": {
    ...probability,
    help: `probability 0..1 that a write is answered as a dropped connection
and committed only later (the server stores it after the client
gave up)`,
  },
  "slow-commit-ms": { ...milliseconds, help: "delay of such a commit (default 1000)" },
  seed: {
    type: "number",
    integer: true,
    min: 0,
    max: 2 ** 32 - 1,
    value: "N",
    help: "seed of the fault generator (reproducible faults)",
  },
  "tls-cert": {
    type: "path",
    value: "FILE",
    help: "serve HTTPS with this certificate (PEM, valid for 127.0.0.1)",
  },
  "tls-key": { type: "path", value: "FILE", help: "the certificate's private key (PEM)" },
});

/** Usage text of the sandbox CLI. */
export function usage(): string {
  return helpText(SANDBOX_FLAGS, {
    program: programName("sandbox"),
    description: "Runs a local ITkPD stand-in on 127.0.0.1 and prints its ITKDB_* environment.",
  });
}

/** Parsed command line: options, or a request for help. */
export interface CliArgs {
  help: boolean;
  options: SandboxOptions;
}

/** Parses the CLI flags; throws UsageError on a bad flag or value. */
export function parseCli(args: string[]): CliArgs {
  const parsed = parseFlags(args, SANDBOX_FLAGS);
  if (parsed.help) return { help: true, options: {} };
  const v = parsed.flags;
  const codes = [v.accessCode1, v.accessCode2];
  if (codes.filter((c) => c !== undefined).length === 1) {
    throw new UsageError("give both --access-code1 and --access-code2, or neither (see --help)");
  }
  const tlsCert = pemFile("--tls-cert", v.tlsCert, parsed.raw["tls-cert"]?.[0]);
  const tlsKey = pemFile("--tls-key", v.tlsKey, parsed.raw["tls-key"]?.[0]);
  if ((tlsCert === undefined) !== (tlsKey === undefined)) {
    throw new UsageError("give both --tls-cert and --tls-key, or neither (see --help)");
  }
  return {
    help: false,
    options: {
      port: v.port,
      db: v.db,
      accessCode1: v.accessCode1,
      accessCode2: v.accessCode2,
      tokenTtlSeconds: v.tokenTtl,
      demoModules: v.demoModules,
      latencyMs: v.latencyMs,
      failRate: v.failRate,
      dropRate: v.dropRate,
      slowCommitRate: v.slowCommitRate,
      slowCommitMs: v.slowCommitMs,
      seed: v.seed,
      tlsCert,
      tlsKey,
    },
  };
}

/** A PEM file named on the command line: its path, checked to be a file. */
function pemFile(
  flag: string,
  path: string | undefined,
  typed: string | undefined,
): string | undefined {
  if (path === undefined) return undefined;
  try {
    if (!Deno.statSync(path).isFile) throw new Error("not a file");
  } catch (e) {
    const why = e instanceof Deno.errors.NotFound ? "no such file" : (e as Error).message;
    throw new UsageError(`${flag}: cannot read ${typed ?? path} (${why})`);
  }
  return path;
}
