/**
 * get-token: obtains an ITkPD token and prints the shell lines that put it in the environment.
 *
 * ```sh
 * eval "$(deno task -q get-token)"                         # sh, bash, zsh
 * deno task -q get-token --shell powershell | Invoke-Expression   # PowerShell
 * ```
 *
 * Only the export lines go to stdout; prompts and the expiry note go to stderr.
 *
 * @module
 */
import { defaultSessionFile } from "../lib/cli/session.ts";
import {
  askSecret,
  type ParsedArgs,
  parseFlags,
  parseShell,
  runMain,
  StreamLineSource,
  TIMEOUT_FLAG,
  timeoutMsOf,
} from "../lib/cli/mod.ts";
import { expiryNote, exportLines } from "../lib/cli/shell.ts";
import {
  ENV_NAMES,
  type EnvRecord,
  ItkpdClient,
  proxyConfigFromEnv,
  readEnv,
  requireEnvAccess,
} from "../lib/client/mod.ts";
import { AuthError } from "../lib/errors.ts";

const USAGE = `Usage: deno task -q get-token [--shell sh|powershell] [--verbose]

Obtains an ITkPD token with your two access codes and prints the lines that set
ITK_DB_AUTH (the token) and ITK_DB_AUTH_EXPIRES_AT (its expiry, unix seconds):

  eval "$(deno task -q get-token)"                                # sh, bash, zsh
  deno task -q get-token --shell powershell | Invoke-Expression   # PowerShell

The access codes are read from ITKDB_ACCESS_CODE1 / ITKDB_ACCESS_CODE2 when set, else asked
for (hidden input). Site and identity service: ITKDB_API_URL, ITKDB_AUTH_URL,
ITKDB_ACCESS_SCOPE, ITKDB_ACCESS_AUDIENCE, ITKDB_LEEWAY.

Options:
  --shell KIND   sh (default; also bash, zsh) or powershell (default on Windows)
  --verbose      log the requests (tokens and codes hidden) to stderr
  --timeout S    time limit of one request in seconds (default 60)
  -h, --help     show this text
`;

const FLAGS = {
  shell: { type: "string" },
  verbose: { type: "boolean" },
  ...TIMEOUT_FLAG,
} as const;

async function main(args: string[]): Promise<number> {
  const parsed = parseFlags(args, FLAGS);
  if (parsed.help) {
    console.log(USAGE);
    return 0;
  }
  requireEnvAccess();
  const shell = parseShell(flag(parsed, "shell"));
  const fromEnv: EnvRecord = {};
  // A token already in the environment is not reused: this script's job is a fresh one.
  for (const name of ENV_NAMES) {
    if (name !== "ITK_DB_AUTH" && name !== "ITK_DB_AUTH_EXPIRES_AT") {
      fromEnv[name] = readEnv(name);
    }
  }
  let prompted = false;
  let source: StreamLineSource | undefined;
  const askCode = async (n: 1 | 2): Promise<string> => {
    source ??= new StreamLineSource();
    prompted = true;
    const code = await askSecret(source, `access code ${n}: `);
    if (!code) throw new AuthError(`no access code ${n} given (end of input)`);
    return code;
  };
  const accessCode1 = fromEnv.ITKDB_ACCESS_CODE1 ?? await askCode(1);
  const accessCode2 = fromEnv.ITKDB_ACCESS_CODE2 ?? await askCode(2);
  source?.release();

  const client = new ItkpdClient({
    timeoutMs: timeoutMsOf(parsed.values),
    env: fromEnv,
    accessCode1,
    accessCode2,
    verbose: !!parsed.values.verbose,
    sessionFile: defaultSessionFile(),
    // The environment above leaves out the proxy variables: read them from the process.
    transport: { proxy: proxyConfigFromEnv() },
  });
  try {
    const info = await client.auth.getTokenInfo();
    const expiresAt = Math.floor(info.expiresAt);
    await writeOut(
      exportLines({ ITK_DB_AUTH: info.token, ITK_DB_AUTH_EXPIRES_AT: expiresAt }, shell),
    );
    console.error(expiryNote(expiresAt));
    if (!info.verified) {
      console.error("note: the identity service offers no key set: signature not checked");
    }
    return 0;
  } catch (e) {
    if (prompted && e instanceof AuthError && /refused the access codes/.test(e.message)) {
      throw new AuthError(e.message.split("\n")[0], {
        codes: e.codes,
        hint: "check the access codes you typed",
      });
    }
    throw e;
  } finally {
    client.close();
  }
}

function flag(parsed: ParsedArgs, name: string): string | undefined {
  const v = parsed.values[name];
  return typeof v === "string" ? v : undefined;
}

async function writeOut(text: string): Promise<void> {
  const bytes = new TextEncoder().encode(text);
  let written = 0;
  while (written < bytes.length) written += await Deno.stdout.write(bytes.subarray(written));
}

if (import.meta.main) runMain("get-token", main);
