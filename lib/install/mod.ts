/**
 * The installed `itkpd` command: the steps read from `deno.json`'s tasks, the POSIX sh launcher
 * generated from them, and its installation into Deno's global bin folder.
 *
 * @example
 * ```ts
 * import { binFolder, SUBCOMMANDS } from "./mod.ts";
 * binFolder({ HOME: "/home/ann" }); // "/home/ann/.deno/bin"
 * SUBCOMMANDS.includes("upload-wirebond-results"); // true
 * ```
 *
 * @module
 */
export * from "./tasks.ts";
export * from "./launcher.ts";
export * from "./install.ts";
