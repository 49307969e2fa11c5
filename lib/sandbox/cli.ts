/**
 * The flags of `deno task sandbox`, parsed with `node:util` parseArgs into
 * {@link SandboxOptions}. Mistakes are a {@link UsageError} (exit code 2) with one clear line.
 *
 * @module
 */
import { userPath } from "../cli/paths.ts";
import { describeParseError } from "../cli/args.ts";
import { parseArgs } from "node:util";
import { UsageError } from "../errors.ts";
import type { SandboxOptions } from "./sandbox.ts";

/** Usage text of the sandbox CLI. */
export const USAGE = `Usage: deno task sandbox [options]

Runs a local ITkPD stand-in on 127.0.0.1 and prints its ITKDB_* environment.

Options:
  --port N             TCP port (default 0 = any free port)
  --db FILE            sqlite database file (default: in memory, nothing kept)
  --access-code1 A     access code 1 (default: random, printed)
  --access-code2 B     access code 2 (default: random, printed)
  --token-ttl SECONDS  token lifetime (default 10800 = 3 hours)
  --demo-modules N     register demo modules 20UPGM2000000[1..N] at SANDBOX_A
  --latency-ms N       latency added to every API request
  --fail-rate P        probability 0..1 of an HTTP 500/503 answer
  --drop-rate P        probability 0..1 of a dropped connection
  --slow-commit-rate P probability 0..1 that a write is answered as a dropped connection
                       and committed only later (the server stores it after the client
                       gave up)
  --slow-commit-ms N   delay of such a commit (default 1000)
  --seed N             seed of the fault generator (reproducible faults)
  --tls-cert FILE      serve HTTPS with this certificate (PEM, valid for 127.0.0.1)
  --tls-key FILE       the certificate's private key (PEM)
  --help               show this help
`;

/** Parsed command line: options, or a request for help. */
export interface CliArgs {
  help: boolean;
  options: SandboxOptions;
}

/** Parses the CLI flags; throws UsageError on a bad flag or value. */
export function parseCli(args: string[]): CliArgs {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      strict: true,
      allowPositionals: false,
      options: {
        port: { type: "string" },
        db: { type: "string" },
        "access-code1": { type: "string" },
        "access-code2": { type: "string" },
        "token-ttl": { type: "string" },
        "demo-modules": { type: "string" },
        "latency-ms": { type: "string" },
        "fail-rate": { type: "string" },
        "drop-rate": { type: "string" },
        "slow-commit-rate": { type: "string" },
        "slow-commit-ms": { type: "string" },
        seed: { type: "string" },
        "tls-cert": { type: "string" },
        "tls-key": { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (e) {
    const known = ["port", "db", "access-code1", "access-code2", "token-ttl", "demo-modules"]
      .concat(["latency-ms", "fail-rate", "drop-rate", "slow-commit-rate", "slow-commit-ms"])
      .concat(["seed", "tls-cert", "tls-key", "help"]);
    throw new UsageError(`${describeParseError(e, known)}; see --help`);
  }
  const v = parsed.values;
  if (v.help) return { help: true, options: {} };
  const codes = [v["access-code1"], v["access-code2"]];
  if (codes.filter((c) => c !== undefined).length === 1) {
    throw new UsageError("give both --access-code1 and --access-code2, or neither (see --help)");
  }
  if (codes.some((c) => c === "")) throw new UsageError("access codes must not be empty");
  const tlsCert = pemFile("--tls-cert", v["tls-cert"]);
  const tlsKey = pemFile("--tls-key", v["tls-key"]);
  if ((tlsCert === undefined) !== (tlsKey === undefined)) {
    throw new UsageError("give both --tls-cert and --tls-key, or neither (see --help)");
  }
  return {
    help: false,
    options: {
      port: int("--port", v.port, 0, 65535),
      db: v.db === undefined || v.db === ":memory:" ? v.db : userPath(v.db),
      accessCode1: v["access-code1"],
      accessCode2: v["access-code2"],
      tokenTtlSeconds: int("--token-ttl", v["token-ttl"], 1, 10 * 365 * 24 * 3600),
      demoModules: int("--demo-modules", v["demo-modules"], 0, 9_999_999),
      latencyMs: int("--latency-ms", v["latency-ms"], 0, 600_000),
      failRate: probability("--fail-rate", v["fail-rate"]),
      dropRate: probability("--drop-rate", v["drop-rate"]),
      slowCommitRate: probability("--slow-commit-rate", v["slow-commit-rate"]),
      slowCommitMs: int("--slow-commit-ms", v["slow-commit-ms"], 0, 600_000),
      seed: int("--seed", v.seed, 0, 2 ** 32 - 1),
      tlsCert,
      tlsKey,
    },
  };
}

function int(flag: string, text: string | undefined, min: number, max: number) {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!/^\d+$/.test(text.trim()) || n < min || n > max) {
    throw new UsageError(`${flag} must be an integer ${min}..${max}, got '${text}'`);
  }
  return n;
}

function probability(flag: string, text: string | undefined) {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (text.trim() === "" || !Number.isFinite(n) || n < 0 || n > 1) {
    throw new UsageError(`${flag} must be a probability 0..1, got '${text}'`);
  }
  return n;
}

/** A PEM file named on the command line: its path (relative to where the user is). */
function pemFile(flag: string, file: string | undefined): string | undefined {
  if (file === undefined) return undefined;
  const path = userPath(file);
  try {
    if (!Deno.statSync(path).isFile) throw new Error("not a file");
  } catch (e) {
    const why = e instanceof Deno.errors.NotFound ? "no such file" : (e as Error).message;
    throw new UsageError(`${flag}: cannot read ${file} (${why})`);
  }
  return path;
}
