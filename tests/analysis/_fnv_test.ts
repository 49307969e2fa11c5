/** Tests of lib/analysis/_fnv.ts: FNV-1a (32 bit) against the published test vectors. */
import assert from "node:assert/strict";
import { fnv1a, FNV_OFFSET, hashHex } from "../../lib/analysis/_fnv.ts";

Deno.test("fnv1a: the published FNV-1a 32-bit vectors", () => {
  // From the FNV reference test suite (fnv1a32 of "", "a", "foobar").
  assert.equal(hashHex(fnv1a(FNV_OFFSET, "")), "811c9dc5");
  assert.equal(hashHex(fnv1a(FNV_OFFSET, "a")), "e40c292c");
  assert.equal(hashHex(fnv1a(FNV_OFFSET, "foobar")), "bf9cf968");
  // Continuing from a hash is hashing the concatenation.
  assert.equal(fnv1a(fnv1a(FNV_OFFSET, "foo"), "bar"), fnv1a(FNV_OFFSET, "foobar"));
});
