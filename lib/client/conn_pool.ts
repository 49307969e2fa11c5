/**
 * Kept-alive connections for the transport: {@link Connection} (one `Deno.Conn` and the reads
 * of its answers) and {@link ConnPool} (the idle connections to one place, and a limit).
 *
 * A pool hands out its most recently used idle connection first (the least likely to have been
 * closed by the server), else opens one, else (at its limit) queues the caller. An idle
 * connection keeps a read waiting: when the server closes it, or sends anything unasked, the
 * connection is closed and leaves the pool at once, not when a request next picks it. Idle
 * connections are closed after `idleMs`, and never keep the process alive.
 *
 * @module
 */

const READ_SIZE = 64 * 1024;

/** One connection and its reads. */
export class Connection {
  readonly conn: Deno.Conn;
  /** True once it carried a request (a request on it now is on a reused connection). */
  used = false;
  /** Idle since (performance.now()); 0 while in use. */
  idleSince = 0;
  /** Timer that closes it once idle for `idleMs`. */
  timer: ReturnType<typeof setTimeout> | undefined;
  /** Its pool no longer counts it. */
  placeFreed = false;
  #buffer = new Uint8Array(READ_SIZE);
  #out: Uint8Array | undefined;
  /** A read started while idle, which the next answer takes over. */
  #waiting: Promise<number | null> | undefined;
  /** Bumped at each change between idle and in use. */
  #turn = 0;
  #closed = false;

  constructor(conn: Deno.Conn) {
    this.conn = conn;
  }

  /** True once closed (by either side, as far as this side knows). */
  get closed(): boolean {
    return this.#closed;
  }

  /**
   * The next bytes of the connection (valid until the next read), or null when the server
   * closed it.
   */
  async read(): Promise<Uint8Array | null> {
    const pending = this.#waiting ?? this.conn.read(this.#buffer);
    this.#waiting = undefined;
    const n = await pending;
    return n === null ? null : this.#buffer.subarray(0, n);
  }

  /**
   * A buffer of at least `size` bytes for the next request's bytes, reused from one request to
   * the next (up to {@link READ_SIZE}; a larger request gets a buffer of its own).
   */
  scratch = (size: number): Uint8Array => {
    if (size > READ_SIZE) return new Uint8Array(size);
    if (!this.#out || this.#out.length < size) this.#out = new Uint8Array(Math.max(size, 4096));
    return this.#out;
  };

  /** Writes all of `bytes`. */
  async write(bytes: Uint8Array): Promise<void> {
    for (let at = 0; at < bytes.length;) at += await this.conn.write(bytes.subarray(at));
  }

  /** Closes it (any read or write under way fails). */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    try {
      this.conn.close();
    } catch { /* closed already */ }
  }

