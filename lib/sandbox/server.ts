/**
 * The sandbox's HTTP layer on `node:http` (which, unlike `Deno.serve`, keeps a GET request's
 * body; `node:https` when given a certificate): routes `/auth/grantToken`, `/auth/listKeys` and `/api/<command>`, reads the command's
 * input (POST JSON body, GET JSON body, GET query parameters, or a `multipart/form-data` file
 * upload, whose token is checked before its body is read), checks the bearer token, applies
 * the configured faults, and answers JSON with a `uuAppErrorMap` (or the bytes of a download).
 * Any other path gets an HTML page with status 200, as the real service does.
 *
 * @module
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createServer as createTlsServer } from "node:https";
import type { Socket } from "node:net";
import type { UuAppErrorMap } from "../errors.ts";
import type { Auth } from "./auth.ts";
import type { Catalogue } from "./catalogue.ts";
import { CommandError, errorEntry } from "./command_error.ts";
import { BinaryAnswer, type CommandContext, type CommandDef } from "./commands/context.ts";
import type { FaultPlan, Faults } from "./faults.ts";
import { declaredTooLarge, MAX_AUTH_INPUT_BYTES, MAX_INPUT_BYTES, readInput } from "./input.ts";
import { isMultipart, readMultipart } from "./multipart.ts";
import { route } from "./router.ts";
import type { Store } from "./store.ts";

/** Request counters of a sandbox. */
export interface SandboxStats {
  /** Every HTTP request received (auth, API and unknown paths). */
  requests: number;
  /** 5xx answers injected by the fault settings. */
  faults: number;
  /** Connections destroyed on purpose by the fault settings. */
  dropped: number;
  /** Writes held by the slow-commit fault (answered as a drop, committed later), so far. */
  slowCommits: number;
  /** Of those, the ones not committed yet. */
  pendingCommits: number;
  /** API requests per command. */
  byCommand: Record<string, number>;
  /**
   * The most API requests being served at once (from arrival to the end of the answer or the
   * connection), reads and writes apart and together, since the start or the last
   * {@link SandboxServer.resetPeaks}.
   */
  peakInFlight: { reads: number; writes: number; total: number };
}

/** What the HTTP layer serves from. */
export interface ServerDeps {
  auth: Auth;
  store: Store;
  catalogue: Catalogue;
  faults: Faults;
  /** Most bytes one attached file may have. */
  maxAttachmentBytes: number;
  log?: (line: string) => void;
  /** Serve HTTPS with this certificate and key (PEM text) instead of plain HTTP. */
  tls?: { cert: string; key: string };
  /** Called (synchronously) each time a write is held by the slow-commit fault. */
  onSlowCommit?: (pending: number) => void;
}

/** A write held by the slow-commit fault. */
interface HeldCommit {
  timer: ReturnType<typeof setTimeout>;
  commit: () => void;
}

const HTML_PAGE = `<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>itkpd sandbox</title></head>
<body><h1>itkpd sandbox</h1><p>A local stand-in for the ITk Production Database.
Commands are served under <code>/api/&lt;command&gt;</code>, the identity service under
<code>/auth/grantToken</code> and <code>/auth/listKeys</code>.</p></body></html>
`;

