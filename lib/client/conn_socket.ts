/**
 * A `node:stream` Duplex over a `Deno.Conn`, with the few socket methods `node:http` and its
 * `Agent` call (`setTimeout`, `setKeepAlive`, `setNoDelay`, `ref`, `unref`, `destroySoon`), so
 * that a connection opened with Deno's own TLS (`Deno.connectTls`, `Deno.startTls`) can carry
 * `node:http` requests.
 *
 * @module
 */
import { Buffer } from "node:buffer";
import { Duplex } from "node:stream";

const READ_SIZE = 64 * 1024;

/**
 * The socket handed to `node:http` for one connection.
 *
 * @example
 * ```ts ignore
 * import { ConnSocket } from "./conn_socket.ts";
 * const conn = await Deno.connectTls({ hostname: "itkpd.unicornuniversity.net", port: 443 });
 * await conn.handshake();
 * const socket = new ConnSocket(conn); // give it to node:http (an Agent's createConnection)
 * ```
 */
export class ConnSocket extends Duplex {
  /** Always false: the connection is open before it is wrapped. */
  readonly connecting = false;
  /** The address of the peer (the proxy, when tunnelled). */
  readonly remoteAddress?: string;
  /** The port of the peer. */
  readonly remotePort?: number;
  readonly #conn: Deno.Conn;
  #reading = false;
  #timeoutMs = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(conn: Deno.Conn) {
    super({ allowHalfOpen: false });
    this.#conn = conn;
    const remote = conn.remoteAddr as Deno.NetAddr;
    this.remoteAddress = remote?.hostname;
    this.remotePort = remote?.port;
  }

  override _read(): void {
    if (this.#reading) return;
    this.#reading = true;
    const buffer = new Uint8Array(READ_SIZE);
    this.#conn.read(buffer).then(
      (n) => {
        this.#reading = false;
        if (this.destroyed) return;
        this.#touch();
        if (n === null) {
          this.push(null);
          return;
        }
        if (this.push(Buffer.from(buffer.buffer, 0, n))) this._read();
      },
      (error: Error) => {
        this.#reading = false;
        if (!this.destroyed) this.destroy(socketError(error));
      },
    );
  }

  override _write(
    chunk: Buffer,
    _encoding: string,
    callback: (error?: Error | null) => void,
  ): void {
    this.#touch();
    writeAll(this.#conn, chunk).then(() => callback(), (e: Error) => callback(socketError(e)));
  }

  override _final(callback: (error?: Error | null) => void): void {
    // Tells the peer that nothing more comes (TLS close_notify, TCP FIN); it then closes.
    this.#conn.closeWrite().then(() => callback(), () => callback());
  }

  override _destroy(error: Error | null, callback: (error: Error | null) => void): void {
    clearTimeout(this.#timer);
    try {
      this.#conn.close();
    } catch { /* already closed */ }
    callback(error);
  }

  /** Emits `timeout` after `ms` without traffic (0 switches it off), as `net.Socket` does. */
  setTimeout(ms: number, callback?: () => void): this {
    this.#timeoutMs = ms;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    if (callback) this.once("timeout", callback);
    this.#touch();
    return this;
  }

  /** TCP keep-alive is left to the system. */
  setKeepAlive(): this {
    return this;
  }

  /** Nagle's algorithm is left to the system (requests are written in one piece). */
  setNoDelay(): this {
    return this;
  }

  /** Keeps the process alive while the connection is open (the default). */
  ref(): this {
    this.#conn.ref();
    return this;
  }

  /** Lets the process end while the connection is idle (a kept-alive socket). */
  unref(): this {
    this.#conn.unref();
    return this;
  }

  /** Ends the writable side, then closes once everything is written (as `net.Socket`). */
  destroySoon(): void {
    if (this.writable) this.end();
    if (this.writableFinished) this.destroy();
    else this.once("finish", () => this.destroy());
  }

  #touch(): void {
    if (this.#timeoutMs <= 0 || this.destroyed) return;
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => this.emit("timeout"), this.#timeoutMs);
    // Like net.Socket's timer, it never keeps the process alive by itself.
    Deno.unrefTimer(Number(this.#timer));
  }
}

async function writeAll(conn: Deno.Conn, chunk: Uint8Array): Promise<void> {
  for (let offset = 0; offset < chunk.byteLength;) {
    offset += await conn.write(chunk.subarray(offset));
  }
}

/** A Deno I/O error as `node:net` reports it (with `code`), for `node:http`'s messages. */
function socketError(error: Error): Error {
  if ((error as { code?: string }).code) return error;
  const code = error instanceof Deno.errors.ConnectionReset
    ? "ECONNRESET"
    : error instanceof Deno.errors.BrokenPipe
    ? "EPIPE"
    : error instanceof Deno.errors.ConnectionAborted
    ? "ECONNABORTED"
    : error instanceof Deno.errors.TimedOut
    ? "ETIMEDOUT"
    : "ECONNRESET";
  return Object.assign(new Error(`${code}: ${error.message}`, { cause: error }), { code });
}
