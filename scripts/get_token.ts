/**
 * get-token: obtains an ITkPD token and prints the shell lines that put it in the environment.
 *
 * ```sh
 * eval "$(itkpd get-token)"                                # sh, bash, zsh
 * eval "$(deno task -q get-token)"                         # the same, inside the clone
 * deno task -q get-token --shell powershell | Invoke-Expression   # PowerShell
 * ```
 *
 * Only the export lines go to stdout; prompts and the expiry note go to stderr.
 *
 * @module
 */
import { openClient } from "../lib/cli/client.ts";
import { defineCommand, runCommand } from "../lib/cli/command.ts";
import { SHELL_ALIASES } from "../lib/cli/shell.ts";
import { TIMEOUT_FLAG } from "../lib/cli/timeout.ts";
import type { EnvRecord } from "../lib/client/mod.ts";
import { AuthError } from "../lib/errors.ts";

/** The command: its flags and help. */
export const COMMAND = defineCommand({
  name: "get-token",
  quiet: true,
  description: (program) =>
    `Obtains an ITkPD token with your two access codes and prints the lines that set
ITK_DB_AUTH (the token) and ITK_DB_AUTH_EXPIRES_AT (its expiry, unix seconds):

  ${`eval "$(${program})"`.padEnd(program.length + 42)}# sh, bash, zsh
  ${program} --shell powershell | Invoke-Expression   # PowerShell

The access codes are read from ITKDB_ACCESS_CODE1 / ITKDB_ACCESS_CODE2 when set, else asked
for (hidden input). Site and identity service: ITKDB_API_URL, ITKDB_AUTH_URL,
ITKDB_ACCESS_SCOPE, ITKDB_ACCESS_AUDIENCE, ITKDB_LEEWAY.`,
  flags: {
    shell: {
      type: "enum",
      choices: ["sh", "powershell"],
      aliases: SHELL_ALIASES,
      ignoreCase: true,
      value: "KIND",
      help: "sh (default; also bash, zsh) or powershell (default on Windows)",
    },
    verbose: { type: "boolean", help: "log the requests (tokens and codes hidden) to stderr" },
    ...TIMEOUT_FLAG,
  },
});

if (import.meta.main) {
  runCommand(COMMAND, async ({ flags }) => {
    const [client, shell, prompt] = await Promise.all([
      import("../lib/client/mod.ts"),
      import("../lib/cli/shell.ts"),
      import("../lib/cli/prompt.ts"),
    ]);
    client.requireEnvAccess();
    const kind = flags.shell ?? shell.defaultShell();
    const fromEnv: EnvRecord = {};
    // A token already in the environment is not reused: this script's job is a fresh one.
    for (const name of client.ENV_NAMES) {
      if (name !== "ITK_DB_AUTH" && name !== "ITK_DB_AUTH_EXPIRES_AT") {
        fromEnv[name] = client.readEnv(name);
      }
    }
    let prompted = false;
    let source: InstanceType<typeof prompt.StreamLineSource> | undefined;
    const askCode = async (n: 1 | 2): Promise<string> => {
      source ??= new prompt.StreamLineSource();
      prompted = true;
      const code = await prompt.askSecret(source, `access code ${n}: `);
      if (!code) throw new AuthError(`no access code ${n} given (end of input)`);
      return code;
    };
    const accessCode1 = fromEnv.ITKDB_ACCESS_CODE1 ?? await askCode(1);
    const accessCode2 = fromEnv.ITKDB_ACCESS_CODE2 ?? await askCode(2);
    source?.release();

    const itkpd = await openClient({
      timeoutSeconds: flags.timeout,
      env: fromEnv,
      accessCode1,
      accessCode2,
      verbose: flags.verbose,
      // The environment above leaves out the proxy variables: read them from the process.
      transport: { proxy: client.proxyConfigFromEnv() },
    });
    try {
      const info = await itkpd.auth.getTokenInfo();
      const expiresAt = Math.floor(info.expiresAt);
      await writeOut(
        shell.exportLines({ ITK_DB_AUTH: info.token, ITK_DB_AUTH_EXPIRES_AT: expiresAt }, kind),
      );
      console.error(shell.expiryNote(expiresAt));
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
      itkpd.close();
    }
  });
}

async function writeOut(text: string): Promise<void> {
  const bytes = new TextEncoder().encode(text);
  let written = 0;
  while (written < bytes.length) written += await Deno.stdout.write(bytes.subarray(written));
}