/** One sandbox HTTP (or HTTPS) server on 127.0.0.1. */
export class SandboxServer {
  readonly #deps: ServerDeps;
  readonly #server: Server;
  readonly #sockets = new Set<Socket>();
  readonly #timers = new Set<ReturnType<typeof setTimeout>>();
  readonly #stats: SandboxStats = {
    requests: 0,
    faults: 0,
    dropped: 0,
    slowCommits: 0,
    pendingCommits: 0,
    byCommand: {},
    peakInFlight: { reads: 0, writes: 0, total: 0 },
  };
  readonly #inFlight = { reads: 0, writes: 0 };
  readonly #held = new Set<HeldCommit>();
  #settledWaiters: (() => void)[] = [];
  #closing: Promise<void> | undefined;

  constructor(deps: ServerDeps) {
    this.#deps = deps;
    const handler = (req: IncomingMessage, res: ServerResponse) => {
      this.#handle(req, res).catch((e) => this.#crash(req, res, e));
    };
    // node:https keeps a GET request's body too. Its "connection" events carry the TCP sockets.
    // Its server is an http.Server for everything used here (Node's types declare it apart).
    this.#server = deps.tls
      ? createTlsServer({ cert: deps.tls.cert, key: deps.tls.key }, handler) as unknown as Server
      : createServer(handler);
    this.#server.on("connection", (socket: Socket) => {
      this.#sockets.add(socket);
      socket.on("close", () => this.#sockets.delete(socket));
    });
  }

  /** Starts listening on 127.0.0.1:`port` (0 = any free port); resolves to the port. */
  listen(port: number): Promise<number> {
    // node:http under Deno throws a missing permission out of band (an uncaught error); ask
    // first so that the caller gets an ordinary NotCapable error it can report in one line.
    const net = Deno.permissions.querySync({ name: "net", host: "127.0.0.1" });
    if (net.state !== "granted") {
      return Promise.reject(
        new Deno.errors.NotCapable(
          `Requires net access to "127.0.0.1" to serve the sandbox, run again with --allow-net=127.0.0.1`,
        ),
      );
    }
    return new Promise((resolve, reject) => {
      this.#server.once("error", reject);
      this.#server.listen(port, "127.0.0.1", () => {
        this.#server.off("error", reject);
        const address = this.#server.address();
        resolve(typeof address === "object" && address ? address.port : port);
      });
    });
  }

  /** A copy of the counters. */
  stats(): SandboxStats {
    return {
      ...this.#stats,
      byCommand: { ...this.#stats.byCommand },
      peakInFlight: { ...this.#stats.peakInFlight },
    };
  }

  /** Starts the peaks of {@link SandboxStats.peakInFlight} again from the requests in flight. */
  resetPeaks(): void {
    const { reads, writes } = this.#inFlight;
    this.#stats.peakInFlight = { reads, writes, total: reads + writes };
  }

  /** Counts an API request in flight until its answer (or its connection) ends. */
  #track(write: boolean, res: ServerResponse): void {
    const kind = write ? "writes" : "reads";
    const now = this.#inFlight;
    const peak = this.#stats.peakInFlight;
    now[kind]++;
    peak[kind] = Math.max(peak[kind], now[kind]);
    peak.total = Math.max(peak.total, now.reads + now.writes);
    res.once("close", () => now[kind]--);
  }

  /**
   * Resolves once no write is held by the slow-commit fault (every held write committed, or
   * discarded by {@link close}).
   */
  settled(): Promise<void> {
    if (this.#held.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.#settledWaiters.push(resolve));
  }

  /** Commits every held write now (instead of at its delay); answers how many. */
  commitHeld(): number {
    const held = [...this.#held];
    for (const h of held) {
      clearTimeout(h.timer);
      h.commit();
    }
    return held.length;
  }

  /** Stops listening and destroys every open connection (idempotent). */
  close(): Promise<void> {
    this.#closing ??= new Promise<void>((resolve) => {
      for (const t of this.#timers) clearTimeout(t);
      this.#timers.clear();
      // Held writes die with the server, never committed (as when a real server is killed).
      for (const h of this.#held) clearTimeout(h.timer);
      this.#held.clear();
      this.#stats.pendingCommits = 0;
      this.#wakeSettled();
      this.#server.close(() => resolve());
      for (const s of this.#sockets) s.destroy();
    });
    return this.#closing;
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = performance.now();
    this.#stats.requests++;
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const path = url.pathname;
    const done = (status: number, note = "") =>
      this.#deps.log?.(
        `${req.method} ${path} ${status}${note} ${Math.round(performance.now() - started)}ms`,
      );

    if (path === "/auth/grantToken" || path === "/auth/listKeys") {
      const input = await readInput(req, url, MAX_AUTH_INPUT_BYTES).catch(() => undefined);
      if (input && !input.ok && input.status === 413) {
        this.#answerEarly(req, res, 413, tooLarge("grantToken", MAX_AUTH_INPUT_BYTES));
        return done(413);
      }
      const answer = path === "/auth/listKeys"
        ? this.#deps.auth.listKeys()
        : await this.#deps.auth.grantToken(input?.ok ? input.value : {});
      sendJson(res, answer.status, answer.body);
      return done(answer.status);
    }
    const command = path.startsWith("/api/") ? path.slice(5).replace(/\/+$/, "") : undefined;
    const def = command === undefined ? undefined : route(command);
    if (!def || command === undefined) {
      res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
      res.end(HTML_PAGE);
      return done(200, " (html)");
    }
    this.#stats.byCommand[command] = (this.#stats.byCommand[command] ?? 0) + 1;
    this.#track(def.write === true, res);
    const plan = this.#deps.faults.next(def.write);
    if (this.#deps.faults.takeFailure(command)) plan.failStatus = 500;
    if (plan.latencyMs > 0) await this.#sleep(plan.latencyMs);
    if (plan.failStatus) {
      this.#stats.faults++;
      this.#answerEarly(req, res, plan.failStatus, { uuAppErrorMap: injectedFailure(plan) });
      return done(plan.failStatus, " (injected)");
    }
    if (plan.drop === "before") return this.#drop(req, done);

    // The token is checked from the headers before a byte of the body is read: an
    // unauthenticated request costs no memory, whatever it sends (a file upload included).
    const check = await this.#deps.auth.check(req.headers.authorization);
    if (!check.ok) {
      this.#answerEarly(req, res, check.status, check.body);
      return done(check.status);
    }
    const multipart = def.multipart === true && isMultipart(req);
    const input = multipart
      ? await readMultipart(req, this.#deps.maxAttachmentBytes)
      : await readInput(req, url);
    if (!input.ok && input.status === 413) {
      const answer = multipart
        ? {
          uuAppErrorMap: {
            [`cern-itkpd-main/${command}/fileTooLarge`]: errorEntry(input.message, {
              maxBytes: this.#deps.maxAttachmentBytes,
            }),
          },
        }
        : tooLarge(command, MAX_INPUT_BYTES);
      this.#answerEarly(req, res, 413, answer);
      return done(413);
    }
    if (plan.slowCommitMs > 0 && input.ok) {
      // Answered as a dropped connection now, committed later: the client cannot know.
      this.#hold(command, def.handler, input.value, check.user, plan.slowCommitMs);
      return this.#drop(req, done, " (dropped, slow commit)");
    }
    let status: number;
    let body: Record<string, unknown> | BinaryAnswer;
    if (!input.ok) {
      [status, body] = [400, {
        uuAppErrorMap: {
          [`cern-itkpd-main/${command}/invalidDtoIn`]: errorEntry("DtoIn is not valid.", {
            invalidValueKeyMap: { "$": { "json.e001": input.message } },
          }),
        },
      }];
    } else {
      [status, body] = await this.#run(command, def.handler, input.value, check.user);
    }
    if (plan.drop === "after") return this.#drop(req, done);
    if (body instanceof BinaryAnswer) sendBytes(res, status, body);
    else sendJson(res, status, body);
    done(status);
  }

  async #run(
    command: string,
    handler: CommandDef["handler"],
    input: unknown,
    user: { sub: string; name: string },
  ): Promise<[number, Record<string, unknown> | BinaryAnswer]> {
    const warnings: UuAppErrorMap = {};
    const ctx: CommandContext = {
      command,
      store: this.#deps.store,
      catalogue: this.#deps.catalogue,
      user,
      warn: (entries) => Object.assign(warnings, entries),
      maxAttachmentBytes: this.#deps.maxAttachmentBytes,
    };
    try {
      const out = await handler(ctx, input);
      if (out instanceof BinaryAnswer) return [200, out];
      return [200, { ...out, uuAppErrorMap: warnings }];
    } catch (e) {
      if (e instanceof CommandError) {
        return [e.status, { uuAppErrorMap: { ...warnings, ...e.uuAppErrorMap } }];
      }
      const message = e instanceof Error ? e.message : String(e);
      if (isStorageFull(e)) {
        // The real cause (not a 500 hiding it): HTTP 507 Insufficient Storage, nothing stored.
        return [507, {
          uuAppErrorMap: {
            ...warnings,
            [`cern-itkpd-main/${command}/insufficientStorage`]: errorEntry(
              `The database cannot store anything more: ${message} (SQLITE_FULL). ` +
                `Nothing was stored.`,
            ),
          },
        }];
      }
      return [500, {
        uuAppErrorMap: {
          [`cern-itkpd-main/${command}/unexpectedError`]: errorEntry(
            `The sandbox failed unexpectedly: ${message}`,
          ),
        },
      }];
    }
  }

  /**
   * Answers a request whose body was not read (a refused token, a body too large, an injected
   * fault). A small body (declared at most {@link MAX_INPUT_BYTES}) is discarded by node:http
   * and the connection kept; any other body is never read: the answer is sent and the connection
   * closed, so memory stays flat whatever a client sends (such a client may see the connection
   * reset before it reads the answer).
   */
  #answerEarly(
    req: IncomingMessage,
    res: ServerResponse,
    status: number,
    body: Record<string, unknown>,
  ): void {
    const small = req.headers["content-length"] !== undefined && !declaredTooLarge(req);
    if (req.complete || small) return sendJson(res, status, body);
    req.pause();
    res.setHeader("connection", "close");
    res.once("finish", () => req.socket.destroy());
    sendJson(res, status, body);
  }

  #drop(
    req: IncomingMessage,
    done: (status: number, note?: string) => void,
    note = " (dropped)",
  ): void {
    this.#stats.dropped++;
    req.socket.destroy();
    done(0, note);
  }

  /** Holds a write, to be run `delayMs` from now (or at {@link commitHeld}). */
  #hold(
    command: string,
    handler: CommandDef["handler"],
    input: unknown,
    user: { sub: string; name: string },
    delayMs: number,
  ): void {
    const held: HeldCommit = {
      timer: setTimeout(() => held.commit(), delayMs),
      commit: () => {
        if (!this.#held.delete(held)) return;
        this.#stats.pendingCommits = this.#held.size;
        // The handler runs (and commits) synchronously here; its answer goes nowhere.
        this.#run(command, handler, input, user).then(([status]) => {
          this.#deps.log?.(`slow commit of ${command}: ${status}`);
        });
        if (this.#held.size === 0) this.#wakeSettled();
      },
    };
    this.#held.add(held);
    this.#stats.slowCommits++;
    this.#stats.pendingCommits = this.#held.size;
    this.#deps.onSlowCommit?.(this.#held.size);
  }

  #wakeSettled(): void {
    const waiters = this.#settledWaiters;
    this.#settledWaiters = [];
    for (const w of waiters) w();
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(() => {
        this.#timers.delete(t);
        resolve();
      }, ms);
      this.#timers.add(t);
    });
  }

  #crash(req: IncomingMessage, res: ServerResponse, e: unknown): void {
    // Body read failures (client went away) land here; answer if the socket is still there.
    this.#deps.log?.(`${req.method} ${req.url?.split("?")[0]} failed: ${String(e)}`);
    if (!res.headersSent && !req.socket.destroyed) {
      sendJson(res, 500, {
        uuAppErrorMap: {
          "cern-itkpd-main/unexpectedError": errorEntry("The sandbox failed unexpectedly."),
        },
      });
    }
  }
}

