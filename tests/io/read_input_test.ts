/** Bounded, strict reading of input files (lib/io/read_input.ts). */
import assert from "node:assert/strict";
import { join } from "node:path";
import { InputError, ParseError } from "../../lib/errors.ts";
import {
  decodeText,
  firstInvalidUtf8,
  MAX_INPUT_BYTES,
  readInputBytes,
  readInputText,
} from "../../lib/io/read_input.ts";

const utf16 = (text: string, order: "le" | "be", bom = true) => {
  const out = new Uint8Array((text.length + (bom ? 1 : 0)) * 2);
  const units = [...(bom ? [0xfeff] : []), ...Array.from(text, (c) => c.charCodeAt(0))];
  units.forEach((u, i) => {
    out[2 * i + (order === "le" ? 0 : 1)] = u & 0xff;
    out[2 * i + (order === "le" ? 1 : 0)] = u >> 8;
  });
  return out;
};

Deno.test("readInputBytes: what is not a regular file is refused before it is read", async (t) => {
  const dir = await Deno.makeTempDir({ prefix: "itkpd_read_" });
  const refused = async (path: string, pattern: RegExp, opts = {}) => {
    await assert.rejects(
      readInputBytes(path, { name: "x.csv", what: "DAGE file", ...opts }),
      (e) => {
        assert.ok(e instanceof InputError, String(e));
        assert.match(e.message, pattern);
        assert.equal(e.message.split("\n").length, 2); // one line and its hint
        return true;
      },
    );
  };
  try {
    await t.step("a character device (/dev/zero, which would be read forever)", async () => {
      await refused("/dev/zero", /^x\.csv: cannot read the DAGE file \(it is a character device/);
    });
    await t.step("a FIFO: refused without blocking on it", async () => {
      const fifo = join(dir, "pipe.csv");
      const mk = await new Deno.Command("mkfifo", { args: [fifo] }).output();
      assert.equal(mk.code, 0);
      await refused(fifo, /it is a FIFO \(named pipe\)/);
    });
    await t.step("a socket", async () => {
      const path = join(dir, "s.csv");
      const listener = Deno.listen({ transport: "unix", path });
      try {
        await refused(path, /it is a socket/);
      } finally {
        listener.close();
      }
    });
    await t.step("a folder, a missing file", async () => {
      await refused(dir, /it is a folder/);
      await refused(join(dir, "nope.csv"), /\(no such file\)/);
    });
    await t.step("larger than the limit: refused from its size, not read", async () => {
      const big = join(dir, "big.csv");
      // A sparse file: 210 MB on paper, nothing on the disk, nothing read.
      const f = await Deno.open(big, { write: true, create: true });
      await f.truncate(210 * 1024 * 1024);
      f.close();
      await refused(big, /it is 210 MiB, above the limit of 16 MiB for one input file/);
      assert.equal(MAX_INPUT_BYTES, 16 * 1024 * 1024);
    });
    await t.step("a file longer than its size says (growing): the hard cap holds", async () => {
      // procfs files say size 0 and hold more: the read itself stops at the cap.
      await refused("/proc/self/status", /more than 64 bytes \(it grew while read\)/, {
        maxBytes: 64,
      });
    });
    await t.step("a file whose reads stop short before its end is read to its end", async () => {
      // procfs files say size 0 and give their text a page or so a read: only a file read
      // whole in one read as its size says is taken as read after that one read.
      // The memory map of this process: about 1 KB for each of its hundred or more mappings.
      const smaps = new TextDecoder().decode(await readInputBytes("/proc/self/smaps"));
      assert.ok(smaps.length > 32_768, `read to its end (${smaps.length} bytes)`);
      assert.match(smaps, /VmFlags:[^\n]*\n$/);
    });
    await t.step("a regular file within the limit is read whole", async () => {
      const path = join(dir, "ok.csv");
      await Deno.writeTextFile(path, "a".repeat(100_000));
      assert.equal((await readInputBytes(path)).length, 100_000);
      for (const n of [1, 4095, 4096, 4097, 65_537]) {
        const bytes = Uint8Array.from({ length: n }, (_, i) => i % 251);
        await Deno.writeFile(path, bytes);
        assert.deepStrictEqual(await readInputBytes(path), bytes, `${n} bytes`);
      }
      await Deno.writeTextFile(path, "");
      assert.equal((await readInputBytes(path)).length, 0);
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("decodeText: encodings", async (t) => {
  const text = '"DATE","10/09/2018"\n"OPERATOR","Zoë"\n';
  await t.step("UTF-8 with and without a byte-order mark", () => {
    const bytes = new TextEncoder().encode(text);
    assert.deepEqual(decodeText(bytes, "a.csv"), { text, encoding: "utf-8", bom: false });
    const bom = new Uint8Array([0xef, 0xbb, 0xbf, ...bytes]);
    assert.deepEqual(decodeText(bom, "a.csv"), { text, encoding: "utf-8", bom: true });
  });
  await t.step("UTF-16 LE and BE with a byte-order mark are read", () => {
    assert.deepEqual(decodeText(utf16(text, "le"), "a.csv"), {
      text,
      encoding: "utf-16le",
      bom: true,
    });
    assert.equal(decodeText(utf16(text, "be"), "a.csv").text, text);
  });
  await t.step("UTF-16 without a byte-order mark is named, not guessed", () => {
    assert.throws(() => decodeText(utf16(text, "le", false), "a.csv"), (e: unknown) => {
      assert.ok(e instanceof ParseError);
      assert.match(e.message, /^a\.csv: the file looks like UTF-16 LE text without a byte-order/);
      return true;
    });
  });
  await t.step("UTF-32 is named", () => {
    assert.throws(
      () => decodeText(new Uint8Array([0xff, 0xfe, 0, 0, 0x41, 0, 0, 0]), "a.csv"),
      /UTF-32/,
    );
  });
  await t.step("a U+FFFD written in the file itself is valid UTF-8, and kept", () => {
    const withMark = '"OPERATOR","\ufffd"\n';
    const bytes = new TextEncoder().encode(withMark);
    assert.deepEqual(decodeText(bytes, "a.csv"), { text: withMark, encoding: "utf-8", bom: false });
  });
  await t.step("invalid UTF-8: refused with file:line and the byte, never U+FFFD", () => {
    const bad = new Uint8Array([
      ...new TextEncoder().encode('"A","1"\n"OPERATOR","Def'),
      0xff,
      ...new TextEncoder().encode('ault"\n'),
    ]);
    assert.throws(() => decodeText(bad, "bad.csv"), (e: unknown) => {
      assert.ok(e instanceof ParseError);
      assert.equal(e.line, 2);
      assert.match(e.message, /^bad\.csv:2: not valid UTF-8 at line 2, byte 16 \(byte 0xff\)/);
      return true;
    });
  });
  await t.step("firstInvalidUtf8 knows overlongs, surrogates and cut sequences", () => {
    assert.equal(firstInvalidUtf8(new TextEncoder().encode("héllo 😀")), -1);
    assert.equal(firstInvalidUtf8(new Uint8Array([0x41, 0xc0, 0x80])), 1); // overlong
    assert.equal(firstInvalidUtf8(new Uint8Array([0xed, 0xa0, 0x80])), 0); // a surrogate
    assert.equal(firstInvalidUtf8(new Uint8Array([0x41, 0xe2, 0x82])), 1); // cut short
    assert.equal(firstInvalidUtf8(new Uint8Array([0xf5, 0x80, 0x80, 0x80])), 0);
  });
});

Deno.test("readInputText: a UTF-16 export is read like a UTF-8 one", async () => {
  const dir = await Deno.makeTempDir({ prefix: "itkpd_read_" });
  try {
    const path = join(dir, "u16.csv");
    await Deno.writeFile(path, utf16('"TEST",1\n', "le"));
    assert.equal(await readInputText(path), '"TEST",1\n');
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
