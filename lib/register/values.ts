/**
 * Typed input of property values: the text a user types (at a prompt, or in
 * `--property CODE=VALUE`) turned into the JSON value the service takes, or the reason why not.
 *
 * @module
 */
import type { CodeTableEntry, FieldDefinition } from "../schemas/test_type.ts";

/** A parsed value, or why the text is not one. */
export type ValueResult = { ok: true; value: unknown } | { ok: false; reason: string };

const TRUE = new Set(["y", "yes", "true", "1", "t"]);
const FALSE = new Set(["n", "no", "false", "0", "f"]);

/**
 * Parses `text` for a field: `string` as is; `float` and `integer` as numbers; `boolean` from
 * y/n/yes/no/true/false/1/0; `codeTable` from a code, a shown value (any case) or, when the codes
 * are not themselves numbers, the entry's number in the list.
 *
 * @example
 * ```ts
 * import { parsePropertyValue } from "./values.ts";
 * parsePropertyValue({ code: "ROOF", dataType: "boolean" }, "y"); // { ok: true, value: true }
 * parsePropertyValue({ code: "N", dataType: "integer" }, "1.5"); // { ok: false, reason: "…" }
 * ```
 */
export function parsePropertyValue(def: FieldDefinition, text: string): ValueResult {
  const t = text.trim();
  if (def.valueType === "array") return parseArray(def, t);
  switch (def.dataType) {
    case "string":
      return t === "" ? { ok: false, reason: "empty text" } : { ok: true, value: t };
    case "float": {
      const n = Number(t);
      if (t === "" || !Number.isFinite(n)) {
        return { ok: false, reason: `'${t}' is not a number (e.g. 12.5)` };
      }
      return { ok: true, value: n };
    }
    case "integer": {
      const n = Number(t);
      if (t === "" || !Number.isInteger(n) || !/^[+-]?\d+$/.test(t)) {
        return { ok: false, reason: `'${t}' is not an integer (e.g. 7)` };
      }
      return { ok: true, value: n };
    }
    case "boolean": {
      const low = t.toLowerCase();
      if (TRUE.has(low)) return { ok: true, value: true };
      if (FALSE.has(low)) return { ok: true, value: false };
      return { ok: false, reason: `'${t}' is not yes or no (type y or n, true or false, 1 or 0)` };
    }
    case "codeTable": {
      const entry = codeTableEntry(def.codeTable ?? [], t);
      if (entry) return { ok: true, value: entry.code };
      return {
        ok: false,
        reason: `'${t}' is not in the code table (${
          (def.codeTable ?? []).map((e) => e.code).join(", ")
        }; &PRINT lists them)`,
      };
    }
    default:
      try {
        return { ok: true, value: JSON.parse(t) };
      } catch {
        return { ok: false, reason: `a ${def.dataType} value is given as JSON` };
      }
  }
}

function parseArray(def: FieldDefinition, t: string): ValueResult {
  const single = { ...def, valueType: "single" };
  const parts = t.startsWith("[") ? safeJsonArray(t) : t.split(",").map((p) => p.trim());
  if (!parts) return { ok: false, reason: "not a JSON array" };
  const out: unknown[] = [];
  for (const [i, p] of parts.entries()) {
    const r = typeof p === "string"
      ? parsePropertyValue(single, p)
      : { ok: true, value: p } as const;
    if (!r.ok) return { ok: false, reason: `item ${i + 1}: ${r.reason}` };
    out.push(r.value);
  }
  return { ok: true, value: out };
}

function safeJsonArray(t: string): unknown[] | undefined {
  try {
    const v = JSON.parse(t);
    return Array.isArray(v) ? v : undefined;
  } catch {
    return undefined;
  }
}

/** True when the code table's codes look like list numbers (then entries are not numbered). */
function codesAreNumbers(table: readonly CodeTableEntry[]): boolean {
  return table.some((e) => /^\d+$/.test(e.code));
}

/**
 * The entry meant by `text`: its code, else its shown value (any case), else, at a prompt
 * (`byPosition`, the default), its number in the list when the codes are not numbers
 * themselves. A file gives a code or a shown value, never a list number.
 *
 * @example
 * ```ts
 * import { codeTableEntry } from "./values.ts";
 * const table = [{ code: "0", value: "RD53A" }, { code: "3", value: "ITkpix_v2" }];
 * codeTableEntry(table, "itkpix_V2")?.code; // "3"
 * codeTableEntry(table, "3")?.code; // "3"
 * ```
 */
