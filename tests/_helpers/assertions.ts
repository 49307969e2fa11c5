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
 * A file of ../shared/reference (real data made outside the project, never copied into the
 * repo): its path, and whether it is there (tests using it are ignored when it is not).
 */
export function reference(name: string): { path: string; present: boolean } {
  const path = fileURLToPath(new URL(`../../../shared/reference/${name}`, import.meta.url));
  try {
    return { path, present: Deno.statSync(path).isFile };
  } catch {
    return { path, present: false };
  }
}
