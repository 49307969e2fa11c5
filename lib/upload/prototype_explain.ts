/**
 * What every key of a prototype test run means, for the person filling it in: its name, the
 * type and shape of its value, whether it is required, its unit (read from the field's name
 * or description, `[g]`, `[%]`), its physical range where the toolkit knows one
 * (`lib/schemas/ranges.ts`) and the allowed codes of a code table. The JSON itself stays as
 * the original wrote it (uploadable once filled in); this explanation is written beside it as
 * `prototype_<CODE>.md` and printed by `test-prototype --explain`.
 *
 * @module
 */
import { escapeControls } from "../escape.ts";
import {
  codesWords,
  expectedWords,
  type FieldPlace,
  rowColumns,
  rowShapeWords,
  singleWords,
  unitOf,
} from "../schemas/field_shape.ts";
import { FIELD_RANGES, type PhysicalRange } from "../schemas/ranges.ts";
import type { FieldDefinition, TestType } from "../schemas/test_type.ts";

/** One key of a prototype, explained. */
export interface KeyExplanation {
  /** Where it is: `component`, `results.PULL_STRENGTH_DATA`, `results.PULL_STRENGTH_DATA[i][1]`. */
  key: string;
  /** The field's name (or what the key is for). */
  name: string;
  /** What one value is: `a number`, `text`, `one of the codes …`. */
  type: string;
  /** `one value`, `a list of numbers`, `a list of rows [strength, break mode, location]`. */
  shape: string;
  /** True when the upload is refused without it. */
  required: boolean;
  /** Its unit, when the definition (or the range table) gives one. */
  unit?: string;
  /** Its physical range, in words (`0 … 100 %`). */
  range?: string;
  /** The allowed codes of a code table, in words. */
  codes?: string;
  /** The definition's description, when it says more than the name. */
  description?: string;
  /** The key belongs to a row or an object explained on the line above. */
  child?: boolean;
}

/** The top-level keys of every prototype, explained. */
function topLevelKeys(testType: TestType): KeyExplanation[] {
  const one = "one value";
  return [
    {
      key: "component",
      name: "the tested component",
      type: "text: its serial number (e.g. 20UPGM22110394) or component code",
      shape: one,
      required: true,
      description: "null in the prototype: set it, or give --component-id to upload-test-results",
    },
    {
      key: "testType",
      name: "the test type",
      type: `text: ${JSON.stringify(testType.code)}`,
      shape: one,
      required: true,
      description: "already set; leave it",
    },
    {
      key: "institution",
      name: "the institution that made the test",
      type: "text: an institution code",
      shape: one,
      required: true,
      description: "null in the prototype: set it, or give --institution to upload-test-results",
    },
    {
      key: "runNumber",
      name: "the run number",
      type: 'text, e.g. "1"',
      shape: one,
      required: true,
      description: 'replace "0-0": one run number per run of this component and test type',
    },
    {
      key: "date",
      name: "the test date",
      type: "text: a date like 2024-05-17T10:00:00.000Z",
      shape: one,
      required: false,
      description: "not in the prototype: add it when known",
    },
    { key: "passed", name: "the test passed", type: "true or false", shape: one, required: true },
    {
      key: "problems",
      name: "problems were met",
      type: "true or false",
      shape: one,
      required: false,
    },
  ];
}

function rangeWords(range: PhysicalRange | undefined): string | undefined {
  if (!range) return undefined;
  const fmt = (x: number) => x.toLocaleString("en", { maximumFractionDigits: 6 });
  return `${fmt(range.min)} … ${fmt(range.max)}${range.unit ? ` ${range.unit}` : ""}` +
    (range.integer ? ", whole numbers" : "");
}

function fieldKeys(
  def: FieldDefinition,
  key: string,
  place: FieldPlace,
  child: boolean,
): KeyExplanation[] {
  const ranges = place.testType ? FIELD_RANGES[place.testType] ?? {} : {};
  const range = ranges[`${place.section}.${def.code}`];
  const columns = rowColumns(def, place);
  const name = def.name ?? def.code;
  const entry: KeyExplanation = {
    key,
    name,
    type: columns
      ? `rows of ${columns.length} values, one per line below`
      : def.dataType === "codeTable"
      ? "a code"
      : singleWords(def),
    shape: def.valueType !== "array"
      ? "one value"
      : def.dataType === "codeTable"
      ? "a list of codes"
      : expectedWords(def),
    required: def.required === true,
  };
  const unit = unitOf(def) ?? range?.unit;
  if (unit && !columns) entry.unit = unit;
  const r = rangeWords(range);
  if (r) entry.range = r;
  if (def.dataType === "codeTable") entry.codes = codesWords(def);
  if (def.description && def.description !== def.name) entry.description = def.description;
  if (child) entry.child = true;
  const out = [entry];
  if (columns) {
    columns.forEach((c, k) => {
      const col: KeyExplanation = {
        key: `${key}[i][${k}]`,
        name: c.name,
        type: singleWords({ ...def, dataType: c.dataType }),
        shape: `value ${k + 1} of each row ${rowShapeWords(columns)}`,
        required: true,
        child: true,
      };
      if (c.unit) col.unit = c.unit;
      const cr = rangeWords(c.range);
      if (cr) col.range = cr;
      out.push(col);
    });
  }
  if (def.dataType === "compound") {
    const each = def.valueType === "array" ? "[i]" : "";
    for (const c of def.children ?? []) {
      out.push(...fieldKeys(c, `${key}${each}.${c.code}`, place, true));
    }
  }
  return out;
}

