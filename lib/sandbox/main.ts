/**
 * `deno task sandbox`: runs the local ITkPD stand-in until SIGINT/SIGTERM. Prints the four
 * `ITKDB_*` lines on stdout (so `eval "$(…)"`-style set-ups can read them) and everything else
 * on stderr; closes the server and flushes the database on exit.
 *
 * Permissions: `--allow-net=127.0.0.1 --allow-read --allow-write` (read/write for `--db`).
 *
 * @module
 */
import { ItkpdError } from "../errors.ts";
import { parseCli, usage } from "./cli.ts";

/** Runs the CLI with `args`; resolves to the exit code once the sandbox has stopped. */
export async function main(args: string[]): Promise<number> {
  let cli;
  try {
    cli = parseCli(args);
  } catch (e) {
    if (e instanceof ItkpdError) {
      console.error(`sandbox: ${e.message}`);
      return e.exitCode;
    }
    throw e;
  }
  if (cli.help) {
    console.log(usage());
    return 0;
  }
  // The server (jose, the store, the commands) is loaded after the flags: `--help` and a bad
  // flag are answered without it.
  const { startSandbox } = await import("./sandbox.ts");
  let sandbox;
  try {
    sandbox = await startSandbox({ ...cli.options, log: (line) => console.error(line) });
  } catch (e) {
    console.error(`sandbox: could not start: ${(e as Error).message}`);
    return 1;
  }
  for (const [key, value] of Object.entries(sandbox.env())) console.log(`${key}=${value}`);
  const o = cli.options;
  console.error(
    `sandbox: serving ${o.tlsCert ? "HTTPS " : ""}on 127.0.0.1:${sandbox.port}, ` +
      `db ${o.db ?? ":memory:"}` +
      (o.demoModules ? `, ${o.demoModules} demo modules` : "") +
      (o.latencyMs || o.failRate || o.dropRate || o.slowCommitRate
        ? `, faults latency=${o.latencyMs ?? 0}ms fail=${o.failRate ?? 0} drop=${o.dropRate ?? 0}` +
          (o.slowCommitRate
            ? ` slow-commit=${o.slowCommitRate} (after ${o.slowCommitMs ?? 1000}ms)`
            : "")
        : "") +
      "; stop with Ctrl-C",
  );
  await new Promise<void>((resolve) => {
    const stop = () => {
      for (const sig of signals) Deno.removeSignalListener(sig, stop);
      resolve();
    };
    const signals: Deno.Signal[] = Deno.build.os === "windows" ? ["SIGINT"] : ["SIGINT", "SIGTERM"];
    for (const sig of signals) Deno.addSignalListener(sig, stop);
  });
  await sandbox.close();
  console.error("sandbox: stopped");
  return 0;
}

if (import.meta.main) Deno.exit(await main(Deno.args));
