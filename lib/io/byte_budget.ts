/**
 * A budget of bytes shared by tasks that run at the same time: a task takes its share before it
 * reads a file and gives it back when done, so that however many files are prepared at once,
 * the bytes read and being worked on never exceed the budget (one task larger than the whole
 * budget waits until it is alone, then runs).
 *
 * @module
 */

/**
 * Bytes shared by concurrent tasks.
 *
 * @example
 * ```ts
 * import { ByteBudget } from "./byte_budget.ts";
 * const budget = new ByteBudget(1000);
 * const release = await budget.acquire(600);
 * budget.inUse; // 600
 * release();
 * ```
 */
export class ByteBudget {
  readonly #limit: number;
  #used = 0;
  readonly #waiting: { bytes: number; go: () => void }[] = [];

  constructor(limit: number) {
    this.#limit = limit;
  }

  /** Bytes taken now. */
  get inUse(): number {
    return this.#used;
  }

  /** Waits until `bytes` fit (or nothing else is taken), takes them; returns the release. */
  async acquire(bytes: number): Promise<() => void> {
    const want = Math.max(0, Math.min(bytes, this.#limit));
    if (!this.#fits(want) || this.#waiting.length > 0) {
      await new Promise<void>((go) => this.#waiting.push({ bytes: want, go }));
    } else {
      this.#used += want;
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#used -= want;
      this.#wake();
    };
  }

  #fits(bytes: number): boolean {
    return this.#used === 0 || this.#used + bytes <= this.#limit;
  }

  #wake(): void {
    while (this.#waiting.length > 0 && this.#fits(this.#waiting[0].bytes)) {
      const next = this.#waiting.shift()!;
      this.#used += next.bytes;
      next.go();
    }
  }
}
