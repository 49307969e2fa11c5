/**
 * The prompts of the interactive registration: questions on one stream, answers from a
 * {@link LineSource} (stdin in the scripts, an `ArrayLineSource` in a notebook or a test),
 * numbered choices, yes/no, and cancellation (`&CANCEL` or end of input) as an error.
 *
 * @module
 */
import { type LineSource, StreamLineSource, writeErr } from "../cli/prompt.ts";
import { InputError, ItkpdError } from "../errors.ts";
import { escapeOf, looksLikeEscape } from "./escapes.ts";

/** Where the conversation reads and writes. */
export interface RegisterIO {
  /** The answers, one line each (stdin in the scripts; an `ArrayLineSource` in a notebook). */
  input: LineSource;
  /** Prompts and messages (default: stderr). */
  write?: (text: string) => void;
  /** One line per registered component, for other programs (default: stdout). */
  print?: (line: string) => void;
  /** Echo each answer after its prompt, for a readable transcript (default: when the answers
   * do not come from a terminal, which echoes them itself). */
  echo?: boolean;
}

/** One thing a registration outcome reports (the component, or the reason it is not there). */
export interface RegisteredSummary {
  code: string;
  serialNumber: string | null;
}

/** The user stopped (`&CANCEL`) or the input ended: the component asked about is not registered. */
export class RegistrationCancelled extends ItkpdError {
  /** Components registered earlier in the same session (before the one cancelled). */
  readonly registered: RegisteredSummary[];
  /** True when the input ended rather than `&CANCEL` being typed. */
  readonly endOfInput: boolean;
  constructor(endOfInput: boolean, registered: RegisteredSummary[] = []) {
    const before = registered.length
      ? ` (registered earlier in this session: ${
        registered.map((r) => r.serialNumber ?? r.code).join(", ")
      })`
      : "";
    super(`cancelled${endOfInput ? " (end of input)" : ""}, nothing registered${before}`);
    this.name = "RegistrationCancelled";
    this.registered = registered;
    this.endOfInput = endOfInput;
  }
}

/** A choice offered to the user: the `code` typed (or its number), shown with `label`. */
export interface Choice<T> {
  code: string;
  label?: string;
  value: T;
}

/**
 * The choice an answer means: its code (any case), its number in the list, or the only code
 * that starts with it. A code that is itself a number wins over a list number.
 *
 * @example
 * ```ts
 * import { resolveChoice } from "./conversation.ts";
 * const choices = [{ code: "PG", value: 1 }, { code: "PB", value: 2 }];
 * resolveChoice(choices, "2")?.code; // "PB"
 * resolveChoice(choices, "pg")?.code; // "PG"
 * ```
 */
export function resolveChoice<T>(
  choices: readonly Choice<T>[],
  answer: string,
): Choice<T> | undefined {
  const t = answer.trim();
  if (t === "") return undefined;
  const exact = choices.find((c) => c.code === t) ??
    choices.find((c) => c.code.toLowerCase() === t.toLowerCase());
  if (exact) return exact;
  if (/^\d+$/.test(t)) return choices[Number(t) - 1];
  const prefixed = choices.filter((c) => c.code.toLowerCase().startsWith(t.toLowerCase()));
  return prefixed.length === 1 ? prefixed[0] : undefined;
}

/** Options of {@link Conversation.choose}. */
export interface ChooseOptions<T> {
  /** Answers `&JSON`: the JSON so far. */
  onJson?: () => string;
  /** The choice an empty answer takes (a default, shown as `Enter = CODE`). */
  fallback?: Choice<T>;
}

/** Numbered lines of choices: `   1) SANDBOX_A  Sandbox Institute A`. */
function formatChoices<T>(choices: readonly Choice<T>[]): string[] {
  const width = Math.max(...choices.map((c) => c.code.length));
  return choices.map((c, i) =>
    `  ${String(i + 1).padStart(2)}) ${c.label ? `${c.code.padEnd(width)}  ${c.label}` : c.code}`
  );
}