export function codeTableEntry(
  table: readonly CodeTableEntry[],
  text: string,
  options: { byPosition?: boolean } = {},
): CodeTableEntry | undefined {
  const t = text.trim();
  const byCode = table.find((e) => e.code === t) ??
    table.find((e) => e.code.toLowerCase() === t.toLowerCase());
  if (byCode) return byCode;
  const byValue = table.filter((e) => e.value?.toLowerCase() === t.toLowerCase());
  if (byValue.length === 1) return byValue[0];
  if (options.byPosition === false) return undefined;
  if (!codesAreNumbers(table) && /^\d+$/.test(t)) return table[Number(t) - 1];
  return undefined;
}

/**
 * A code-table value of a `--from` file as the service takes it: a code, or an entry's shown
 * value in any case (`"ITkpix_v2"` → `"3"`), as the interactive prompt takes them; a number
 * that is a code (`3`) is that code. Anything else is answered unchanged, for the check to
 * refuse with the codes and their names. A list (an array field) is read element by element.
 *
 * @example
 * ```ts
 * import { codeFromFile } from "./values.ts";
 * const def = { code: "FECHIP_VERSION", dataType: "codeTable",
 *   codeTable: [{ code: "0", value: "RD53A" }, { code: "3", value: "ITkpix_v2" }] };
 * codeFromFile(def, "ITkpix_v2"); // "3"
 * codeFromFile(def, "7"); // "7" (refused by the check)
 * ```
 */
export function codeFromFile(def: FieldDefinition, value: unknown): unknown {
  if (def.dataType !== "codeTable") return value;
  if (def.valueType === "array" && Array.isArray(value)) {
    return value.map((v) => codeFromFile({ ...def, valueType: "single" }, v));
  }
  const text = typeof value === "string"
    ? value
    : typeof value === "number" && Number.isInteger(value)
    ? String(value)
    : undefined;
  if (text === undefined) return value;
  const entry = codeTableEntry(def.codeTable ?? [], text, { byPosition: false });
  if (entry) return entry.code;
  return value;
}

/**
 * The code table as lines: `  1  ITkpix_v1` by code when the codes are numbers, else numbered
 * `  1) A  (shown value)`.
 */
export function formatCodeTable(table: readonly CodeTableEntry[]): string[] {
  if (codesAreNumbers(table)) {
    return table.map((e) => `  ${e.code.padStart(3)}  ${e.value ?? ""}`.trimEnd());
  }
  return table.map((e, i) =>
    `  ${String(i + 1).padStart(2)}) ${e.code}${
      e.value && e.value !== e.code ? `  (${e.value})` : ""
    }`
  );
}

/** What to type for a field, for its prompt: `y/n`, `integer`, `code`, … */
export function inputHint(def: FieldDefinition): string {
  const base = def.dataType === "boolean"
    ? "y/n"
    : def.dataType === "codeTable"
    ? (codesAreNumbers(def.codeTable ?? []) ? "code" : "number or code")
    : def.dataType;
  return def.valueType === "array" ? `list of ${base}, comma-separated` : base;
}

/** A field's definition in words, for `&PRINT`. */
export function describeField(def: FieldDefinition): string[] {
  const lines = [
    `${def.code}${def.name ? ` — ${def.name}` : ""}`,
    `  type: ${def.dataType}${def.valueType === "array" ? " (array)" : ""}, ${
      def.required ? "required" : "optional (&SKIP leaves it empty)"
    }`,
  ];
  if (def.description) lines.push(`  ${def.description}`);
  if (def.dataType === "codeTable") {
    lines.push(
      codesAreNumbers(def.codeTable ?? [])
        ? "  choices (type the code or the name):"
        : "  choices (type the number, the code or the name):",
      ...formatCodeTable(def.codeTable ?? []).map((l) => "  " + l),
    );
  }
  if (def.dataType === "boolean") lines.push("  type y or n (also yes/no, true/false, 1/0)");
  return lines;
}

/** A value as shown to the user (code-table codes with their shown value). */
export function showValue(def: FieldDefinition, value: unknown): string {
  if (def.dataType === "codeTable" && typeof value === "string") {
    const shown = (def.codeTable ?? []).find((e) => e.code === value)?.value;
    return shown ? `${value} (${shown})` : value;
  }
  return JSON.stringify(value);
}
