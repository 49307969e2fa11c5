/**
 * Notebook cells run out of order: a guard at the top of a cell that says, in one line, which
 * earlier cell to run, instead of a bare `ReferenceError: modules is not defined`.
 *
 * @example In a notebook cell
 * ```ts
 * import { need } from "./cell_order.ts";
 * const modules = [1, 2, 3];
 * need({ "Read every file": () => modules });
 * console.log(modules.length);
 * ```
 *
 * @module
 */

import { ItkpdError } from "../errors.ts";

/** A cell ran before a cell it needs: one line naming that cell, and a stack of that line. */
export class CellOrderError extends ItkpdError {
  /** The earlier cell to run (its heading). */
  readonly cell: string;
  /** The name that is not defined yet. */
  readonly missing: string;

  constructor(cell: string, missing: string) {
    super(
      `this cell needs ${missing} from the cell under “${cell}”: run that cell first ` +
        "(and the cells above it), or Run All",
    );
    this.name = "CellOrderError";
    this.cell = cell;
    this.missing = missing;
    // The kernel shows the stack as the traceback: one line is all there is to say.
    this.stack = `${this.name}: ${this.message}`;
  }
}

/**
 * Checks that the earlier cells a cell needs have run: each entry maps a cell's heading to a
 * function that reads a name that cell defines. The first name not defined yet throws a
 * {@linkcode CellOrderError} naming its cell; any other error is rethrown as it is.
 *
 * @example
 * ```ts
 * import { CellOrderError, need } from "./cell_order.ts";
 * // What reading a name that no cell has defined yet does:
 * const notYet = () => {
 *   throw new ReferenceError("modules is not defined");
 * };
 * try {
 *   need({ "Read every file": notYet });
 * } catch (e) {
 *   console.log(e instanceof CellOrderError && e.missing === "modules"); // true
 * }
 * ```
 */
export function need(cells: Record<string, () => unknown>): void {
  for (const [cell, use] of Object.entries(cells)) {
    try {
      use();
    } catch (e) {
      if (!(e instanceof ReferenceError)) throw e;
      const name = /^(\S+) is not defined/.exec(e.message)?.[1] ?? "a name";
      throw new CellOrderError(cell, name);
    }
  }
}
