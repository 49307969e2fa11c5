/**
 * Helpers of the progress tests: a writer that keeps what it gets with a clock the test moves,
 * and a kernel that records the displays it gets.
 *
 * @module
 */
import type { KernelDisplayOptions } from "../../lib/display/kernel.ts";
import type { MimeBundle } from "../../lib/display/mime.ts";

/** A writer that keeps what it gets, and a clock the test moves. */
export function harness() {
  let text = "";
  let clock = 0;
  return {
    writer: { write: (t: string) => void (text += t) },
    now: () => clock,
    advance: (ms: number) => void (clock += ms),
    text: () => text,
  };
}

/** A kernel that records the displays it gets. */
export function fakeKernel() {
  const sent: { bundle: MimeBundle; options: KernelDisplayOptions }[] = [];
  return {
    sent,
    display(bundle: MimeBundle, options: KernelDisplayOptions) {
      sent.push({ bundle, options });
      return Promise.resolve();
    },
  };
}
