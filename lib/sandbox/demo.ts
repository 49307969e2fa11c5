/**
 * Demo modules: N pixel modules with serials `demoSerial(1..N)` registered at SANDBOX_A, so a
 * fresh sandbox has something to upload to. Idempotent: serials already present are skipped.
 *
 * @module
 */
import { demoSerial } from "../fixtures/serials.ts";
import type { TokenUser } from "./auth.ts";
import type { Catalogue } from "./catalogue.ts";
import { componentDoc } from "./documents.ts";
import type { Store } from "./store.ts";

/** Institution of the demo modules. */
const DEMO_INSTITUTION = "SANDBOX_A";
/** Type of the demo modules (serial identifier M2, subproject PG). */
const DEMO_TYPE = "OUTER_SYSTEM_QUAD_MODULE";

const DEMO_USER: TokenUser = { sub: "sandbox-demo", name: "Sandbox Demo" };

/** Registers demo modules 1..n that are not there yet; returns how many were added. */
export function registerDemoModules(store: Store, catalogue: Catalogue, n: number): number {
  if (n <= 0) return 0;
  const ct = catalogue.componentType("P", "MODULE")!;
  const variant = ct.types.find((t) => t.code === DEMO_TYPE)!;
  const subproject = variant.subprojects.find((s) => s.code === "PG")!;
  const institution = catalogue.institution(DEMO_INSTITUTION)!;
  const stage = catalogue.initialStage(ct);
  return store.transaction(() => {
    let added = 0;
    for (let i = 1; i <= n; i++) {
      const serial = demoSerial(i);
      if (store.serialExists(serial)) continue;
      const doc = componentDoc({
        componentType: ct,
        variant,
        subproject,
        institution,
        stage,
        serialNumber: serial,
        properties: { ORIENTATION: true, FECHIP_VERSION: "2", ROOF: false },
        user: DEMO_USER,
      });
      store.insertComponent(doc, {
        project: ct.project,
        componentType: ct.code,
        type: variant.code,
        institution: institution.code,
      });
      added++;
    }
    return added;
  });
}
