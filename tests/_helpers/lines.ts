/**
 * Reading a subprocess's output line by line while it runs, to act on a line the moment it
 * appears (SIGSTOP once a plan is printed, SIGKILL once a step starts): tests synchronise on
 * what a program says, never on how long it might take.
 */

/** The lines of a stream as they come, and a way to wait for one. */
export interface LineWatch {
  /** Everything read so far. */
  text(): string;
  /** Resolves with the first line (already read or still to come) matching `re`. */
  line(re: RegExp): Promise<string>;
  /** Resolves with the whole text once the stream has ended. */
  done: Promise<string>;
}

/** Watches `stream` (a child's stdout or stderr), calling `onLine` for each line. */
export function watchLines(
  stream: ReadableStream<Uint8Array>,
  onLine?: (line: string) => void,
): LineWatch {
  const lines: string[] = [];
  const waiters: { re: RegExp; resolve: (line: string) => void; reject: (e: Error) => void }[] = [];
  let ended = false;
  const done = (async () => {
    const decoder = new TextDecoder();
    let rest = "";
    const take = (line: string) => {
      lines.push(line);
      onLine?.(line);
      for (const w of [...waiters]) {
        if (w.re.test(line)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(line);
        }
      }
    };
    for await (const chunk of stream) {
      rest += decoder.decode(chunk, { stream: true });
      const parts = rest.split("\n");
      rest = parts.pop()!;
      for (const p of parts) take(p);
    }
    if (rest) take(rest);
    ended = true;
    for (const w of waiters.splice(0)) {
      w.reject(new Error(`the output ended without a line matching ${w.re}:\n${lines.join("\n")}`));
    }
    return lines.join("\n");
  })();
  return {
    text: () => lines.join("\n"),
    line(re) {
      const seen = lines.find((l) => re.test(l));
      if (seen !== undefined) return Promise.resolve(seen);
      if (ended) {
        return Promise.reject(new Error(`no line matching ${re}:\n${lines.join("\n")}`));
      }
      return new Promise((resolve, reject) => waiters.push({ re, resolve, reject }));
    },
    done,
  };
}
