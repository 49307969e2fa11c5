/**
 * Exactly once for one test run: the one rule that every way of uploading goes through (the
 * batch runner, `upload-wirebond-results` / `upload-iv-curve` with `--upload`, and
 * `upload-test-results`), so that all of them give the same guarantee.
 *
 * **Identity.** A run is the same run when it has the same component, test type and run number
 * (the run number is derived from the data: the same file always gives the same one).
 *
 * **Present.** A run of that identity counts as present when its state is one of
 * {@link PRESENT_STATES} (`ready`): a deleted run does not count. Every look-up uses this one
 * rule: by component ({@link presentRuns}), by test type (the batch plan's bulk look-up), and
 * the answers are filtered again here ({@link isPresent}), whatever the server's filter did.
 *
 * **Order.** The runs of one identity are ordered by creation time then id
 * ({@link compareRuns}): "the earliest" is the same run for every writer that looks.
 *
 * **The rule** ({@link uploadRunOnce}):
 * 1. Right before each send, look for a present run of the identity. One there: nothing is
 *    sent (`present`). A look-up that fails is an error, never "not in the database". (A
 *    caller that bounds its sends in flight, `sendTurn`, has the look-up made before the send
 *    waits for its turn: the send follows within about one round trip.)
 * 2. Send (the `beforeSend` hook runs first: the batch commits "sending" to its journal).
 * 3. An answer: `created`, then the `afterCreate` hook (the place for what must follow the
 *    creation of a run, e.g. attaching its source file).
 * 4. The outcome of the send is unknown (a timeout, the connection broken after sending, a 5xx
 *    other than 503/507 — see `classifyWriteFailure` in lib/client/http.ts): the `onUnknown`
 *    hook runs, then the server is asked again before any resend. A run there: `created`
 *    (confirmed by the look-up). None: sent again, up to `maxAttempts`. The look-up fails: an
 *    {@link OutcomeUnknownError}, which says the run may exist.
 * 5. Provably not stored (no connection made; 429/503/507: the server did not perform it) or
 *    refused (400, 401, 404 …): the error is thrown as it is; nothing was stored by this send
 *    (after an earlier send's lost answer, an {@link OutcomeUnknownError}: that one may have).
 *
 * What one process cannot settle alone — two writers sending the same identity at the same
 * moment, or a server storing a write after the client gave up on it — is settled by the batch's
 * reconciliation afterwards (lib/batch/reconcile.ts), which uses the same identity, state and
 * order.
 *
 * @module
 */
import type { ItkpdClient } from "../client/client.ts";
import { classifyWriteFailure } from "../client/http.ts";
import { NetworkError } from "../errors.ts";
import type { TestRunUploadInput } from "../client/commands.ts";
import type { CheckedDtoIn } from "../client/checked_dtoin.ts";
import type { TestRunSummary } from "../schemas/test_run.ts";
import type { JsonObject } from "./files.ts";
import { prepareUpload } from "./prepare_upload.ts";

/** The states in which a run counts as present (anything else, e.g. `deleted`, does not). */
export const PRESENT_STATES: readonly string[] = ["ready"];

/** The identity of a run: component (its code, for look-ups), test type and run number. */
export interface RunIdentity {
  /** The component's code (or serial number where the service takes it). */
  component: string;
  testType: string;
  runNumber: string;
  /**
   * Run numbers the same data was given by an earlier version of the toolkit (an IV table with a
   * date was `iv-<hash>` before its run numbers were dated): a present run with one of them is
   * this run, so data uploaded before is never uploaded again under its new number.
   */
  formerRunNumbers?: readonly string[];
}

/** A run as listed: what the identity, state and order rules need. */
export type ListedRun = Pick<TestRunSummary, "id" | "state" | "cts" | "runNumber"> & {
  testType?: { code: string } | null;
};

/**
 * True when a listed run counts as present: its state is in {@link PRESENT_STATES} (an answer
 * without a state counts as present: better skip an upload than make a duplicate).
 *
 * @example
 * ```ts
 * import { isPresent } from "./upload_once.ts";
 * isPresent({ state: "ready" }); // true
 * isPresent({ state: "deleted" }); // false
 * ```
 */
export function isPresent(run: { state?: string | null }): boolean {
  return run.state === undefined || run.state === null || PRESENT_STATES.includes(run.state);
}

/**
 * The order of the runs of one identity: creation time (`cts`), then id. Every writer sorts
 * the same runs the same way, so "the earliest" is one run for all of them.
 *
 * @example
 * ```ts
 * import { compareRuns } from "./upload_once.ts";
 * const runs = [{ id: "b", cts: "2026-01-02" }, { id: "a", cts: "2026-01-02" }, { id: "c", cts: "2026-01-01" }];
 * runs.sort(compareRuns).map((r) => r.id); // ["c", "a", "b"]
 * ```
 */