function injectedFailure(plan: FaultPlan): UuAppErrorMap {
  return plan.failStatus === 503
    ? {
      "cern-itkpd-main/serviceUnavailable": errorEntry(
        "Service temporarily unavailable (fault injected by the sandbox).",
      ),
    }
    : {
      "cern-itkpd-main/internalServerError": errorEntry(
        "Internal server error (fault injected by the sandbox).",
      ),
    };
}

/** True for SQLite's "database or disk is full" (SQLITE_FULL, extended codes included). */
function isStorageFull(e: unknown): boolean {
  const code = (e as { errcode?: unknown })?.errcode;
  return typeof code === "number" && (code & 0xff) === 13;
}

/** The 413 answer of a body above `limit` bytes. */
function tooLarge(command: string, limit: number): Record<string, unknown> {
  return {
    uuAppErrorMap: {
      [`cern-itkpd-main/${command}/requestTooLarge`]: errorEntry(
        `The request body exceeds the limit of ${limit} bytes; it was not read.`,
        { limit },
      ),
    },
  };
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(text),
  });
  res.end(text);
}

/** A download: the bytes with their content type and file name. */
function sendBytes(res: ServerResponse, status: number, answer: BinaryAnswer): void {
  res.writeHead(status, {
    "content-type": answer.contentType,
    "content-length": answer.data.byteLength,
    "content-disposition": `attachment; filename*=UTF-8''${encodeURIComponent(answer.filename)}`,
  });
  res.end(answer.data);
}
