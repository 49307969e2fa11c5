/**
 * The ITkPD client: one object that holds the configuration, the token, the connections, and
 * offers a typed method per command plus the generic {@link ItkpdClient.call}.
 *
 * @module
 */
import { InputError } from "../errors.ts";
import { ATTACHMENT_MAX_BYTES, contentTypeOf } from "../schemas/attachment.ts";
import type { Component } from "../schemas/component.ts";
import type { ComponentType, Institution } from "../schemas/catalogue.ts";
import type { TestType } from "../schemas/test_type.ts";
import type { TestRun, TestRunSummary } from "../schemas/test_run.ts";
import { TokenManager } from "./auth.ts";
import { CheckedDtoIn, checkInput } from "./checked_dtoin.ts";
import { mapLimit } from "../_pool.ts";
import { chunk, orderByInput } from "./bulk.ts";
import {
  type AnswerOf,
  BULK_LIMIT,
  CommandAnswers,
  CommandInputs,
  type InputOf,
  type JsonCommandName,
  type TestRunUploadInput,
  wireMethodOf,
} from "./commands.ts";
import {
  configFromEnv,
  type ConnectionSettings,
  DEFAULT_RETRIES,
  DEFAULT_RETRY_BASE_MS,
  DEFAULT_TIMEOUT_MS,
  resolveConnection,
  type ResolvedConnection,
} from "./config.ts";
import type { EnvRecord } from "./env.ts";
import { type ApiWarning, checkAnswer, formatWarning } from "./errors_map.ts";
import { HttpEngine, type RetryPolicy } from "./http.ts";
import { DEFAULT_PAGE_SIZE, type PageFetcher, pagesWith, paginateWith } from "./paging.ts";
import { proxyConfigFromEnv } from "./proxy.ts";
import { redact } from "./redact.ts";
import { HttpTransport, type TransportOptions } from "./transport.ts";

/** Options of {@link ItkpdClient}. Connection settings override the environment's. */
export interface ClientOptions extends ConnectionSettings {
  /** Environment to read instead of the process's (tests); `false`: read no environment. */
  env?: EnvRecord | false;
  /** Keep the token in this file between runs (mode 0600, written atomically). */
  sessionFile?: string;
  /** Per-request time limit in ms (default 60 000). */
  timeoutMs?: number;
  /** Retries after a failed attempt (default 4); see http.ts for what is retried. */
  retries?: number;
  /** Base delay of the exponential backoff in ms (default 250). */
  retryBaseMs?: number;
  /** Longest single backoff delay in ms (default 10 000). */
  retryMaxMs?: number;
  /** Also retry reads after a timeout (default false). */
  retryOnTimeout?: boolean;
  /** Renew the token when this many seconds or fewer are left (default 15). */
  renewBeforeSeconds?: number;
  /** The clock of token expiry and renewal, in ms since the epoch (default `Date.now`; tests). */
  now?: () => number;
  /** Log requests (wire method, URL, status, timing) to stderr. */
  verbose?: boolean;
  /** Receives the log lines instead of stderr (implies verbose). Lines are redacted. */
  logger?: (line: string) => void;
  /** Receives each warning of an answer (e.g. unsupported keys). Default: the log, else
   * `console.warn`. */
  onWarning?: (warning: ApiWarning) => void;
  /** Default page size of list commands (default 1000). */
  pageSize?: number;
  /** Bulk chunks sent at the same time (default 3). */
  bulkConcurrency?: number;
  /**
   * Connection settings: pool sizes, extra trusted CAs (`caCerts`), and the proxies (`proxy`;
   * default: read from `env`, as Python requests reads them, see proxy.ts).
   */
  transport?: TransportOptions;
  /**
   * Largest file an attachment call sends (default {@link ATTACHMENT_MAX_BYTES}, 64 MiB); a
   * larger one is refused before anything is sent.
   */
  maxAttachmentBytes?: number;
}

/** Options of one call. */
export interface CallOptions {
  /** Wire method; default GET for `get…`/`list…`, POST for the rest. */
  method?: "GET" | "POST";
  /** Cancels the call. */
  signal?: AbortSignal;
}

