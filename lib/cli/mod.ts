/**
 * Helpers shared by the scripts: the typed flag spec and its help, the command shell (flags,
 * help, error → exit code), prompts, paths, shell export lines, sessions, `--timeout`.
 *
 * @example
 * ```ts
 * import { defineFlags, parseFlags } from "./mod.ts";
 * const { flags } = parseFlags(["--modules", "3"], defineFlags({
 *   modules: { type: "number", integer: true, min: 1, default: 50, help: "how many" },
 * }));
 * flags.modules; // 3
 * ```
 *
 * @module
 */
export * from "./flags.ts";
export * from "./command.ts";
export * from "./run.ts";
export * from "./prompt.ts";
export * from "./paths.ts";
export * from "./shell.ts";
export * from "./session.ts";
export * from "./timeout.ts";
export * from "./client.ts";
