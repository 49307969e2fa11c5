import assert from "node:assert/strict";
import { fileWriter } from "../../lib/display/writer.ts";

Deno.test("fileWriter writes every byte, however few each writeSync takes", () => {
  const got: number[] = [];
  // A file that takes at most 3 bytes per call, as a pipe may.
  const file = {
    writeSync(p: Uint8Array): number {
      const n = Math.min(3, p.length);
      got.push(...p.subarray(0, n));
      return n;
    },
  };
  fileWriter(file).write("upload 42/100 · ok 40");
  assert.equal(new TextDecoder().decode(new Uint8Array(got)), "upload 42/100 · ok 40");
});
