/**
 * Helpers shared by the scripts: flags, the error-to-exit-code shell, prompts.
 *
 * @module
 */
export * from "./args.ts";
export * from "./run.ts";
export * from "./prompt.ts";
export * from "./paths.ts";
export * from "./shell.ts";
export * from "./session.ts";
export * from "./timeout.ts";