export function compareRuns(
  a: { id: string; cts?: string | null },
  b: { id: string; cts?: string | null },
): number {
  const [ca, cb] = [a.cts ?? "", b.cts ?? ""];
  if (ca !== cb) return ca < cb ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/**
 * True when a listed run has this test type and run number and is present.
 *
 * @example
 * ```ts
 * import { isPresentRunOf } from "./upload_once.ts";
 * const id = { component: "c", testType: "IV_MEASURE", runNumber: "1" };
 * isPresentRunOf(id, { id: "x", state: "ready", runNumber: "1", testType: { code: "IV_MEASURE" } }); // true
 * ```
 */
export function isPresentRunOf(identity: Omit<RunIdentity, "component">, run: ListedRun): boolean {
  const number = String(run.runNumber ?? "");
  return (number === identity.runNumber ||
    (identity.formerRunNumbers?.includes(number) ?? false)) &&
    isPresent(run) &&
    (run.testType?.code === undefined || run.testType.code === identity.testType);
}

/**
 * The present runs of one identity, earliest first (`listTestRunsByComponent`, filtered to
 * {@link PRESENT_STATES}). A failed look-up throws: it never means "none".
 *
 * @example
 * ```ts ignore
 * const runs = await presentRuns(client, { component: code, testType: "IV_MEASURE", runNumber: "1" });
 * ```
 */
export async function presentRuns(
  client: ItkpdClient,
  identity: RunIdentity,
): Promise<TestRunSummary[]> {
  const runs = await client.listTestRunsByComponent({
    filterMap: {
      code: identity.component,
      testType: [identity.testType],
      state: [...PRESENT_STATES],
    },
  });
  return runs.filter((r) => isPresentRunOf(identity, r)).sort(compareRuns);
}

/** The earliest present run of an identity, or `undefined` (see {@link presentRuns}). */
export async function findPresentRun(
  client: ItkpdClient,
  identity: RunIdentity,
): Promise<TestRunSummary | undefined> {
  return (await presentRuns(client, identity))[0];
}

/** The sends of a run ended with its outcome unknown, and the last look could not settle it. */
export class OutcomeUnknownError extends NetworkError {
  /** Sends whose outcome stayed unknown. */
  readonly unknownSends: number;
  /** True when the look-up for the run failed too (the site does not answer reads either). */
  readonly checkFailed: boolean;
  constructor(
    message: string,
    opts: { cause?: unknown; unknownSends: number; checkFailed: boolean; hint?: string },
  ) {
    super(message, {
      maybeSent: true,
      cause: opts.cause,
      hint: opts.hint ?? "run the same command again: it looks before sending anything",
    });
    this.name = "OutcomeUnknownError";
    this.unknownSends = opts.unknownSends;
    this.checkFailed = opts.checkFailed;
  }
}

/** A run this call created (or found after a lost answer), as given to `afterCreate`. */
export interface CreatedRun {
  id: string;
  identity: RunIdentity;
  /** `answer`: the service answered with it; `lookup`: found after a lost answer. */
  confirmedBy: "answer" | "lookup";
  /** The run as the service answered it (absent when confirmed by a look-up). */
  testRun?: Record<string, unknown>;
}

/** Steps a caller hooks into {@link uploadRunOnce}. */
export interface UploadRunHooks {
  /** Right before each send (the batch commits "sending" to its journal here). */
  beforeSend?(attempt: number): void | Promise<void>;
  /** After a send whose outcome is unknown, before the server is asked again. */
  onUnknown?(error: Error, attempt: number): void | Promise<void>;
  /**
   * Once a run is created (or found after a lost answer), before {@link uploadRunOnce}
   * resolves: the place for a step that must follow the creation (e.g. attaching the source
   * file to the run). An error thrown here is the caller's: the run exists.
   */
  afterCreate?(run: CreatedRun): void | Promise<void>;
}

/** Options of {@link uploadRunOnce}. */
export interface UploadRunOptions {
  /** Sends whose outcome stays unknown before giving up (default 4). */
  maxAttempts?: number;
  /**
   * Send even when a present run has this identity (a deliberate second run); a lost answer is
   * then settled by looking for a run that was not there before.
   */
  allowDuplicate?: boolean;
  hooks?: UploadRunHooks;
  /**
   * Where each send waits for its turn (the batch's bound on the runs sent at once): the send,
   * with its `beforeSend` hook, runs inside `sendTurn`. The look-up before it does not wait for
   * a turn, so that it is made while other sends are in flight and the send follows it as soon
   * as a turn is free. Default: none (sent at once).
   */
  sendTurn?: <T>(send: () => Promise<T>) => Promise<T>;
  /** Cancels between steps. */
  signal?: AbortSignal;
}

/** What {@link uploadRunOnce} did. */
export type UploadRunOutcome =
  | {
    status: "created";
    id: string;
    confirmedBy: "answer" | "lookup";
    /** Sends made. */
    attempts: number;
    /** Of those, the ones whose outcome was unknown. */
    unknownSends: number;
  }
  | { status: "present"; id: string; attempts: number; unknownSends: number };

/** A run to upload: what `uploadTestRunResults` gets, and the component's code for look-ups. */
export interface RunToUpload {
  /** The run (its component, test type and run number are looked up). */
  dtoIn: TestRunUploadInput;
  /**
   * The run as checked by the client (`checkDtoIn`), sent in place of `dtoIn`: same component,
   * test type and run number (`dtoIn` may then hold only those).
   */
  checked?: CheckedDtoIn<"uploadTestRunResults">;
  /** The component's code (default: `dtoIn.component`). */
  componentCode?: string;
  /** See {@link RunIdentity.formerRunNumbers}. */
  formerRunNumbers?: readonly string[];
}

/** The identity of a run to upload. */
export function identityOf(run: RunToUpload): RunIdentity {
  return {
    component: run.componentCode ?? run.dtoIn.component,
    testType: run.dtoIn.testType,
    runNumber: run.dtoIn.runNumber,
    ...(run.formerRunNumbers?.length ? { formerRunNumbers: run.formerRunNumbers } : {}),
  };
}

/**
 * Uploads one test run exactly once, by the rule of the module doc: looks right before each
 * send, looks again after any lost answer, never takes a failed look-up for "not there".
 *
 * @throws {NetworkError} `maybeSent: false` when no connection could be made (nothing sent).
 * @throws {ServerError} when the service refused it or did not perform it (nothing stored).
 * @throws {OutcomeUnknownError} when a send's outcome stayed unknown and the server could not
 *   tell (the run may exist: running again settles it).
 *
 * @example
 * ```ts ignore
 * const outcome = await uploadRunOnce(client, { dtoIn, componentCode }, {
 *   hooks: { afterCreate: (run) => attachSource(client, run.id, file) },
 * });
 * if (outcome.status === "present") console.log(`already there: ${outcome.id}`);
 * ```
 */
export async function uploadRunOnce(
  client: ItkpdClient,
  run: RunToUpload,
  opts: UploadRunOptions = {},
): Promise<UploadRunOutcome> {
  const identity = identityOf(run);
  const hooks = opts.hooks ?? {};
  const maxAttempts = opts.maxAttempts ?? 4;
  let unknownSends = 0;
  let lastUnknown: Error | undefined;
  // Runs there before our first send (only with allowDuplicate can there be any).
  let before: Set<string> | undefined;
  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    opts.signal?.throwIfAborted();
    // 1. Look right before the send (after a lost answer: look again before any resend).
    let runs: TestRunSummary[];
    try {
      runs = await presentRuns(client, identity);
    } catch (lookup) {
      if (!lastUnknown) throw lookup;
      throw new OutcomeUnknownError(
        `${firstLine(lastUnknown)}; the check for the run failed too (${firstLine(lookup)}): ` +
          `it may or may not be stored`,
        { cause: lookup, unknownSends, checkFailed: true },
      );
    }
    before ??= opts.allowDuplicate ? new Set(runs.map((r) => r.id)) : new Set();
    const ours = runs.find((r) => !before!.has(r.id));
    if (ours) {
      if (!lastUnknown) return { status: "present", id: ours.id, attempts: 0, unknownSends: 0 };
      const created: CreatedRun = { id: ours.id, identity, confirmedBy: "lookup" };
      await hooks.afterCreate?.(created);
      return {
        status: "created",
        id: ours.id,
        confirmedBy: "lookup",
        attempts: attempt - 1,
        unknownSends,
      };
    }
    opts.signal?.throwIfAborted();
    // 2. Send (in its turn, when the caller bounds the sends in flight).
    // What fails before the request leaves (cancelled while waiting, the hook) is thrown as
    // it is, never taken for a send's failure.
    let sending = false;
    const send = async () => {
      opts.signal?.throwIfAborted();
      await hooks.beforeSend?.(attempt);
      sending = true;
      return await client.uploadTestRunResults(run.checked ?? run.dtoIn);
    };
    try {
      const answer = await (opts.sendTurn ? opts.sendTurn(send) : send());
      const id = String(answer.id);
      await hooks.afterCreate?.({
        id,
        identity,
        confirmedBy: "answer",
        testRun: answer as Record<string, unknown>,
      });
      return { status: "created", id, confirmedBy: "answer", attempts: attempt, unknownSends };
    } catch (e) {
      if (!sending) throw e;
      if (classifyWriteFailure(e) !== "unknown") {
        if (!lastUnknown) throw e;
        // This send surely did not store it, but an earlier one may have.
        throw new OutcomeUnknownError(
          `${firstLine(lastUnknown)}; sending again failed (${firstLine(e)}): the run may or ` +
            `may not be stored`,
          { cause: e, unknownSends, checkFailed: false },
        );
      }
      unknownSends++;
      lastUnknown = e as Error;
      await hooks.onUnknown?.(lastUnknown, attempt);
    }
  }
  // The last send's outcome is unknown too: one more look settles it, or says it cannot.
  let runs: TestRunSummary[];
  try {
    runs = await presentRuns(client, identity);
  } catch (lookup) {
    throw new OutcomeUnknownError(
      `${firstLine(lastUnknown)}; the check for the run failed too (${firstLine(lookup)}): ` +
        `it may or may not be stored`,
      { cause: lookup, unknownSends, checkFailed: true },
    );
  }
  const ours = runs.find((r) => !before?.has(r.id));
  if (ours) {
    await hooks.afterCreate?.({ id: ours.id, identity, confirmedBy: "lookup" });
    return {
      status: "created",
      id: ours.id,
      confirmedBy: "lookup",
      attempts: maxAttempts,
      unknownSends,
    };
  }
  throw new OutcomeUnknownError(
    `sent ${maxAttempts} times without an answer (${firstLine(lastUnknown)}); not in the ` +
      `database when last asked, though the service may still store it late`,
    { cause: lastUnknown, unknownSends, checkFailed: false },
  );
}