/** Questions and answers. */
export class Conversation {
  readonly #input: LineSource;
  readonly #write: (text: string) => void;
  readonly #print: (line: string) => void;
  readonly #echo: boolean;

  constructor(io: RegisterIO) {
    this.#input = io.input;
    this.#write = io.write ?? writeErr;
    this.#print = io.print ?? ((line) => console.log(line));
    this.#echo = io.echo ??
      !(io.input instanceof StreamLineSource && Deno.stdin.isTerminal());
  }

  /** Writes a message line. */
  say(line = ""): void {
    this.#write(line + "\n");
  }

  /** Writes a result line (stdout in the scripts). */
  print(line: string): void {
    this.#print(line);
  }

  /**
   * Asks and answers the trimmed line. `&CANCEL` and the end of input throw
   * {@link RegistrationCancelled}; other escape codes are returned for the caller.
   */
  async ask(question: string): Promise<string> {
    this.#write(question);
    const line = await this.#input.readLine();
    if (line === null) {
      this.#write("\n");
      throw new RegistrationCancelled(true);
    }
    if (this.#echo) this.#write(line + "\n");
    const answer = line.trim();
    if (escapeOf(answer) === "&CANCEL") throw new RegistrationCancelled(false);
    return answer;
  }

  /** Asks y/n until the answer is one. */
  async askYesNo(question: string): Promise<boolean> {
    while (true) {
      const a = (await this.ask(`${question} [y/n]: `)).toLowerCase();
      if (a === "y" || a === "yes") return true;
      if (a === "n" || a === "no") return false;
      this.say("please answer y or n (or &CANCEL)");
    }
  }

  /**
   * Asks to choose one of `choices`. A single choice is taken and said
   * (`institution: SANDBOX_A (only choice)`); none is an {@link InputError}.
   * `onJson` answers `&JSON` (the JSON so far); `fallback` is taken for an empty answer.
   */
  async choose<T>(
    what: string,
    choices: readonly Choice<T>[],
    opts: ChooseOptions<T> = {},
  ): Promise<Choice<T>> {
    return (await this.#choose(what, choices, opts, false))!;
  }

  /**
   * {@link choose}, where `&BACK` answers `undefined`: the caller goes back to its previous
   * question.
   */
  chooseOrBack<T>(
    what: string,
    choices: readonly Choice<T>[],
    opts: ChooseOptions<T> = {},
  ): Promise<Choice<T> | undefined> {
    return this.#choose(what, choices, opts, true);
  }

  async #choose<T>(
    what: string,
    choices: readonly Choice<T>[],
    opts: ChooseOptions<T>,
    back: boolean,
  ): Promise<Choice<T> | undefined> {
    if (choices.length === 0) throw new InputError(`there is no ${what} to choose from`);
    if (choices.length === 1) {
      const only = choices[0];
      this.say(`${what}: ${only.code}${only.label ? ` — ${only.label}` : ""} (only choice)`);
      return only;
    }
    this.say(`${what}:`);
    for (const line of formatChoices(choices)) this.say(line);
    const range = `1-${choices.length} or code${
      opts.fallback ? `, Enter = ${opts.fallback.code}` : ""
    }`;
    while (true) {
      const answer = await this.ask(`${what} [${range}]: `);
      const esc = escapeOf(answer);
      if (esc === "&PRINT") {
        for (const line of formatChoices(choices)) this.say(line);
        continue;
      }
      if (esc === "&JSON") {
        this.say(opts.onJson?.() ?? "{}");
        continue;
      }
      if (esc === "&BACK" && back) return undefined;
      if (esc) {
        this.say(
          `${esc} is not available here; choose a ${what}` +
            (back ? ", &BACK for the previous question" : "") + " (or &CANCEL)",
        );
        continue;
      }
      if (answer === "" && opts.fallback) return opts.fallback;
      const picked = looksLikeEscape(answer) ? undefined : resolveChoice(choices, answer);
      if (picked) return picked;
      this.say(
        `'${answer}' is not one of the ${choices.length} choices: type its number or its code ` +
          `(&PRINT lists them)`,
      );
    }
  }
}
