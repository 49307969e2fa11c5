/** Assertions and look-ups shared by the script tests. */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import type { TaskResult } from "./task.ts";

/** The script ended with `code` and exactly one line on stderr, no stack trace. */
export function assertOneLine(r: TaskResult, code: number): void {
  assert.equal(r.code, code, r.stderr);
  assert.equal(r.stderr.trim().split("\n").length, 1, r.stderr);
  assert.doesNotMatch(r.stderr, /\n\s+at /);
}

/** The id of the `testRun <id>` line a step prints after an upload. */
export function idOf(r: TaskResult): string {
  const id = /^testRun (\S+)$/m.exec(r.stdout)?.[1];
  assert.ok(id, `no testRun line in:\n${r.stdout}\n${r.stderr}`);
  return id;
}

/**
 * The path of a file of fixtures/reference (real sample data made outside the project, copied
 * into the repo; see fixtures/reference/README.md). Fails loudly when the file is missing: a
 * test needing reference data never skips.
 */
export function reference(name: string): string {
  const path = fileURLToPath(new URL(`../../fixtures/reference/${name}`, import.meta.url));
  assert.ok(Deno.statSync(path).isFile, `${path} is not a file`);
  return path;
}
