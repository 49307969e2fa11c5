/**
 * The modules a Deno process evaluated, read from its debug log (`DENO_LOG=debug`: one
 * "… for ES module: <url>" line per module, whether its V8 code cache was hit or written).
 * Deno is pinned (deno.json's set-up line), and each test using this also checks that a
 * module it knows is loaded shows up, so a change of the log's wording fails loudly.
 */

/** The URLs of the modules evaluated, from the stderr of a run with `DENO_LOG=debug`. */
export function loadedModules(stderr: string): Set<string> {
  const out = new Set<string>();
  for (const m of stderr.matchAll(/ for ES module: (\S+?),? \[/g)) out.add(m[1]);
  return out;
}

/** The npm packages among `modules` (`zod@4.6.7`, …). */
export function loadedPackages(modules: Iterable<string>): Set<string> {
  const out = new Set<string>();
  for (const url of modules) {
    const m = /node_modules\/\.deno\/((?:@[^/+]+\+)?[^/@]+@[^/]+)\//.exec(url);
    if (m) out.add(m[1].replace("+", "/"));
  }
  return out;
}