/** Options of list calls. */
export interface PageOptions {
  /** Items per page. */
  pageSize?: number;
  /** Cancels the listing. */
  signal?: AbortSignal;
}

/** A JSON answer of a command. */
export type ApiAnswer = Record<string, unknown>;

/**
 * The ITkPD client.
 *
 * @example
 * ```ts
 * import { ItkpdClient } from "./client.ts";
 * // Reads ITKDB_API_URL, ITKDB_ACCESS_CODE1/2, ITK_DB_AUTH, … (those granted by --allow-env).
 * const client = new ItkpdClient({ verbose: false });
 * try {
 *   // const types = await client.listTestTypes({ project: "P", componentType: "MODULE" });
 * } finally {
 *   client.close();
 * }
 * ```
 */
export class ItkpdClient implements Disposable {
  /** The resolved settings (no secrets). */
  readonly config: Readonly<
    Omit<ResolvedConnection, "accessCode1" | "accessCode2" | "token"> & {
      timeoutMs: number;
      retries: number;
      retryBaseMs: number;
      pageSize: number;
    }
  >;
  /** The token manager (renewal, details of the current token). */
  readonly auth: TokenManager;
  readonly #http: HttpEngine;
  readonly #transport: HttpTransport;
  readonly #options: ClientOptions;

