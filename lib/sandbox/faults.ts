/**
 * Deliberate faults for testing clients: latency on every API request, a rate of 5xx answers
 * (the command is not performed), a rate of dropped connections (for writes, half of the drops
 * happen after the write was committed, so the client cannot know the outcome), and a rate of
 * slow commits (a write answered as a dropped connection and committed only later, after the
 * client gave up: a look-up right after the lost answer does not see it yet). Decisions come from
 * seeded PRNGs, one fixed set of draws per request: the same seed and request order give the
 * same faults (slow commits draw from their own generator, so that turning them on leaves the
 * other faults' sequence unchanged).
 *
 * @module
 */

/** Fault settings; rates are probabilities 0..1. */
export interface FaultSettings {
  latencyMs: number;
  failRate: number;
  dropRate: number;
  /** Probability 0..1 that a write is answered as a drop and committed `slowCommitMs` later. */
  slowCommitRate: number;
  /** Delay of a slow commit after the drop, in milliseconds. */
  slowCommitMs: number;
}

/** Default delay of a slow commit. */
const DEFAULT_SLOW_COMMIT_MS = 1000;

/** What to do with one request. */
export interface FaultPlan {
  /** Delay before handling, in milliseconds. */
  latencyMs: number;
  /** Answer this 5xx status without performing the command (0 for none). */
  failStatus: 0 | 500 | 503;
  /** Destroy the socket: before the command runs, after it (writes only), or not at all. */
  drop: "none" | "before" | "after";
  /** Writes only: drop the connection now and commit the write this many ms later (0: no). */
  slowCommitMs: number;
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
  /** Commands whose next requests fail, and how many more. */
  readonly #failNext = new Map<string, number>();
  readonly #random: () => number;
  readonly #slowRandom: () => number;

  constructor(settings: Partial<FaultSettings>, readonly seed: number) {
    this.#settings = {
      latencyMs: 0,
      failRate: 0,
      dropRate: 0,
      slowCommitRate: 0,
      slowCommitMs: DEFAULT_SLOW_COMMIT_MS,
    };
    this.set(settings);
    this.#random = mulberry32(seed);
    this.#slowRandom = mulberry32(seed ^ 0x5eed5eed);
  }

  /** Changes some settings (the PRNG sequence goes on). */
  set(settings: Partial<FaultSettings>): void {
    const next = { ...this.#settings };
    if (settings.latencyMs !== undefined) {
      next.latencyMs = nonNegative("latencyMs", settings.latencyMs);
    }
    if (settings.failRate !== undefined) next.failRate = rate("failRate", settings.failRate);
    if (settings.dropRate !== undefined) next.dropRate = rate("dropRate", settings.dropRate);
    if (settings.slowCommitRate !== undefined) {
      next.slowCommitRate = rate("slowCommitRate", settings.slowCommitRate);
    }
    if (settings.slowCommitMs !== undefined) {
      next.slowCommitMs = nonNegative("slowCommitMs", settings.slowCommitMs);
    }
    this.#settings = next;
  }

  /**
   * Makes the next `times` requests of each command fail with HTTP 500, the command not
   * performed (e.g. `{ createTestRunAttachment: 1 }`: one attachment fails, whatever else is
   * sent around it). Adds to what is left of an earlier call.
   */
  failNext(commands: Readonly<Record<string, number>>): void {
    for (const [command, times] of Object.entries(commands)) {
      if (!Number.isInteger(times) || times < 0) {
        throw new RangeError(`failNext.${command} must be an integer >= 0, got ${times}`);
      }
      this.#failNext.set(command, (this.#failNext.get(command) ?? 0) + times);
    }
  }

  /** True when this request of `command` is one of those {@link failNext} asked to fail. */
  takeFailure(command: string): boolean {
    const left = this.#failNext.get(command) ?? 0;
    if (left <= 0) return false;
    this.#failNext.set(command, left - 1);
    return true;
  }

  /** The current settings. */
  get settings(): FaultSettings {
    return { ...this.#settings };
  }

  /**
   * The plan of the next request; always draws four numbers (and one more of the slow-commit
   * generator for a write) so the sequences stay aligned.
   */
  next(write: boolean): FaultPlan {
    const [fail, kind, drop, when] = [
      this.#random(),
      this.#random(),
      this.#random(),
      this.#random(),
    ];
    const slow = write ? this.#slowRandom() : 1;
    const s = this.#settings;
    const plan: FaultPlan = {
      latencyMs: s.latencyMs,
      failStatus: 0,
      drop: "none",
      slowCommitMs: 0,
    };
    if (fail < s.failRate) return { ...plan, failStatus: kind < 0.5 ? 500 : 503 };
    if (drop < s.dropRate) return { ...plan, drop: write && when < 0.5 ? "after" : "before" };
    if (slow < s.slowCommitRate) return { ...plan, slowCommitMs: Math.max(1, s.slowCommitMs) };
    return plan;
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
