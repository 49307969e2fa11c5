import assert from "node:assert/strict";
import { CellOrderError, need } from "../../lib/notebook/cell_order.ts";

/** Reads a global the way a later cell reads a name an earlier cell defines. */
const read = (name: string) => () => new Function(`return ${name};`)();

Deno.test("need: a cell run too early says which cell to run, in one line", async (t) => {
  await t.step("every name defined: nothing happens", () => {
    const g = globalThis as Record<string, unknown>;
    g.itkpdCellOrderDefined = 1;
    try {
      need({ "Read every file": read("itkpdCellOrderDefined") });
    } finally {
      delete g.itkpdCellOrderDefined;
    }
  });
  await t.step("the first missing name names its cell", () => {
    const g = globalThis as Record<string, unknown>;
    g.itkpdCellOrderDefined = 1;
    try {
      assert.throws(
        () =>
          need({
            "The data": read("itkpdCellOrderDefined"),
            "Read every file": read("itkpdCellOrderModules"),
            "One line per module": read("itkpdCellOrderRows"),
          }),
        (e: unknown) => {
          assert.ok(e instanceof CellOrderError);
          assert.equal(e.cell, "Read every file");
          assert.equal(e.missing, "itkpdCellOrderModules");
          assert.equal(
            e.message,
            "this cell needs itkpdCellOrderModules from the cell under “Read every file”: " +
              "run that cell first (and the cells above it), or Run All",
          );
          assert.equal(e.stack, `CellOrderError: ${e.message}`);
          return true;
        },
      );
    } finally {
      delete g.itkpdCellOrderDefined;
    }
  });
  await t.step("other errors pass through unchanged", () => {
    const boom = new TypeError("boom");
    assert.throws(() =>
      need({
        x: () => {
          throw boom;
        },
      }), (e) => e === boom);
  });
});