  /** Idle from now on: a read waits for the server closing it (then `gone` is called). */
  rest(gone: () => void): void {
    const turn = ++this.#turn;
    this.idleSince = performance.now();
    this.conn.unref();
    const waiting = this.conn.read(this.#buffer);
    this.#waiting = waiting;
    const settled = () => {
      if (this.#turn === turn) gone();
    };
    waiting.then(settled, settled);
  }

  /** In use from now on. */
  wake(): void {
    this.#turn++;
    this.idleSince = 0;
    this.conn.ref();
  }
}

/** Options of {@link ConnPool}. */
export interface ConnPoolOptions {
  /** Most connections open at once (idle or in use); more callers wait in turn. */
  limit: number;
  /** An idle connection is closed after this many ms. */
  idleMs: number;
  /**
   * Opens a new connection for a request to `url` (its errors go to the caller of
   * {@link ConnPool.acquire}).
   */
  open: (url: string) => Promise<Deno.Conn>;
}

interface Waiter {
  resolve: (connection: Connection | undefined) => void;
  reject: (error: unknown) => void;
}

/** The connections to one place (one origin, through one proxy, for reads or for writes). */
export class ConnPool {
  readonly #options: ConnPoolOptions;
  readonly #idle: Connection[] = [];
  readonly #busy = new Set<Connection>();
  /** Connections open or being opened. */
  #count = 0;
  readonly #waiters: Waiter[] = [];
  #closed = false;

  constructor(options: ConnPoolOptions) {
    this.#options = options;
  }

  /** Connections open or being opened, and idle ones (for tests). */
  get sizes(): { open: number; idle: number } {
    return { open: this.#count, idle: this.#idle.length };
  }

  /**
   * A connection for one request: an idle one (unless `fresh`), else a new one; at the limit,
   * waits for one. `signal` stops the wait (and the opening).
   */
  async acquire(url: string, signal?: AbortSignal, fresh = false): Promise<Connection> {
    for (;;) {
      if (this.#closed) throw new Error("the pool is closed");
      if (!fresh) {
        const idle = this.#takeIdle();
        if (idle) return idle;
      } else if (this.#count >= this.#options.limit) {
        // A fresh one is asked for: an idle one gives its place.
        const idle = this.#idle.pop();
        if (idle) this.#drop(idle);
      }
      if (this.#count < this.#options.limit) return await this.#openOne(url, signal);
      const handed = await this.#wait(signal);
      if (!handed) continue; // a place was freed: open one
      if (!fresh) return handed;
      this.#drop(handed);
    }
  }

  /** The answer was read whole and the connection may carry another request: keep it. */
  release(connection: Connection): void {
    this.#busy.delete(connection);
    connection.used = true;
    if (this.#closed || connection.closed) return this.#drop(connection);
    const waiter = this.#waiters.shift();
    if (waiter) {
      this.#busy.add(connection);
      return waiter.resolve(connection);
    }
    this.#idle.push(connection);
    connection.rest(() => {
      // The server closed it, or sent something unasked, while it was idle.
      this.#removeIdle(connection);
      this.#drop(connection);
    });
    if (connection.timer === undefined) this.#arm(connection, this.#options.idleMs);
  }

  /** Closes a connection that may not carry another request (an error, an abort, a close). */
  discard(connection: Connection): void {
    this.#busy.delete(connection);
    this.#drop(connection);
  }

  /** Closes every connection; waiting callers fail. */
  close(reason: unknown): void {
    this.#closed = true;
    for (const c of this.#idle.splice(0)) c.close();
    for (const c of this.#busy) c.close();
    this.#busy.clear();
    for (const w of this.#waiters.splice(0)) w.reject(reason);
  }

  #takeIdle(): Connection | undefined {
    const now = performance.now();
    for (;;) {
      const c = this.#idle.pop();
      if (!c) return undefined;
      if (c.closed || now - c.idleSince >= this.#options.idleMs) {
        this.#drop(c);
        continue;
      }
      c.wake();
      this.#busy.add(c);
      return c;
    }
  }

  async #openOne(url: string, signal?: AbortSignal): Promise<Connection> {
    this.#count++;
    let conn: Deno.Conn;
    try {
      conn = await this.#options.open(url);
    } catch (error) {
      this.#count--;
      this.#wakeOne();
      throw error;
    }
    const connection = new Connection(conn);
    this.#busy.add(connection);
    if (this.#closed || signal?.aborted) {
      this.discard(connection);
      if (this.#closed) throw new Error("the pool is closed");
      signal?.throwIfAborted();
    }
    return connection;
  }

  #wait(signal?: AbortSignal): Promise<Connection | undefined> {
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        resolve: (c) => {
          signal?.removeEventListener("abort", onAbort);
          resolve(c);
        },
        reject: (e) => {
          signal?.removeEventListener("abort", onAbort);
          reject(e);
        },
      };
      const onAbort = () => {
        const at = this.#waiters.indexOf(waiter);
        if (at >= 0) this.#waiters.splice(at, 1);
        reject(signal!.reason);
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      this.#waiters.push(waiter);
    });
  }

  /** Closes a connection and frees its place (once). */
  #drop(connection: Connection): void {
    connection.close();
    if (connection.placeFreed) return;
    connection.placeFreed = true;
    this.#count--;
    this.#wakeOne();
  }

  #wakeOne(): void {
    if (this.#count < this.#options.limit) this.#waiters.shift()?.resolve(undefined);
  }

  #removeIdle(connection: Connection): void {
    const at = this.#idle.indexOf(connection);
    if (at >= 0) this.#idle.splice(at, 1);
  }

  /** Closes `connection` once it has been idle for `idleMs`. */
  #arm(connection: Connection, ms: number): void {
    const timer = setTimeout(() => {
      connection.timer = undefined;
      if (connection.closed || connection.idleSince === 0) return; // in use: armed again later
      const left = this.#options.idleMs - (performance.now() - connection.idleSince);
      if (left > 0) return this.#arm(connection, left);
      this.#removeIdle(connection);
      this.#drop(connection);
    }, ms);
    Deno.unrefTimer(Number(timer));
    connection.timer = timer;
  }
}
