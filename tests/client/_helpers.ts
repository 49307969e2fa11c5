/**
 * Shared set-up of the client tests: a sandbox per test, a client pointed at it with a captured
 * log, and a valid wire-bond upload.
 *
 * @module
 */
import { type Sandbox, type SandboxOptions, startSandbox } from "../../lib/sandbox/mod.ts";
import { type ClientOptions, ItkpdClient } from "../../lib/client/mod.ts";
import { demoSerial } from "../../lib/fixtures/serials.ts";
import type { TestRunUpload } from "../../lib/schemas/test_run.ts";

/** Runs `fn` with a fresh sandbox on port 0 and closes it afterwards. */
export async function withSandbox(
  options: SandboxOptions,
  fn: (sb: Sandbox) => Promise<void>,
): Promise<void> {
  const sb = await startSandbox({ port: 0, db: ":memory:", ...options });
  try {
    await fn(sb);
  } finally {
    await sb.close();
  }
}

/** A client for `sb` whose log lines are captured in `lines` (and not printed). */
export function clientFor(
  sb: Sandbox,
  options: ClientOptions = {},
): { client: ItkpdClient; lines: string[]; warnings: string[] } {
  const lines: string[] = [];
  const warnings: string[] = [];
  const client = new ItkpdClient({
    env: sb.env(),
    logger: (line) => lines.push(line),
    onWarning: (w) => warnings.push(`${w.code} ${w.unsupportedKeys.join(",")}`),
    retryBaseMs: 5,
    ...options,
  });
  return { client, lines, warnings };
}

/** A valid WIREBOND upload for demo module `i` with a distinct run number. */
export function wirebondRun(i: number, runNumber: string): TestRunUpload {
  return {
    component: demoSerial(i),
    testType: "WIREBOND",
    institution: "SANDBOX_A",
    runNumber,
    passed: true,
    problems: false,
    properties: { MACHINE: "DAGE", LOAD: 20, OPERATOR: "tester", SPEED: 250, SHEAR: 0 },
    results: {
      PERCENT_HEEL_BREAKS: 0,
      MEAN_LOAD: 8.7,
      STD_DEV_LOAD: 1.27,
      MAX_LOAD: 11.0,
      MIN_LOAD: 5.58,
    },
  };
}
