/**
 * Registering many components from checked requests: one outcome per request, going on past a
 * failure (each failure is reported, the others are registered).
 *
 * @module
 */
import { formatProblems, ItkpdError, NotFoundError, type Problem } from "../errors.ts";
import type { RegisterApi } from "./catalogue.ts";
import { registerOne, type RegistrationResult, resultLine } from "./register.ts";
import type { CheckedRequest } from "./request.ts";

/** What became of one request. */
export interface BatchOutcome {
  index: number;
  where: string;
  status: "registered" | "present" | "invalid" | "failed";
  result?: RegistrationResult;
  problems?: Problem[];
  error?: unknown;
  /** One line for the user: `$[0] registered …`, `$[1] invalid: …`, `$[2] failed: …`. */
  line: string;
}

/**
 * Registers every valid request in order (invalid ones are reported, not sent); calls
 * `onOutcome` as each is done.
 *
 * @example
 * ```ts ignore
 * const checked = await checkRequests(catalogue, items);
 * const outcomes = await registerChecked(client, checked, { onOutcome: (o) => console.log(o.line) });
 * const failed = outcomes.filter((o) => o.status !== "registered").length;
 * ```
 */
export async function registerChecked(
  api: Pick<RegisterApi, "registerComponent" | "setComponentStage" | "getComponent">,
  checked: readonly CheckedRequest[],
  opts: { onOutcome?: (outcome: BatchOutcome) => void } = {},
): Promise<BatchOutcome[]> {
  const outcomes: BatchOutcome[] = [];
  for (const item of checked) {
    let outcome: BatchOutcome;
    let existing: string | undefined;
    if (!item.resolved) {
      outcome = {
        index: item.index,
        where: item.where,
        status: "invalid",
        problems: item.problems,
        line: `${item.where} invalid, not registered: ${
          item.problems.map((p) => `${p.path}: ${p.message}`).join("; ")
        }`,
      };
    } else if (
      (existing = await alreadyThere(api, item.resolved.input.serialNumber)) !== undefined
    ) {
      // What a re-run of the same file would repeat: said, and nothing is sent.
      const serial = item.resolved.input.serialNumber!;
      const code = existing;
      outcome = {
        index: item.index,
        where: item.where,
        status: "present",
        line: `${item.where} already registered: ${serial} (code ${code}); not registered again`,
      };
    } else {
      try {
        const result = await registerOne(api, item.resolved);
        outcome = {
          index: item.index,
          where: item.where,
          status: "registered",
          result,
          line: `${item.where} ${resultLine(result)}`,
        };
      } catch (error) {
        if (!(error instanceof ItkpdError)) throw error;
        const serial = item.resolved.input.serialNumber;
        outcome = {
          index: item.index,
          where: item.where,
          status: "failed",
          error,
          line: `${item.where} failed${serial ? ` (${serial})` : ""}: ${
            error.message.split("\n").map((l) => l.trim()).filter(Boolean).join("; ")
          }`,
        };
      }
    }
    outcomes.push(outcome);
    opts.onOutcome?.(outcome);
  }
  return outcomes;
}

/** The problems of every invalid request, as lines for a message. */
export function describeInvalid(checked: readonly CheckedRequest[]): string {
  return checked.filter((c) => c.problems.length).map((c) =>
    `${c.where}:\n${formatProblems(c.problems)}`
  ).join("\n");
}

/** The code of the component with this serial number, if the database has one. */
async function alreadyThere(
  api: Pick<RegisterApi, "getComponent">,
  serial: string | undefined,
): Promise<string | undefined> {
  if (!serial) return undefined;
  try {
    return (await api.getComponent({ component: serial })).code;
  } catch (error) {
    if (error instanceof NotFoundError) return undefined;
    throw error;
  }
}
