import assert from "node:assert/strict";
import { inKernel, kernel } from "../../lib/display/kernel.ts";

Deno.test("outside the kernel: no kernel, and reading Deno.jupyter does not throw here", () => {
  assert.equal(kernel(), undefined);
  assert.equal(inKernel(), false);
});