  constructor(options: ClientOptions = {}) {
    this.#options = options;
    if (options.env === undefined && options.apiUrl === undefined) requireEnvAccess();
    const fromEnv = options.env === false ? {} : configFromEnv(options.env);
    const proxy = options.transport?.proxy ??
      (options.env === false ? undefined : proxyConfigFromEnv(options.env));
    const connection = resolveConnection(options, fromEnv);
    const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const retries = options.retries ?? DEFAULT_RETRIES;
    const retryBaseMs = options.retryBaseMs ?? DEFAULT_RETRY_BASE_MS;
    const { accessCode1: _a, accessCode2: _b, token: _t, ...publicConnection } = connection;
    this.config = Object.freeze({
      ...publicConnection,
      timeoutMs,
      retries,
      retryBaseMs,
      pageSize: options.pageSize ?? DEFAULT_PAGE_SIZE,
    });
    const sink = options.logger ??
      (options.verbose ? (line: string) => console.error(line) : undefined);
    const log = sink ? (line: string) => sink(`itkpd: ${redact(line)}`) : undefined;
    const onWarning = options.onWarning ??
      (log
        ? undefined
        : (w: ApiWarning) =>
          console.warn(`itkpd warning from ${formatWarning(w, inputKeys(w.command))}`));
    this.#transport = new HttpTransport({ ...options.transport, proxy });
    this.#http = new HttpEngine({
      transport: this.#transport,
      timeoutMs,
      retries,
      retryBaseMs,
      retryMaxMs: options.retryMaxMs,
      retryOnTimeout: options.retryOnTimeout,
      log,
      onWarning,
    });
    this.auth = new TokenManager(this.#http, {
      connection,
      sessionFile: options.sessionFile,
      renewBeforeSeconds: options.renewBeforeSeconds,
      log,
      now: options.now,
    });
    this.#http.tokens = this.auth;
  }

  /** Requests sent, retries made, tokens granted so far. */
  stats(): { requests: number; retries: number; grants: number } {
    return { ...this.#http.stats, grants: this.auth.grants };
  }

  /** Closes every connection. Later calls fail with a `NetworkError` (`maybeSent: false`). */
  close(): void {
    this.#transport.close();
  }

  /** Same as {@link close}, for `using client = new ItkpdClient()`. */
  [Symbol.dispose](): void {
    this.close();
  }

  // ---------------------------------------------------------------- generic

  /**
   * Calls any command with a JSON dtoIn; answers the JSON as the service sent it (with its
   * `uuAppErrorMap`, where warnings are). Reads go as GET with a JSON body, writes as POST.
   *
   * @example
   * ```ts
   * import { ItkpdClient } from "./client.ts";
   * const client = new ItkpdClient({ env: {} });
   * // const answer = await client.call("listTestTypes", { project: "P", componentType: "MODULE" });
   * // const forced = await client.call("someCommand", {}, { method: "GET" });
   * client.close();
   * ```
   */
  async call<T = ApiAnswer>(
    command: string,
    dtoIn: unknown = {},
    options: CallOptions = {},
  ): Promise<T> {
    const method = options.method ?? wireMethodOf(command);
    return await this.#send(command, method, { json: dtoIn }, options) as T;
  }

  /** Sends one request of `command` with its body (a dtoIn, or its JSON text as it is). */
  async #send(
    command: string,
    method: "GET" | "POST",
    body: { json: unknown } | { jsonText: string },
    options: CallOptions,
  ): Promise<unknown> {
    const result = await this.#http.send({
      command,
      url: this.#url(command),
      wireMethod: method,
      ...body,
      auth: true,
      policy: policyOf(method),
      signal: options.signal,
    });
    return result.value;
  }

  /**
   * Every item of a list command, page by page (an async iterator). The token is renewed in
   * the middle when needed.
   *
   * @example
   * ```ts
   * import { ItkpdClient } from "./client.ts";
   * const client = new ItkpdClient({ env: {} });
   * // for await (const c of client.paginate("listComponents", { project: "P" }, { pageSize: 500 })) {}
   * client.close();
   * ```
   */
  paginate(
    command: string,
    dtoIn: Record<string, unknown> = {},
    options: PageOptions = {},
  ): AsyncGenerator<unknown, void, undefined> {
    return paginateWith(command, this.#pageFetcher(command, options), dtoIn, {
      pageSize: options.pageSize ?? this.config.pageSize,
    });
  }

  /** Sends one page request of `command` and checks its answer (a command the client knows). */
  #pageFetcher(command: string, options: PageOptions): PageFetcher {
    const known = command in CommandAnswers ? command as JsonCommandName : undefined;
    return async (dto) => {
      const answer = await this.call(command, dto, { signal: options.signal });
      return known ? checkAnswer(command, 200, CommandAnswers[known], answer) : answer;
    };
  }

  /**
   * Every item of a list command, all pages collected.
   *
   * @example
   * ```ts
   * import { ItkpdClient } from "./client.ts";
   * const client = new ItkpdClient({ env: {} });
   * // const all = await client.collect("listInstitutions");
   * client.close();
   * ```
   */
  async collect<T = unknown>(
    command: string,
    dtoIn: Record<string, unknown> = {},
    options: PageOptions = {},
  ): Promise<T[]> {
    // Page by page (the same rules as paginate): a list of one page is that page's items.
    const pages = pagesWith(command, this.#pageFetcher(command, options), dtoIn, {
      pageSize: options.pageSize ?? this.config.pageSize,
    });
    let out: T[] | undefined;
    for await (const items of pages) {
      if (out === undefined) out = items as T[];
      else for (const item of items) out.push(item as T);
    }
    return out ?? [];
  }

  // ---------------------------------------------------------------- catalogue
  // One typed method per command, each a line that hands its command to #typed or #list: the
  // repetition is the shape of the typed API (its signature and its doc per command).

  /** Every institution (all pages). */
  listInstitutions(
    input: InputOf<"listInstitutions"> = {},
    options?: PageOptions,
  ): Promise<Institution[]> {
    return this.#list("listInstitutions", input, options);
  }

  /** The component types of a project (all pages). */
  listComponentTypes(
    input: InputOf<"listComponentTypes">,
    options?: PageOptions,
  ): Promise<AnswerOf<"listComponentTypes">["pageItemList"]> {
    return this.#list("listComponentTypes", input, options);
  }

  /** A component type definition: `{id}`, or `{code, project}`. */
  async getComponentType(
    input: InputOf<"getComponentType">,
    options?: CallOptions,
  ): Promise<ComponentType> {
    return await this.#typed("getComponentType", input, options);
  }

  /** The test types of a component type (all pages). */
  listTestTypes(input: InputOf<"listTestTypes">, options?: PageOptions): Promise<TestType[]> {
    return this.#list("listTestTypes", input, options);
  }

  /** A test type definition: `{id}`, or `{code, project, componentType}`. */
  async getTestType(input: InputOf<"getTestType">, options?: CallOptions): Promise<TestType> {
    return await this.#typed("getTestType", input, options);
  }

  // ---------------------------------------------------------------- components

  /** Registers a component; answers the new component (with its `code`). */
  async registerComponent(
    input: InputOf<"registerComponent">,
    options?: CallOptions,
  ): Promise<Component> {
    return (await this.#typed("registerComponent", input, options)).component;
  }

  /** Sets the stage of a component. */
  async setComponentStage(
    input: InputOf<"setComponentStage">,
    options?: CallOptions,
  ): Promise<AnswerOf<"setComponentStage">> {
    return await this.#typed("setComponentStage", input, options);
  }

  /** A component by code or serial number. */
  async getComponent(input: InputOf<"getComponent">, options?: CallOptions): Promise<Component> {
    return await this.#typed("getComponent", input, options);
  }

  /**
   * Components by code or serial number, any number of them: sent in chunks of 100, results in
   * the order asked (unknown ones left out).
   */
  async getComponentBulk(ids: readonly string[], options?: CallOptions): Promise<Component[]> {
    const items = await this.#bulk(
      ids,
      (part) => this.#typed("getComponentBulk", { component: part }, options),
    );
    return orderByInput(ids, items, (c) => [
      c.code,
      c.serialNumber,
      c.id,
      (c as { alternativeIdentifier?: string | null }).alternativeIdentifier,
    ]);
  }

  /** Components of a project, filtered (all pages). */
  listComponents(input: InputOf<"listComponents">, options?: PageOptions): Promise<Component[]> {
    return this.#list("listComponents", input, options);
  }

  // ---------------------------------------------------------------- test runs

  /**
   * Uploads a test run; answers the new run (with its `id`). Not resent blindly: see http.ts.
   * A `NetworkError` with `maybeSent: true` means the run may exist: look before resending.
   * The run may be given as a {@link CheckedDtoIn} (checked once by `checkDtoIn`): its text is
   * sent as it is.
   */
  async uploadTestRunResults(
    input: TestRunUploadInput | CheckedDtoIn<"uploadTestRunResults">,
    options?: CallOptions,
  ): Promise<AnswerOf<"uploadTestRunResults">["testRun"]> {
    return (await this.#typed("uploadTestRunResults", input, options)).testRun;
  }

  /** A full test run by id. */
  async getTestRun(input: InputOf<"getTestRun">, options?: CallOptions): Promise<TestRun> {
    return await this.#typed("getTestRun", input, options);
  }

  /** Full test runs by id, any number: chunks of 100, results in the order asked. */
  async getTestRunBulk(ids: readonly string[], options?: CallOptions): Promise<TestRun[]> {
    const items = await this.#bulk(
      ids,
      (part) => this.#typed("getTestRunBulk", { testRun: part }, options),
    );
    return orderByInput(ids, items, (r) => [r.id]);
  }

  /** Run summaries of a component (`{filterMap:{code, stage?, testType?, state?}}`). */
  listTestRunsByComponent(
    input: InputOf<"listTestRunsByComponent">,
    options?: PageOptions,
  ): Promise<TestRunSummary[]> {
    return this.#list("listTestRunsByComponent", input, options);
  }

  /** Runs of a test type (all pages). */
  listTestRunsByTestType(
    input: InputOf<"listTestRunsByTestType">,
    options?: PageOptions,
  ): Promise<AnswerOf<"listTestRunsByTestType">["pageItemList"]> {
    return this.#list("listTestRunsByTestType", input, options);
  }

  /** Deletes (marks deleted) a test run. */
  async deleteTestRun(
    input: InputOf<"deleteTestRun">,
    options?: CallOptions,
  ): Promise<AnswerOf<"deleteTestRun">> {
    return await this.#typed("deleteTestRun", input, options);
  }

  // ---------------------------------------------------------------- attachments

  /**
   * Largest file an attachment call sends (the `maxAttachmentBytes` option, default
   * {@link ATTACHMENT_MAX_BYTES}): the steps check their files against it before creating a
   * run, so that a run is never left without the file it was to carry.
   */
  get maxAttachmentBytes(): number {
    return this.#options.maxAttachmentBytes ?? ATTACHMENT_MAX_BYTES;
  }

  /**
   * Attaches a file to a test run: a POST of `multipart/form-data` with the fields `testRun`,
   * `title` (default the file name), `description`, `type: "file"`, `url` (the file name) and
   * `data` (the file, with its name and content type). Answers the run with its `attachments`
   * (`{code, dateTime, title, description, userIdentity, type, contentType, filename}`).
   * A file above `maxAttachmentBytes` (64 MiB) is refused with an `InputError` before sending.
   * A write: not resent blindly (a `NetworkError` with `maybeSent: true` means the attachment
   * may exist: look before sending again, as {@link attachOnce} does).
   *
   * @example
   * ```ts ignore
   * const run = await client.createTestRunAttachment({
   *   testRun: "65f0c0ffee0000000000beef",
   *   file: { name: "20UPGM20000001.csv", data: await Deno.readFile("20UPGM20000001.csv") },
   *   title: "DAGE export",
   * });
   * console.log(run.attachments?.at(-1)?.code);
   * ```
   */
  async createTestRunAttachment(
    input: InputOf<"createTestRunAttachment">,
    options?: CallOptions,
  ): Promise<AnswerOf<"createTestRunAttachment">> {
    const dtoIn = checkInput(
      "createTestRunAttachment",
      CommandInputs.createTestRunAttachment,
      input,
    );
    return await this.#multipart(
      "createTestRunAttachment",
      "testRun",
      dtoIn.testRun,
      dtoIn,
      options,
    );
  }

  /**
   * Attaches a file to a component (by code or serial number); the same multipart form with
   * `component` in place of `testRun`. Answers the component with its `attachments`. Its bytes
   * come back from {@link getBinaryData} `{code}`.
   */
  async createComponentAttachment(
    input: InputOf<"createComponentAttachment">,
    options?: CallOptions,
  ): Promise<AnswerOf<"createComponentAttachment">> {
    const dtoIn = checkInput(
      "createComponentAttachment",
      CommandInputs.createComponentAttachment,
      input,
    );
    return await this.#multipart(
      "createComponentAttachment",
      "component",
      dtoIn.component,
      dtoIn,
      options,
    );
  }

  /**
   * The bytes of a test run's attachment (`getTestRunAttachment {testRun, code}`, read as GET
   * with a JSON body), exactly as stored, whatever their content type.
   *
   * @example
   * ```ts ignore
   * const bytes = await client.getTestRunAttachment({ testRun: run.id, code: attachment.code });
   * ```
   */
  async getTestRunAttachment(
    input: InputOf<"getTestRunAttachment">,
    options?: CallOptions,
  ): Promise<Uint8Array> {
    const dtoIn = checkInput("getTestRunAttachment", CommandInputs.getTestRunAttachment, input);
    return await this.#bytes("getTestRunAttachment", dtoIn, options);
  }

  /** Binary data (an attachment) by code, from `<site>uu-app-binarystore/getBinaryData`. */
  async getBinaryData(input: InputOf<"getBinaryData">, options?: CallOptions): Promise<Uint8Array> {
    const dtoIn = checkInput("getBinaryData", CommandInputs.getBinaryData, input);
    return await this.#bytes("uu-app-binarystore/getBinaryData", dtoIn, options);
  }

  // ---------------------------------------------------------------- helpers

  async #bytes(command: string, dtoIn: unknown, options?: CallOptions): Promise<Uint8Array> {
    const method = options?.method ?? "GET";
    const result = await this.#http.send({
      command,
      url: this.#url(command),
      wireMethod: method,
      json: dtoIn,
      auth: true,
      policy: policyOf(method),
      expect: "bytes",
      signal: options?.signal,
    });
    if (result.value instanceof Uint8Array) return result.value;
    return new TextEncoder().encode(JSON.stringify(result.value));
  }

  /** Sends a file upload as `multipart/form-data` (a write: POST, never resent blindly). */
  async #multipart<C extends "createTestRunAttachment" | "createComponentAttachment">(
    command: C,
    ownerKey: "testRun" | "component",
    owner: string,
    dtoIn: {
      file: { name: string; data: Uint8Array; contentType?: string };
      title?: string;
      description?: string;
    },
    options?: CallOptions,
  ): Promise<AnswerOf<C>> {
    const { file } = dtoIn;
    const limit = this.#options.maxAttachmentBytes ?? ATTACHMENT_MAX_BYTES;
    if (file.data.byteLength > limit) {
      throw new InputError(
        `${command}: ${file.name} has ${file.data.byteLength} bytes, above the binary store's ` +
          `limit of ${limit} bytes (${(limit / 2 ** 20).toFixed(0)} MiB); nothing was sent`,
        [],
        {
          hint: 'larger files go to CERN EOS (type "eos"), which this toolkit cannot reach; ' +
            "attach a smaller (e.g. compressed) file",
        },
      );
    }
    const form = new FormData();
    form.set(ownerKey, owner);
    form.set("title", dtoIn.title ?? file.name);
    form.set("description", dtoIn.description ?? "");
    form.set("type", "file");
    form.set("url", file.name);
    form.set(
      "data",
      new File([file.data as Uint8Array<ArrayBuffer>], file.name, {
        type: file.contentType ?? contentTypeOf(file.name),
      }),
    );
    const result = await this.#http.send({
      command,
      url: this.#url(command),
      wireMethod: "POST",
      form,
      auth: true,
      policy: "write",
      signal: options?.signal,
    });
    return checkAnswer(command, 200, CommandAnswers[command], result.value) as AnswerOf<C>;
  }

  #url(command: string): string {
    return this.config.apiUrl + command.replace(/^\/+/, "");
  }

  async #typed<C extends JsonCommandName>(
    command: C,
    input: unknown,
    options?: CallOptions,
  ): Promise<AnswerOf<C>> {
    let answer: unknown;
    if (input instanceof CheckedDtoIn) {
      // Checked when it was made (checkDtoIn): its text goes on the wire as it is.
      if (input.command !== command) {
        throw new TypeError(`a dtoIn checked for ${input.command} was given to ${command}`);
      }
      answer = await this.#send(
        command,
        wireMethodOf(command),
        { jsonText: input.text },
        options ?? {},
      );
    } else {
      answer = await this.call(
        command,
        checkInput(command, CommandInputs[command], input),
        options,
      );
    }
    return checkAnswer(command, 200, CommandAnswers[command], answer) as AnswerOf<C>;
  }

  async #list<T>(command: JsonCommandName, input: unknown, options?: PageOptions): Promise<T[]> {
    const dtoIn = checkInput(command, CommandInputs[command], input) as Record<string, unknown>;
    return await this.collect<T>(command, dtoIn, options);
  }

  async #bulk<T>(
    ids: readonly string[],
    send: (part: string[]) => Promise<{ itemList: T[] }>,
  ): Promise<T[]> {
    if (ids.length === 0) return [];
    const parts = chunk(ids, BULK_LIMIT);
    const answers = await mapLimit(parts, this.#options.bulkConcurrency ?? 3, send);
    return answers.flatMap((a) => a.itemList);
  }
}

function policyOf(method: "GET" | "POST"): RetryPolicy {
  return method === "GET" ? "read" : "write";
}

/** The keys a command's input takes (for the did-you-mean of an ignored key). */
function inputKeys(command: string): string[] {
  const schema = (CommandInputs as Record<string, { shape?: object } | undefined>)[command];
  return Object.keys(schema?.shape ?? {});
}

/**
 * A client configured from the process environment needs to read it: without that permission
 * it would silently talk to the default site. Stops with the missing permission instead.
 */
export function requireEnvAccess(): void {
  let state: Deno.PermissionState;
  try {
    state = Deno.permissions.querySync({ name: "env", variable: "ITKDB_API_URL" }).state;
  } catch {
    return;
  }
  if (state !== "granted") {
    throw new Deno.errors.NotCapable(
      'Requires env access to "ITKDB_API_URL" (and the other ITKDB_* / ITK_DB_AUTH* variables) ' +
        "to know the site and credentials, run again with the --allow-env flag",
    );
  }
}
