/**
 * Registering many components from checked requests: one outcome per request, going on past a
 * failure (each failure is reported, the others are registered).
 *
 * Running the same file again completes what it asks for. A component already registered is not
 * registered again; when it is still at the stage a new component starts at while the file asks
 * for another (a run killed between `registerComponent` and `setComponentStage`), its stage is
 * set now, and said so. A component moved on to some other stage since is left as it is (said
 * too): only the step the file asked for and never got is completed.
 *
 * @module
 */
import { formatProblems, ItkpdError, NotFoundError, type Problem } from "../errors.ts";
import type { Component } from "../schemas/component.ts";
import type { RegisterApi } from "./catalogue.ts";
import { registerOne, type RegistrationResult, resultLine } from "./register.ts";
import type { CheckedRequest } from "./request.ts";

/** What became of one request. */
export interface RegistrationOutcome {
  index: number;
  where: string;
  status: "registered" | "present" | "invalid" | "failed";
  result?: RegistrationResult;
  /** For a component already registered: its stage was set now (it was left at the initial). */
  stageSet?: { from: string; to: string };
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
  opts: { onOutcome?: (outcome: RegistrationOutcome) => void } = {},
): Promise<RegistrationOutcome[]> {
  const outcomes: RegistrationOutcome[] = [];
  for (const item of checked) {
    let outcome: RegistrationOutcome;
    let existing: Component | undefined;
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
      // What a re-run of the same file would repeat: nothing is registered again; a stage the
      // file asked for and never got (killed in between) is set now.
      outcome = await completeStage(api, item, existing);
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

/** The outcome for a component already registered: its stage completed when it must be. */
async function completeStage(
  api: Pick<RegisterApi, "setComponentStage">,
  item: CheckedRequest,
  existing: Component,
): Promise<RegistrationOutcome> {
  const resolved = item.resolved!;
  const serial = resolved.input.serialNumber!;
  const base = { index: item.index, where: item.where };
  const said = `${item.where} already registered: ${serial} (code ${existing.code})`;
  const current = stageCode(existing.currentStage);
  if (resolved.stage === resolved.initialStage || current === resolved.stage) {
    return { ...base, status: "present", line: `${said}; not registered again` };
  }
  if (current !== resolved.initialStage) {
    return {
      ...base,
      status: "present",
      line: `${said}; at stage ${current ?? "(none)"}, not ${resolved.stage} as the file ` +
        `says: left as it is`,
    };
  }
  try {
    await api.setComponentStage({ component: existing.code, stage: resolved.stage });
  } catch (error) {
    if (!(error instanceof ItkpdError)) throw error;
    return {
      ...base,
      status: "failed",
      error,
      line: `${said}, still at ${current}; setting its stage to ${resolved.stage} failed: ${
        error.message.split("\n").map((l) => l.trim()).filter(Boolean).join("; ")
      }`,
    };
  }
  return {
    ...base,
    status: "present",
    stageSet: { from: current, to: resolved.stage },
    line: `${said}; not registered again; its stage was still ${current}: set to ` +
      `${resolved.stage} now, as the file asks`,
  };
}

function stageCode(stage: Component["currentStage"]): string | undefined {
  if (!stage) return undefined;
  return typeof stage === "string" ? stage : stage.code;
}

/** The component with this serial number, if the database has one. */
async function alreadyThere(
  api: Pick<RegisterApi, "getComponent">,
  serial: string | undefined,
): Promise<Component | undefined> {
  if (!serial) return undefined;
  try {
    return await api.getComponent({ component: serial });
  } catch (error) {
    if (error instanceof NotFoundError) return undefined;
    throw error;
  }
}
