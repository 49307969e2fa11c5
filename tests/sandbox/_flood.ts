/**
 * A subprocess of the sandbox server tests: opens `n` connections to `url` at once, each a POST
 * declaring and streaming `mb` MiB of body (with a bad token on every other one), and prints
 * what each got back: the status line it read, or the error that ended it.
 *
 *   deno run --allow-net=127.0.0.1 _flood.ts URL N MB
 */
import { connect } from "node:net";

const [url, n, mb] = [new URL(Deno.args[0]), Number(Deno.args[1]), Number(Deno.args[2])];
const chunk = new Uint8Array(1024 * 1024).fill(32);

function one(k: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(Number(url.port), url.hostname);
    let answer = "";
    let sent = 0;
    const finish = (what: string) => {
      socket.destroy();
      resolve(what);
    };
    socket.on("data", (d: Uint8Array) => {
      answer += new TextDecoder().decode(d);
      const status = /^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1];
      if (status) finish(status);
    });
    socket.on("error", (e: Error & { code?: string }) => finish(e.code ?? e.message));
    socket.on("close", () => finish(answer ? answer.slice(0, 12) : "closed"));
    socket.on("connect", () => {
      const auth = k % 2 ? "authorization: Bearer not-a-token\r\n" : "";
      socket.write(
        `POST ${url.pathname} HTTP/1.1\r\nhost: ${url.host}\r\ncontent-type: application/json\r\n` +
          `${auth}content-length: ${mb * 1024 * 1024}\r\n\r\n`,
      );
      const pump = () => {
        while (sent < mb) {
          sent++;
          if (!socket.write(chunk)) return void socket.once("drain", pump);
        }
      };
      pump();
    });
  });
}

console.log(JSON.stringify(await Promise.all(Array.from({ length: n }, (_, k) => one(k)))));
