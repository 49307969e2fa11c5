/**
 * Registering components (step 2 of the original pixel-module scripts) as a library: the
 * interactive flow (choices, typed property input, escape codes) driven by any line source, and
 * the non-interactive form (JSON documents or flags checked against the catalogue, then
 * registered one by one).
 *
 * @example
 * ```ts ignore
 * import { ArrayLineSource } from "../cli/prompt.ts";
 * import { ItkpdClient } from "../client/mod.ts";
 * import { checkRequests, registerChecked, registerInteractively, RegistrationCatalogue } from "./mod.ts";
 *
 * const client = new ItkpdClient();
 * // Interactive, answers from a list (a notebook):
 * const input = new ArrayLineSource(["SANDBOX_A", "MODULE", "OUTER_SYSTEM_QUAD_MODULE", "PG", "",
 *   "0000001", "y", "1", "&SKIP", "&SKIP", "&SKIP", "&SKIP", "&SKIP", "y", "n"]);
 * await registerInteractively(client, { input });
 * // Many at once:
 * const catalogue = await RegistrationCatalogue.load(client);
 * const checked = await checkRequests(catalogue, [{ institution: "SANDBOX_A", componentType: "MODULE",
 *   type: "OUTER_SYSTEM_QUAD_MODULE", subproject: "PG", serialNumber: "0000002",
 *   properties: { ORIENTATION: true, FECHIP_VERSION: "1" } }]);
 * for (const o of await registerChecked(client, checked)) console.log(o.line);
 * client.close();
 * ```
 *
 * @module
 */
export * from "./catalogue.ts";
export * from "./serial.ts";
export * from "./values.ts";
export * from "./escapes.ts";
export * from "./conversation.ts";
export * from "./register.ts";
export * from "./request.ts";
export * from "./interactive.ts";
export * from "./register_many.ts";
