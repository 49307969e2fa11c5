/**
 * Small measuring tools of the benchmark: run a command and time it, follow a process's peak
 * resident memory (Linux /proc), and format figures.
 *
 * @module
 */

/** Runs a command to its end; resolves to its duration and output. Rejects on a non-zero exit. */
export async function timed(
  cmd: string,
  args: string[],
  opts: { env?: Record<string, string>; cwd?: string; sampleRss?: boolean } = {},
): Promise<{ seconds: number; stdout: string; stderr: string; peakRssMb?: number }> {
  const started = performance.now();
  const child = new Deno.Command(cmd, {
    args,
    cwd: opts.cwd,
    env: opts.env,
    clearEnv: opts.env !== undefined,
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let peakKb = 0;
  let sampling = opts.sampleRss ?? false;
  const sampler = (async () => {
    while (sampling) {
      peakKb = Math.max(peakKb, (await readPeakRssKb(child.pid)) ?? 0);
      await new Promise((r) => setTimeout(r, 20));
    }
  })();
  const out = await child.output();
  sampling = false;
  await sampler;
  const seconds = (performance.now() - started) / 1000;
  const dec = new TextDecoder();
  const result = {
    seconds,
    stdout: dec.decode(out.stdout),
    stderr: dec.decode(out.stderr),
    peakRssMb: opts.sampleRss ? peakKb / 1024 : undefined,
  };
  if (out.code !== 0) {
    throw new Error(`${cmd} ${args.join(" ")} exited with ${out.code}:\n${result.stderr}`);
  }
  return result;
}

/**
 * The peak resident set size (VmHWM) of a process in KiB, undefined once it is gone. Read with
 * `cat /proc/<pid>/status`: Deno lets a program read /proc itself only with --allow-all, while
 * running `cat` needs just --allow-run.
 */
export async function readPeakRssKb(pid: number): Promise<number | undefined> {
  try {
    const out = await new Deno.Command("cat", {
      args: [`/proc/${pid}/status`],
      stdout: "piped",
      stderr: "null",
    }).output();
    const m = /VmHWM:\s+(\d+) kB/.exec(new TextDecoder().decode(out.stdout));
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

/** A number with `digits` decimals. */
export function fixed(n: number, digits = 1): string {
  return Number.isFinite(n) ? n.toFixed(digits) : String(n);
}
