/**
 * Small measuring tools of the benchmark: run a command and time it, take its own CPU time and
 * follow its peak resident memory (Linux /proc), and format figures.
 *
 * @module
 */

/** What {@link timed} measured of a command. */
export interface Timed {
  seconds: number;
  stdout: string;
  stderr: string;
  /** Peak resident memory of the command's process, in MB (with `sampleRss`). */
  peakRssMb?: number;
  /** CPU time (user + system) of the command's process and its threads, in s (with `cpu`). */
  cpuSeconds?: number;
}

/**
 * Runs the command, then prints its own CPU time as the kernel counts it for a child the shell
 * waited for (`/proc/<shell>/stat`: cutime + cstime, in clock ticks): the time of the command's
 * process alone, whatever else runs on the machine. The command's pid is printed first (for
 * following its memory).
 */
const CPU_WRAPPER = `"$@" &
pid=$!
echo "itkpd-bench-pid $pid" >&2
wait "$pid"
code=$?
read -r stat < /proc/$$/stat
set -- \${stat##*) }
echo "itkpd-bench-cpu $((\${14} + \${15})) $(getconf CLK_TCK)" >&2
exit $code`;

/**
 * Runs a command to its end; resolves to its duration and output. Rejects on a non-zero exit.
 * `cpu`: also its CPU time (Linux: through `/bin/sh` and `/proc`); `sampleRss`: its peak memory.
 */
export async function timed(
  cmd: string,
  args: string[],
  opts: { env?: Record<string, string>; cwd?: string; sampleRss?: boolean; cpu?: boolean } = {},
): Promise<Timed> {
  const started = performance.now();
  const wrapped = opts.cpu === true;
  const child = new Deno.Command(wrapped ? "/bin/sh" : cmd, {
    args: wrapped ? ["-c", CPU_WRAPPER, "sh", cmd, ...args] : args,
    cwd: opts.cwd,
    env: opts.env,
    clearEnv: opts.env !== undefined,
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let pid: number | undefined = wrapped ? undefined : child.pid;
  let peakKb = 0;
  let sampling = opts.sampleRss ?? false;
  const sampler = (async () => {
    while (sampling) {
      if (pid !== undefined) peakKb = Math.max(peakKb, (await readPeakRssKb(pid)) ?? 0);
      await new Promise((r) => setTimeout(r, 20));
    }
  })();
  let cpuSeconds: number | undefined;
  const errLines: string[] = [];
  const readErr = (async () => {
    let rest = "";
    for await (const chunk of child.stderr.pipeThrough(new TextDecoderStream())) {
      rest += chunk;
      let at;
      while ((at = rest.indexOf("\n")) !== -1) {
        const line = rest.slice(0, at);
        rest = rest.slice(at + 1);
        const started = /^itkpd-bench-pid (\d+)$/.exec(line);
        const cpu = /^itkpd-bench-cpu (\d+) (\d+)$/.exec(line);
        if (wrapped && started) pid = Number(started[1]);
        else if (wrapped && cpu) cpuSeconds = Number(cpu[1]) / Number(cpu[2]);
        else errLines.push(line);
      }
    }
    if (rest) errLines.push(rest);
  })();
  const stdout = new Response(child.stdout).text();
  const status = await child.status;
  sampling = false;
  await Promise.all([sampler, readErr]);
  const seconds = (performance.now() - started) / 1000;
  const result: Timed = {
    seconds,
    stdout: await stdout,
    stderr: errLines.join("\n"),
    peakRssMb: opts.sampleRss ? peakKb / 1024 : undefined,
    cpuSeconds,
  };
  if (status.code !== 0) {
    throw new Error(`${cmd} ${args.join(" ")} exited with ${status.code}:\n${result.stderr}`);
  }
  if (wrapped && cpuSeconds === undefined) {
    throw new Error(`${cmd}: its CPU time could not be read (/proc and /bin/sh are needed)`);
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
