/**
 * The client's input check ({@link checkInput}: every dtoIn is checked before it is sent), and
 * a dtoIn checked once and kept as its JSON text ({@link CheckedDtoIn}): the client sends that
 * text as it is, so a caller that holds a run as text (a large batch keeps its runs so) needs
 * neither to parse it back into objects nor the client to serialise them again.
 *
 * A {@link CheckedDtoIn} is made only by {@link checkDtoIn}, which runs the check first; the
 * one change it allows afterwards ({@link CheckedDtoIn.with}, e.g. the component the plan
 * resolved) checks the new value by the command's schema. So what is sent as text has passed
 * the same check as any dtoIn the client sends.
 *
 * @module
 */
import type { z } from "zod";
import { InputError } from "../errors.ts";
import { problemFromIssue } from "../schemas/value_words.ts";
import { certainlyValid } from "../schemas/certain.ts";
import { CommandInputs, type CommandName, type InputOf } from "./commands.ts";

/**
 * Checks a dtoIn before sending; every problem by JSON path in one `InputError`. A dtoIn the
 * schema certainly takes as it is (see lib/schemas/certain.ts) is sent as it is.
 *
 * @example
 * ```ts
 * import { checkInput } from "./checked_dtoin.ts";
 * import { CommandInputs } from "./commands.ts";
 * checkInput("getComponent", CommandInputs.getComponent, { component: "20UPGM20000001" });
 * ```
 */
export function checkInput<S extends z.ZodType>(
  command: string,
  schema: S,
  input: unknown,
): z.infer<S> {
  if (certainlyValid(schema, input ?? {})) return (input ?? {}) as z.infer<S>;
  const result = schema.safeParse(input ?? {});
  if (result.success) return result.data as z.infer<S>;
  throw new InputError(
    `${command}: the input is not valid`,
    result.error.issues.map((issue) => problemFromIssue(issue, input ?? {})),
    { hint: "fix the listed keys; nothing was sent" },
  );
}

/** Only {@link checkDtoIn} holds it: no other code makes a {@link CheckedDtoIn}. */
const MAKER = Symbol("checkDtoIn");

/**
 * A dtoIn that passed the client's input check, as the JSON text the client sends for it.
 * Give it to the client's method of its command (e.g. `uploadTestRunResults`).
 */
export class CheckedDtoIn<C extends CommandName = CommandName> {
  /** The command it was checked for. */
  readonly command: C;
  /** The checked dtoIn as JSON (what goes on the wire). */
  readonly text: string;

  /** @internal made by {@link checkDtoIn} only. */
  constructor(maker: symbol, command: C, text: string) {
    if (maker !== MAKER) throw new TypeError("a CheckedDtoIn is made by checkDtoIn only");
    this.command = command;
    this.text = text;
  }

  /**
   * The same dtoIn with its first key (a string, e.g. the component) set to `to` in place of
   * `from`, without parsing the text: checked by the command's schema for that key. Undefined
   * when that cannot be done so (the text does not start with that key and value, the schema is
   * not a plain object, or it does not certainly take `to`): then check the whole dtoIn again.
   *
   * @example
   * ```ts
   * import { checkDtoIn } from "./checked_dtoin.ts";
   * const checked = checkDtoIn("getComponent", { component: "a" });
   * checked.with("component", "a", "b")?.text; // '{"component":"b"}'
   * checked.with("component", "a", ""); // undefined: the schema refuses an empty component
   * ```
   */
  with(key: string, from: string, to: string): CheckedDtoIn<C> | undefined {
    const head = `{${JSON.stringify(key)}:${JSON.stringify(from)}`;
    const next = this.text.charCodeAt(head.length);
    // `,` or `}` after the value: the whole first member was matched.
    if (!this.text.startsWith(head) || (next !== 44 && next !== 125)) return undefined;
    if (to === from) return this;
    const field = fieldSchema(CommandInputs[this.command], key);
    if (field === undefined || !certainlyValid(field, to)) return undefined;
    const text = `{${JSON.stringify(key)}:${JSON.stringify(to)}${this.text.slice(head.length)}`;
    return new CheckedDtoIn(MAKER, this.command, text);
  }
}

/**
 * Runs the client's input check on `input` and keeps the result as JSON text.
 *
 * @throws {InputError} what the client would refuse to send, with every problem by JSON path.
 *
 * @example
 * ```ts
 * import { checkDtoIn } from "./checked_dtoin.ts";
 * checkDtoIn("getComponent", { component: "20UPGM20000001" }).text;
 * // '{"component":"20UPGM20000001"}'
 * ```
 */
export function checkDtoIn<C extends CommandName>(command: C, input: InputOf<C>): CheckedDtoIn<C> {
  const checked = checkInput(command, CommandInputs[command], input);
  return new CheckedDtoIn(MAKER, command, JSON.stringify(checked));
}

/**
 * The schema of one key of an object schema whose keys are checked each on its own (no check
 * of the whole object, and unknown keys kept or dropped, not checked), else undefined.
 */
function fieldSchema(schema: z.ZodType, key: string): z.ZodType | undefined {
  const def = (schema as unknown as {
    _zod: {
      def: {
        type: string;
        checks?: unknown[];
        shape?: Record<string, z.ZodType>;
        catchall?: { _zod: { def: { type: string } } };
      };
    };
  })._zod.def;
  if (def.type !== "object" || (def.checks?.length ?? 0) > 0 || !def.shape) return undefined;
  if (def.catchall !== undefined && def.catchall._zod.def.type !== "unknown") return undefined;
  return Object.hasOwn(def.shape, key) ? def.shape[key] : undefined;
}
