/**
 * Parsers: pure functions from text to records plus diagnostics (`file:line`).
 *
 * ```ts
 * import { parseDage, parseIv } from "./mod.ts";
 * const dage = parseDage('"LOADUNIT","g"\n"TEST",1,"1",10.5,0.02,"0","r1 20g"\n', "w.csv");
 * const iv = parseIv("U[V] Imean[uA]\n-2.0 -0.1\n", "iv.txt");
 * console.log(dage.tests.length, iv.voltage.length);
 * ```
 *
 * @module
 */
export * from "./dage.ts";
export * from "./dage_types.ts";
export * from "./iv.ts";
export * from "./units.ts";
