/**
 * Tests of lib/cli/flags.ts: the typed flag spec — parsing, typed values, errors (one line,
 * exit code 2, did-you-mean), the help text generated from the same declaration.
 */
import assert from "node:assert/strict";
import { resolve } from "node:path";
import { defineFlags, helpText, numberRange, parseFlags } from "../../lib/cli/flags.ts";
import { userCwd } from "../../lib/cli/paths.ts";
import { UsageError } from "../../lib/errors.ts";

const SPEC = defineFlags({
  input: { type: "list", of: "path", required: true, value: "FILE.csv", help: "a file" },
  component: { type: "string", required: true, value: "SERIAL", help: "the module" },
  operator: { type: "string", value: "NAME", help: "who" },
  out: { type: "path", value: "FILE", help: "where" },
  journal: { type: "path", literal: [":memory:"], value: "FILE", help: "the journal" },
  "min-load": { type: "number", min: 0, max: 100, value: "G", help: "a cut" },
  concurrency: { type: "number", integer: true, min: 1, max: 64, default: 8, help: "at once" },
  upload: { type: "boolean", negatable: true, help: "also upload" },
  force: { type: "boolean", help: "replace" },
  "group-by": {
    type: "enum",
    choices: ["label", "grade"],
    default: "label",
    help: "grouping",
  },
  shell: {
    type: "enum",
    choices: ["sh", "powershell"],
    aliases: { bash: "sh", pwsh: "powershell" },
    ignoreCase: true,
    help: "the shell",
  },
  date: { type: "date", value: "D", help: "the test date" },
  state: { type: "list", commas: true, value: "STATE", help: "states" },
});

const BASE = ["--input", "a.csv", "--component", "20UPGM20000001"];

/** The UsageError message of parsing `args`, which must fail. */
function mistake(args: string[]): string {
  try {
    parseFlags(args, SPEC);
  } catch (e) {
    assert.ok(e instanceof UsageError, String(e));
    assert.equal(e.exitCode, 2);
    assert.equal(e.message.split("\n").length, 1, e.message);
    assert.match(e.message, /; see --help$/);
    return e.message;
  }
  assert.fail(`no UsageError for ${args.join(" ")}`);
}

