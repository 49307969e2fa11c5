/**
 * Tests of lib/parsers/units.ts: every DAGE load unit converted to grams (gram-force), through
 * `forceToGrams` and through a DAGE file's LOADUNIT.
 */
import assert from "node:assert/strict";
import {
  forceToGrams,
  KNOWN_CURRENT_UNITS,
  KNOWN_FORCE_UNITS,
  KNOWN_VOLTAGE_UNITS,
  microampsPer,
  STANDARD_GRAVITY,
  voltsPer,
} from "../../lib/parsers/units.ts";
import { parseDage } from "../../lib/parsers/dage.ts";
import { DAGE_HEADER, dageText } from "../_helpers/dage.ts";

const close = (a: number | undefined, b: number) =>
  assert.ok(a !== undefined && Math.abs(a - b) <= 1e-12 * Math.abs(b), `${a} vs ${b}`);

// [unit as written, grams in 1 of it]: 1 N = 1000 / 9.80665 g (standard gravity, exact by
// definition), written out here rather than computed the way the code does.
const UNITS: [string, number][] = [
  ["g", 1],
  ["gf", 1],
  ["mg", 0.001],
  ["kg", 1000],
  ["kgf", 1000],
  ["mN", 0.10197162129779283],
  ["cN", 1.0197162129779283],
  ["N", 101.97162129779283],
];

Deno.test("forceToGrams: every unit of the table", async (t) => {
  await t.step("the table is the documented one", () => {
    assert.deepEqual(UNITS.map(([u]) => u), [...KNOWN_FORCE_UNITS]);
    assert.equal(STANDARD_GRAVITY, 9.80665);
  });
  for (const [unit, grams] of UNITS) {
    await t.step(`1 ${unit} = ${grams} g; 12.5 ${unit} = ${12.5 * grams} g`, () => {
      close(forceToGrams(1, unit), grams);
      close(forceToGrams(12.5, unit), 12.5 * grams);
      assert.equal(forceToGrams(0, unit), 0);
    });
  }
});

Deno.test("forceToGrams: case and surrounding spaces do not matter", async (t) => {
  const cases: [string, number][] = [
    ["G", 1],
    ["GF", 1],
    ["Gf", 1],
    ["MG", 0.001],
    ["KG", 1000],
    ["Kg", 1000],
    ["KGF", 1000],
    ["kgF", 1000],
    ["mn", 0.10197162129779283],
    ["CN", 1.0197162129779283],
    ["n", 101.97162129779283],
    [" g ", 1],
    ["\tkg ", 1000],
    [" mN", 0.10197162129779283],
  ];
  for (const [unit, grams] of cases) {
    await t.step(`${JSON.stringify(unit)} = ${grams} g`, () => close(forceToGrams(1, unit), grams));
  }
});

Deno.test("forceToGrams: an unknown unit is undefined, never guessed", async (t) => {
  for (const unit of ["", "lbf", "oz", "kN", "dN", "ug", "grams", "g f", "%"]) {
    await t.step(JSON.stringify(unit), () => assert.equal(forceToGrams(3, unit), undefined));
  }
});

Deno.test("DAGE LOADUNIT: every unit reaches the loads in grams", async (t) => {
  for (const [unit, grams] of UNITS) {
    await t.step(`LOADUNIT ${unit}`, () => {
      const header = DAGE_HEADER.replace(`"LOADUNIT","g"`, `"LOADUNIT","${unit}"`);
      const r = parseDage(dageText([["1", 8], ["1", 0.5]], header), "u.csv");
      assert.deepEqual(r.errors, []);
      close(r.tests[0].load, 8 * grams);
      close(r.tests[1].load, 0.5 * grams);
      assert.deepEqual(r.tests[0].loadRaw, { value: 8, unit });
    });
  }
});

Deno.test("voltsPer, microampsPer: the IV units, as written", () => {
  assert.deepEqual(KNOWN_VOLTAGE_UNITS.map(voltsPer), [1, 1e-3, 1e3]);
  assert.deepEqual(KNOWN_CURRENT_UNITS.map(microampsPer), [1e6, 1e3, 1, 1e-3, 1e-6]);
  assert.equal(microampsPer("µA"), 1);
  assert.equal(microampsPer("μA"), 1);
  for (const unit of ["MV", "mv", "ua", "fA", ""]) {
    assert.equal(voltsPer(unit) ?? microampsPer(unit), undefined, unit);
  }
});

Deno.test("units: names of the language's own object keys are not units", () => {
  for (const unit of ["constructor", "toString", "__proto__", "hasOwnProperty"]) {
    assert.equal(forceToGrams(1, unit), undefined, unit);
    assert.equal(voltsPer(unit), undefined, unit);
    assert.equal(microampsPer(unit), undefined, unit);
  }
});
