/**
 * JSON paths as shown in problems (`$.results.CURRENT[3]`): a key that is a plain name is
 * written `.KEY`; any other key (spaces, dots, control characters, …) is written as a quoted,
 * escaped string `["a b"]`, so that a crafted key can neither forge a line nor hide in a path.
 *
 * @module
 */

const PLAIN_KEY = /^[A-Za-z_$][A-Za-z0-9_$-]*$/;

/**
 * One step of a JSON path: `[3]` for an index, `.CODE` for a plain key, `["a b"]` otherwise.
 *
 * @example
 * ```ts
 * import { jsonPathStep } from "./json_path.ts";
 * jsonPathStep("MEAN_LOAD"); // ".MEAN_LOAD"
 * jsonPathStep(2); // "[2]"
 * jsonPathStep("a\nb"); // '["a\\nb"]'
 * ```
 */
export function jsonPathStep(key: PropertyKey): string {
  if (typeof key === "number") return `[${key}]`;
  const k = String(key);
  if (PLAIN_KEY.test(k)) return `.${k}`;
  // JSON.stringify escapes C0 controls and lone surrogates; the rest of the unsafe characters
  // (DEL, C1, bidirectional controls) are written as \u escapes too.
  return `[${
    JSON.stringify(k).replace(
      /[\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029\ufeff]/g,
      (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
    )
  }]`;
}

/** Turns a path (keys and indices) into a JSON-path suffix: `["a", 0]` → `.a[0]`. */
export function jsonPathSuffix(path: readonly PropertyKey[]): string {
  let out = "";
  for (const p of path) out += jsonPathStep(p);
  return out;
}

/** Turns a path (keys and indices) into a full JSON path: `["component"]` → `$.component`. */
export function jsonPath(path: readonly PropertyKey[]): string {
  return "$" + jsonPathSuffix(path);
}