Deno.test("parseFlags: typed values", async (t) => {
  await t.step("defaults, absent flags, booleans false, lists empty", () => {
    const { flags, given, positionals, help } = parseFlags(BASE, SPEC);
    assert.equal(help, false);
    assert.deepEqual(positionals, []);
    assert.deepEqual([...given].sort(), ["component", "input"]);
    assert.deepEqual(flags.input, [resolve(userCwd(), "a.csv")]);
    assert.equal(flags.component, "20UPGM20000001");
    assert.equal(flags.operator, undefined);
    assert.equal(flags.out, undefined);
    assert.equal(flags.minLoad, undefined);
    assert.equal(flags.concurrency, 8);
    assert.equal(flags.upload, false);
    assert.equal(flags.groupBy, "label");
    assert.equal(flags.shell, undefined);
    assert.deepEqual(flags.state, []);
  });

  await t.step("the types follow the declaration (checked by deno check)", () => {
    const { flags } = parseFlags(BASE, SPEC);
    const component: string = flags.component; // required: never undefined
    const concurrency: number = flags.concurrency; // a default: never undefined
    const groupBy: "label" | "grade" = flags.groupBy;
    const upload: boolean = flags.upload;
    const inputs: string[] = flags.input;
    // @ts-expect-error: not required and no default, so it may be undefined
    const operator: string = flags.operator;
    // @ts-expect-error: a number flag is a number
    const minLoad: string | undefined = flags.minLoad;
    // @ts-expect-error: an enum is its choices only
    const shell: "sh" | "zsh" | undefined = flags.shell;
    // @ts-expect-error: no such flag
    flags.nope;
    assert.ok([component, concurrency, groupBy, upload, inputs, operator, minLoad, shell]);
  });

  await t.step("--name value and --name=value; repeated lists in order; commas", () => {
    const { flags, raw } = parseFlags([
      "--input=a.csv",
      "--input",
      "/data/b.csv",
      "--component=X",
      "--min-load=2.5",
      "--concurrency",
      "16",
      "--state",
      "ready, deleted",
      "--state=,other,",
    ], SPEC);
    assert.deepEqual(flags.input, [resolve(userCwd(), "a.csv"), "/data/b.csv"]);
    assert.deepEqual(raw.input, ["a.csv", "/data/b.csv"]);
    assert.equal(flags.minLoad, 2.5);
    assert.equal(flags.concurrency, 16);
    assert.deepEqual(flags.state, ["ready", "deleted", "other"]);
  });

  await t.step("booleans: --x, --no-x (negatable only), the last one wins", () => {
    assert.equal(parseFlags([...BASE, "--upload"], SPEC).flags.upload, true);
    assert.equal(parseFlags([...BASE, "--upload", "--no-upload"], SPEC).flags.upload, false);
    assert.equal(parseFlags([...BASE, "--no-upload", "--upload"], SPEC).flags.upload, true);
    assert.equal(
      mistake([...BASE, "--no-force"]),
      "unknown flag --no-force (--force is off unless given); see --help",
    );
    assert.match(mistake([...BASE, "--force=yes"]), /^--force takes no value \(got 'yes'\)/);
    assert.match(
      mistake([...BASE, "--force", "yes"]),
      /^unexpected argument 'yes' \(--force takes no value\)/,
    );
  });

  await t.step("enums: exact, aliases, any case when asked; else did-you-mean", () => {
    const shell = (v: string) => parseFlags([...BASE, "--shell", v], SPEC).flags.shell;
    assert.equal(shell("sh"), "sh");
    assert.equal(shell("PowerShell"), "powershell");
    assert.equal(shell("bash"), "sh");
    assert.equal(shell("PWSH"), "powershell");
    assert.equal(
      mistake([...BASE, "--shell", "powershel"]),
      "--shell must be sh or powershell, got 'powershel' (did you mean powershell?); see --help",
    );
    assert.equal(
      mistake([...BASE, "--group-by", "lable"]),
      "--group-by must be label or grade, got 'lable' (did you mean label?); see --help",
    );
    // Case matters unless the flag says otherwise.
    assert.match(mistake([...BASE, "--group-by", "Label"]), /did you mean label\?/);
  });

  await t.step("numbers: finite, in range, whole when asked; a negative value is a value", () => {
    assert.equal(
      mistake([...BASE, "--concurrency", "0"]),
      "--concurrency must be an integer from 1 to 64, got '0'; see --help",
    );
    assert.match(mistake([...BASE, "--concurrency", "2.5"]), /an integer from 1 to 64/);
    for (const bad of ["abc", "1e999", "0x10", "", " ", "NaN", "Infinity"]) {
      assert.match(mistake([...BASE, `--min-load=${bad}`]), /^--min-load (must be|needs a value)/);
    }
    assert.equal(
      mistake([...BASE, "--min-load", "-1"]),
      "--min-load must be a number from 0 to 100, got '-1'; see --help",
    );
    assert.equal(parseFlags([...BASE, "--min-load", "1e1"], SPEC).flags.minLoad, 10);
    assert.equal(numberRange({ min: 0.1 }), "a number ≥ 0.1");
    assert.equal(numberRange({ max: 5, integer: true }), "an integer ≤ 5");
  });

  await t.step("values starting with a dash: --x=-y, else a one-line hint", () => {
    assert.equal(parseFlags([...BASE, "--operator=-me"], SPEC).flags.operator, "-me");
    assert.equal(
      mistake([...BASE, "--operator", "--force"]),
      '--operator needs a value (NAME); for one starting with "-", write --operator=--force; ' +
        "see --help",
    );
    assert.equal(mistake([...BASE, "--operator"]), "--operator needs a value (NAME); see --help");
  });

  await t.step("paths: absolute against the user's folder; literals kept", () => {
    const { flags } = parseFlags([...BASE, "--out", "x/y.json", "--journal", ":memory:"], SPEC);
    assert.equal(flags.out, resolve(userCwd(), "x/y.json"));
    assert.equal(flags.journal, ":memory:");
    assert.equal(
      mistake([...BASE, "--journal", ""]),
      "--journal needs a value (FILE), got an empty one; see --help",
    );
  });

  await t.step("dates: real calendar dates only", () => {
    const { flags } = parseFlags([...BASE, "--date", "2018-10-09T14:05"], SPEC);
    assert.deepEqual(flags.date, {
      parts: { year: 2018, month: 10, day: 9, hour: 14, minute: 5, second: 0 },
      from: "--date",
    });
    assert.match(mistake([...BASE, "--date", "2018-02-31"]), /^--date: "2018-02-31" is not a real/);
  });

  await t.step("required flags, unknown flags, stray words, one value given twice", () => {
    assert.equal(mistake(["--component", "X"]), "--input FILE.csv is required; see --help");
    assert.equal(mistake(["--input", "a.csv"]), "--component SERIAL is required; see --help");
    assert.equal(
      mistake([...BASE, "--componnet", "X"]),
      "unknown flag --componnet (did you mean --component?); see --help",
    );
    assert.equal(mistake([...BASE, "--zzzzzz"]), "unknown flag --zzzzzz; see --help");
    assert.equal(mistake([...BASE, "-x"]), "unknown flag -x; see --help");
    assert.equal(mistake([...BASE, "stray"]), "unexpected argument 'stray'; see --help");
    assert.equal(mistake([...BASE, "--", "stray"]), "unexpected argument 'stray'; see --help");
    assert.equal(
      mistake([...BASE, "--component", "Y"]),
      "--component given 2 times ('20UPGM20000001', 'Y'); give it once; see --help",
    );
    // The same value twice is no contradiction.
    assert.equal(
      parseFlags([...BASE, "--component", "20UPGM20000001"], SPEC).flags.component,
      "20UPGM20000001",
    );
  });

  await t.step("--help anywhere wins over every other mistake; after -- it is a word", () => {
    assert.equal(parseFlags(["--bogus", "--help"], SPEC).help, true);
    assert.equal(parseFlags(["-h"], SPEC).help, true);
    const after = parseFlags([...BASE, "--", "--help"], SPEC, { positionals: true });
    assert.equal(after.help, false);
    assert.deepEqual(after.positionals, ["--help"]);
  });

  await t.step("positionals when the command takes them", () => {
    const p = parseFlags([...BASE, "a.ipynb", "--force", "b.ipynb"], SPEC, { positionals: true });
    assert.deepEqual(p.positionals, ["a.ipynb", "b.ipynb"]);
    assert.equal(p.flags.force, true);
  });
});

Deno.test("helpText: generated from the declaration", () => {
  const text = helpText(SPEC, {
    program: "itkpd upload-wirebond-results",
    description: "Reads files.",
    epilog: "Exit codes: 0 ok.",
  });
  const lines = text.split("\n");
  assert.equal(
    lines[0],
    "Usage: itkpd upload-wirebond-results --input FILE.csv --component SERIAL [options]",
  );
  assert.equal(lines[2], "Reads files.");
  assert.ok(lines.includes("Options:"));
  assert.ok(lines.includes("  --input FILE.csv     a file"), text);
  assert.ok(lines.includes("  --[no-]upload        also upload"), text);
  assert.ok(lines.includes("  --group-by label|grade"), text); // too long: help on the next line
  assert.ok(lines.includes("                       grouping"), text);
  assert.ok(lines.includes("  -h, --help           show this help"), text);
  assert.equal(lines.at(-1), "Exit codes: 0 ok.");
  // Every flag is in the help.
  for (const name of Object.keys(SPEC)) assert.match(text, new RegExp(`--(\\[no-\\])?${name}\\b`));
});
