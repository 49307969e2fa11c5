/** Test type definitions of the sandbox catalogue, for the unit tests of lib/upload. */
import catalogue from "../../lib/sandbox/catalogue/test_types.json" with { type: "json" };
import type { TestType } from "../../lib/schemas/mod.ts";

/** A pixel MODULE test type of the sandbox catalogue by code. */
export function moduleTestType(code: string): TestType {
  const group = catalogue.testTypes.find((g) => g.project === "P" && g.componentType === "MODULE");
  const found = group?.itemList.find((t) => t.code === code);
  if (!found) throw new Error(`no test type ${code} in the sandbox catalogue`);
  return structuredClone(found) as unknown as TestType;
}
