/** Identifiers of the sandbox (lib/sandbox/ids.ts): the service's shapes, random parts. */
import assert from "node:assert/strict";
import { newComponentCode, newObjectId, randomHex } from "../../lib/sandbox/ids.ts";

Deno.test("ids: object ids are 24 hex (time, then random), component codes 32 hex", () => {
  const at = new Date("2026-11-29T12:00:00Z");
  const id = newObjectId(at);
  assert.match(id, /^[0-9a-f]{24}$/);
  assert.equal(parseInt(id.slice(0, 8), 16), at.getTime() / 1000);
  assert.match(newComponentCode(), /^[0-9a-f]{32}$/);
  assert.notEqual(newComponentCode(), newComponentCode());
});

Deno.test("ids: randomHex writes each byte as two digits, every digit in use", () => {
  const seen = new Set<string>();
  for (let i = 0; i < 200; i++) {
    const hex = randomHex(8);
    assert.match(hex, /^[0-9a-f]{16}$/);
    for (const c of hex) seen.add(c);
  }
  assert.equal(seen.size, 16);
  assert.equal(randomHex(0), "");
});