/**
 * Every key of the prototype of `testType`, explained (see the module documentation).
 *
 * @example
 * ```ts
 * import { explainPrototype } from "./prototype_explain.ts";
 * const keys = explainPrototype({ id: "1", code: "T", parameters: [
 *   { code: "MEAN", name: "Mean load [g]", dataType: "float", required: true }] });
 * keys.find((k) => k.key === "results.MEAN")?.unit; // "g"
 * ```
 */
export function explainPrototype(testType: TestType): KeyExplanation[] {
  const out = topLevelKeys(testType);
  for (const def of testType.properties ?? []) {
    out.push(...fieldKeys(def, `properties.${def.code}`, {
      testType: testType.code,
      section: "properties",
    }, false));
  }
  for (const def of testType.parameters ?? []) {
    out.push(...fieldKeys(def, `results.${def.code}`, {
      testType: testType.code,
      section: "results",
    }, false));
  }
  return out;
}

/** A table cell of Markdown: one line, `|` escaped, control characters visible. */
function cell(text: string | undefined): string {
  return escapeControls(text ?? "").replaceAll("|", "\\|");
}

/** Options of {@link prototypeMarkdown}. */
export interface ExplainOptions {
  /** The prototype's file name, e.g. `prototype_IV_MEASURE.json`. */
  fileName: string;
  /** How upload-test-results is typed here (`itkpd upload-test-results`). */
  uploadCommand?: string;
}

/**
 * The companion `prototype_<CODE>.md`: how to fill in the JSON beside it, and a table of every
 * key (name, type, shape, required or optional, unit, range, codes).
 *
 * @example
 * ```ts
 * import { prototypeMarkdown } from "./prototype_explain.ts";
 * const md = prototypeMarkdown({ id: "1", code: "T", parameters: [
 *   { code: "MEAN", name: "Mean load [g]", dataType: "float", required: true }] },
 *   { fileName: "prototype_T.json" });
 * md.includes("| `results.MEAN` | Mean load [g] | a number | one value | required | g |"); // true
 * ```
 */
export function prototypeMarkdown(testType: TestType, opts: ExplainOptions): string {
  const upload = opts.uploadCommand ?? "itkpd upload-test-results";
  const title = testType.name ? `${testType.code} (${testType.name})` : testType.code;
  const lines = [
    `# ${cell(opts.fileName)}: how to fill it in`,
    "",
    `Test type ${cell(title)}. Replace every placeholder (\`0.0\`, \`0\`, \`false\`,`,
    '`"some_string"`) by the measured value, in the shape shown; an optional key may be removed',
    "(or set to `null`). Values are in the unit shown. Then check it, and upload it:",
    "",
    "```sh",
    `${upload} --test-file ${opts.fileName} --test`,
    `${upload} --test-file ${opts.fileName}`,
    "```",
    "",
    "| key | name | type | shape | required | unit | range or codes |",
    "| --- | --- | --- | --- | --- | --- | --- |",
  ];
  for (const k of explainPrototype(testType)) {
    const extra = [k.range, k.codes ? `codes: ${k.codes}` : undefined, k.description]
      .filter((x) => x !== undefined).join("; ");
    lines.push(
      `| \`${cell(k.key)}\` | ${cell(k.name)} | ${cell(k.type)} | ${cell(k.shape)} | ` +
        `${k.required ? "required" : "optional"} | ${cell(k.unit)} | ${cell(extra)} |`,
    );
  }
  return lines.join("\n") + "\n";
}

/**
 * The listing `test-prototype --explain` prints: per key one line (key, required or optional,
 * type, shape, unit), then its name, range, codes and description indented below.
 *
 * @example
 * ```ts
 * import { explainListing } from "./prototype_explain.ts";
 * explainListing({ id: "1", code: "T", parameters: [
 *   { code: "N", name: "Pulls", dataType: "integer", required: false }] }).includes(
 *   "results.N  optional  a whole number"); // true
 * ```
 */
export function explainListing(testType: TestType): string {
  const keys = explainPrototype(testType);
  const width = Math.max(...keys.map((k) => k.key.length + (k.child ? 2 : 0)));
  const lines = [`${testType.code}${testType.name ? ` (${testType.name})` : ""}:`];
  for (const k of keys) {
    const key = (k.child ? "  " : "") + k.key;
    const what = k.shape === "one value" ? k.type : k.shape;
    lines.push(
      `  ${key.padEnd(width)}  ${k.required ? "required" : "optional"}  ${what}` +
        (k.unit ? ` [${k.unit}]` : ""),
    );
    const pad = " ".repeat(width + 4);
    const about = [k.name, k.range, k.codes ? `codes: ${k.codes}` : undefined, k.description]
      .filter((x) => x !== undefined);
    lines.push(`${pad}${about.join("; ")}`);
  }
  return escapeControls(lines.join("\n"), { keepNewlines: true });
}
