/**
 * Deliberate faults for testing clients: latency on every API request, a rate of 5xx answers
 * (the command is not performed) and a rate of dropped connections (for writes, half of the
 * drops happen after the write was committed, so the client cannot know the outcome). Decisions
 * come from a seeded PRNG, one fixed set of draws per request: the same seed and request order
 * give the same faults.
 *
 * @module
 */

/** Fault settings; rates are probabilities 0..1. */
export interface FaultSettings {
  latencyMs: number;
  failRate: number;
  dropRate: number;
}

/** What to do with one request. */
export interface FaultPlan {
  /** Delay before handling, in milliseconds. */
  latencyMs: number;
  /** Answer this 5xx status without performing the command (0 for none). */
  failStatus: 0 | 500 | 503;
  /** Destroy the socket: before the command runs, after it (writes only), or not at all. */
  drop: "none" | "before" | "after";
}

/** mulberry32: a small, fast, seedable PRNG giving floats in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Decides the faults of successive requests. */
export class Faults {
  #settings: FaultSettings;
  readonly #random: () => number;

  constructor(settings: Partial<FaultSettings>, readonly seed: number) {
    this.#settings = { latencyMs: 0, failRate: 0, dropRate: 0 };
    this.set(settings);
    this.#random = mulberry32(seed);
  }

  /** Changes some settings (the PRNG sequence goes on). */
  set(settings: Partial<FaultSettings>): void {
    const next = { ...this.#settings };
    if (settings.latencyMs !== undefined) {
      next.latencyMs = nonNegative("latencyMs", settings.latencyMs);
    }
    if (settings.failRate !== undefined) next.failRate = rate("failRate", settings.failRate);
    if (settings.dropRate !== undefined) next.dropRate = rate("dropRate", settings.dropRate);
    this.#settings = next;
  }

  /** The current settings. */
  get settings(): FaultSettings {
    return { ...this.#settings };
  }

  /** The plan of the next request; always draws four numbers so the sequence stays aligned. */
  next(write: boolean): FaultPlan {
    const [fail, kind, drop, when] = [
      this.#random(),
      this.#random(),
      this.#random(),
      this.#random(),
    ];
    const s = this.#settings;
    if (fail < s.failRate) {
      return { latencyMs: s.latencyMs, failStatus: kind < 0.5 ? 500 : 503, drop: "none" };
    }
    if (drop < s.dropRate) {
      return {
        latencyMs: s.latencyMs,
        failStatus: 0,
        drop: write && when < 0.5 ? "after" : "before",
      };
    }
    return { latencyMs: s.latencyMs, failStatus: 0, drop: "none" };
  }
}

function rate(name: string, v: number): number {
  if (!Number.isFinite(v) || v < 0 || v > 1) throw new RangeError(`${name} must be 0..1, got ${v}`);
  return v;
}

function nonNegative(name: string, v: number): number {
  if (!Number.isFinite(v) || v < 0) throw new RangeError(`${name} must be >= 0, got ${v}`);
  return v;
}
