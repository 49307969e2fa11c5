/** Shared set-up of the batch tests: a sandbox, generated module files, and run counting. */
import { ItkpdClient } from "../../lib/client/mod.ts";
import { startSandbox } from "../../lib/sandbox/mod.ts";
import type { Sandbox, SandboxOptions } from "../../lib/sandbox/mod.ts";
import { writeDageFixtures } from "../../lib/fixtures/mod.ts";
import { taskArgs } from "../_helpers/task.ts";
import { type LineWatch, watchLines } from "../_helpers/lines.ts";

/** A sandbox, a client on it, and a temp folder; `close()` ends them all. */
export interface BatchWorld {
  sandbox: Sandbox;
  client: ItkpdClient;
  dir: string;
  close(): Promise<void>;
}

/** Starts a sandbox with `modules` demo modules and writes their DAGE files to a temp dir. */
export async function batchWorld(
  modules: number,
  opts: SandboxOptions & { files?: number; variations?: boolean; seed?: number } = {},
): Promise<BatchWorld> {
  const sandbox = await startSandbox({ port: 0, demoModules: modules, ...opts });
  const dir = await Deno.makeTempDir({ prefix: "itkpd-batch-" });
  await writeDageFixtures(dir, {
    modules: opts.files ?? modules,
    seed: opts.seed ?? 7,
    variations: opts.variations,
  });
  const client = new ItkpdClient({ env: sandbox.env(), retryBaseMs: 20 });
  return {
    sandbox,
    client,
    dir,
    async close() {
      client.close();
      await sandbox.close();
      await Deno.remove(dir, { recursive: true });
    },
  };
}

/** Stored runs of a test type per component serial (ready runs only), read from the server. */
export async function runsPerComponent(
  client: ItkpdClient,
  testType = "WIREBOND_PULL_TEST",
): Promise<Map<string, string[]>> {
  const runs = await client.listTestRunsByTestType({
    project: "P",
    componentType: "MODULE",
    testType,
    state: ["ready"],
  }, { pageSize: 3000 });
  const out = new Map<string, string[]>();
  for (const r of runs) {
    for (const c of r.components ?? []) {
      const serial = (c as { serialNumber?: string }).serialNumber ?? c.code;
      out.set(serial, [...(out.get(serial) ?? []), String(r.runNumber)]);
    }
  }
  return out;
}

/** Checks that each of the first `n` demo modules has exactly one run, and nobody else has. */
export function exactlyOneEach(runs: Map<string, string[]>, serials: string[]): string[] {
  const problems: string[] = [];
  for (const s of serials) {
    const n = runs.get(s)?.length ?? 0;
    if (n !== 1) problems.push(`${s}: ${n} runs`);
  }
  for (const [s, list] of runs) {
    if (!serials.includes(s)) problems.push(`${s}: unexpected ${list.length} runs`);
  }
  return problems;
}

/** A `deno task batch-upload` subprocess whose output is watched line by line. */
export interface BatchProcess {
  child: Deno.ChildProcess;
  stdout: LineWatch;
  stderr: LineWatch;
  /** Exit status, once it ended. */
  status: Promise<Deno.CommandStatus>;
}

/**
 * `deno task batch-upload --dir DIR --institution SANDBOX_A --quiet ARGS` with the task's exact
 * flags, against the sandbox of `env` (stdout and stderr piped): spawn it, or take its output.
 */
export function batchCommand(
  env: Record<string, string>,
  dir: string,
  args: string[] = [],
): Deno.Command {
  return new Deno.Command(Deno.execPath(), {
    args: [
      ...taskArgs("batch-upload"),
      "--dir",
      dir,
      "--institution",
      "SANDBOX_A",
      "--quiet",
      ...args,
    ],
    cwd: new URL("../../", import.meta.url).pathname,
    env: { ...env, NO_COLOR: "1", PATH: Deno.env.get("PATH") ?? "", INIT_CWD: dir },
    clearEnv: true,
    stdout: "piped",
    stderr: "piped",
  });
}

/** Starts {@link batchCommand}, its output watched line by line. */
export function startBatch(
  env: Record<string, string>,
  dir: string,
  args: string[] = [],
): BatchProcess {
  const child = batchCommand(env, dir, args).spawn();
  return {
    child,
    stdout: watchLines(child.stdout),
    stderr: watchLines(child.stderr),
    status: child.status,
  };
}

/** Ready and deleted runs of a test type per component serial, read from the server. */
export async function runStates(
  client: ItkpdClient,
  testType = "WIREBOND_PULL_TEST",
): Promise<{ ready: Map<string, string[]>; deleted: number }> {
  const runs = await client.listTestRunsByTestType({
    project: "P",
    componentType: "MODULE",
    testType,
    state: ["ready", "deleted"],
  }, { pageSize: 3000 });
  const ready = new Map<string, string[]>();
  let deleted = 0;
  for (const r of runs) {
    if (r.state === "deleted") {
      deleted++;
      continue;
    }
    for (const c of r.components ?? []) {
      const serial = (c as { serialNumber?: string }).serialNumber ?? c.code;
      ready.set(serial, [...(ready.get(serial) ?? []), r.id]);
    }
  }
  return { ready, deleted };
}