function firstLine(e: unknown): string {
  return e instanceof Error ? e.message.split("\n")[0] : String(e);
}

/** What {@link uploadOnce} did: created a run, or found the one already there. */
export type UploadOnceOutcome =
  | { created: true; id: string }
  | { created: false; id: string };

/** Options of {@link uploadOnce}. */
export interface UploadOnceOptions {
  /** The file the run was written to, named in problems. */
  source: string;
  /** Receives notes (keys left out, …). */
  note?: (line: string) => void;
  /** Passed to {@link uploadRunOnce}. */
  hooks?: UploadRunHooks;
  /** Send even when the database has a run of this identity (see {@link UploadRunOptions}). */
  allowDuplicate?: boolean;
  /** See {@link RunIdentity.formerRunNumbers}. */
  formerRunNumbers?: readonly string[];
}

/**
 * A test-run document (as a data-file step builds it) prepared, checked against its test type,
 * and uploaded by {@link uploadRunOnce}.
 *
 * @example
 * ```ts ignore
 * const outcome = await uploadOnce(client, testRun, { source: "run.json" });
 * console.log(describeUploadOnce(outcome, testRun.runNumber));
 * ```
 */
export async function uploadOnce(
  client: ItkpdClient,
  testRun: object,
  opts: UploadOnceOptions,
): Promise<UploadOnceOutcome> {
  // A copy as a JSON object: prepareUpload checks it key by key, as any test-run document.
  const doc: JsonObject = { ...testRun };
  const prepared = await prepareUpload(client, doc, { source: opts.source });
  for (const n of prepared.notices) opts.note?.(`note: ${n.path}: ${n.message}`);
  const outcome = await uploadRunOnce(client, {
    // A checked document (prepareUpload: every required key present, every value validated
    // against the test type); the client checks its shape against TestRunUploadSchema before
    // sending, so a value of the wrong type is an InputError there and nothing is sent.
    dtoIn: prepared.dtoIn as unknown as TestRunUploadInput,
    componentCode: prepared.resolved.component.code,
    formerRunNumbers: opts.formerRunNumbers,
  }, { hooks: opts.hooks, allowDuplicate: opts.allowDuplicate });
  return { created: outcome.status === "created", id: outcome.id };
}

/** The lines a script prints for an outcome (the original printed `method POST`). */
export function describeUploadOnce(outcome: UploadOnceOutcome, runNumber: string): string {
  return outcome.created
    ? `method POST\ntestRun ${outcome.id}`
    : `already uploaded as ${outcome.id} (run number ${runNumber}); not uploaded again`;
}
