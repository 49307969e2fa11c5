/**
 * The command table: the path after the API prefix → command.
 *
 * @module
 */
import {
  createComponentAttachment,
  createTestRunAttachment,
  getTestRunAttachment,
} from "./commands/attachments.ts";
import { getBinaryData } from "./commands/binary.ts";
import {
  getComponentType,
  getTestType,
  listComponentTypes,
  listInstitutions,
  listTestTypes,
} from "./commands/catalogue.ts";
import {
  getComponent,
  getComponentBulk,
  listComponents,
  registerComponent,
  setComponentStage,
} from "./commands/components.ts";
import type { CommandDef } from "./commands/context.ts";
import {
  deleteTestRun,
  getTestRun,
  getTestRunBulk,
  listTestRunsByComponent,
  listTestRunsByTestType,
  uploadTestRunResults,
} from "./commands/test_runs.ts";

/** Every command the sandbox serves, by the path after `/api/`. */
const COMMANDS: Readonly<Record<string, CommandDef>> = {
  listInstitutions,
  listComponentTypes,
  getComponentType,
  listTestTypes,
  getTestType,
  registerComponent,
  setComponentStage,
  getComponent,
  getComponentBulk,
  listComponents,
  uploadTestRunResults,
  getTestRun,
  getTestRunBulk,
  listTestRunsByComponent,
  listTestRunsByTestType,
  deleteTestRun,
  createTestRunAttachment,
  createComponentAttachment,
  getTestRunAttachment,
  "uu-app-binarystore/getBinaryData": getBinaryData,
};

/** The command at `path` (e.g. `getComponent`), if the sandbox serves one there. */
export function route(path: string): CommandDef | undefined {
  return Object.hasOwn(COMMANDS, path) ? COMMANDS[path] : undefined;
}
