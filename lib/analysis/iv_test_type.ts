/**
 * The code of the IV test type, alone in its module: a step's `--help` names it as a default
 * without loading the IV analysis.
 *
 * @module
 */

/** The IV test type of the sandbox catalogue (VOLTAGE and CURRENT arrays). */
export const IV_TEST_TYPE = "IV_MEASURE";
