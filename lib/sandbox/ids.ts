/**
 * Identifiers the way the service makes them: 24-hex object ids and 32-hex component codes.
 *
 * @module
 */

/** The two hex digits of each byte value. */
const HEX = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, "0"));

/** `n` random bytes as lower-case hex. */
export function randomHex(bytes: number): string {
  const buf = crypto.getRandomValues(new Uint8Array(bytes));
  let out = "";
  for (const b of buf) out += HEX[b];
  return out;
}

/** A new 24-hex object id (like a MongoDB ObjectId: 4 bytes of time, then random). */
export function newObjectId(now: Date = new Date()): string {
  const time = Math.floor(now.getTime() / 1000).toString(16).padStart(8, "0").slice(-8);
  return time + randomHex(8);
}

/** A new 32-hex component code. */
export function newComponentCode(): string {
  return randomHex(16);
}
