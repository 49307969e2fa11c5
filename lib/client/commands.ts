/**
 * The ITkPD commands the toolkit uses: for each, its wire method, the zod shape of its input
 * (checked before sending) and of its answer (checked on arrival), and whether it pages or takes
 * a bulk list. Unknown keys are kept in both directions: the service adds fields over time.
 *
 * @module
 */
import { z } from "zod";
import {
  answer,
  PageInfoSchema,
  ProjectCodeSchema,
  UuAppErrorMapSchema,
} from "../schemas/common.ts";
import { ComponentTypeSchema, InstitutionSchema } from "../schemas/catalogue.ts";
import { ComponentSchema, RegisterComponentInputSchema } from "../schemas/component.ts";
import { TestTypeSchema } from "../schemas/test_type.ts";
import { TestRunSchema, TestRunSummarySchema, TestRunUploadSchema } from "../schemas/test_run.ts";

/** A file to attach: its name, bytes and (optionally) content type. */
const AttachmentFileSchema = z.object({
  /** The file name stored with the attachment (sent as `url` and as the part's filename). */
  name: z.string().min(1).refine((n) => !/[\\/]/.test(n), {
    message: "a file name, not a path",
  }),
  /** The bytes. */
  data: z.custom<Uint8Array>((v) => v instanceof Uint8Array, "the bytes must be a Uint8Array"),
  /** Content type; by default from the name's extension (`.csv` → `text/csv`). */
  contentType: z.string().min(1).optional(),
});
export type AttachmentFile = z.infer<typeof AttachmentFileSchema>;

const attachmentFields = {
  file: AttachmentFileSchema,
  /** Title; default the file name. */
  title: z.string().optional(),
  /** Description; default empty. */
  description: z.string().optional(),
};

/** Most ids a bulk command takes in one call. */
export const BULK_LIMIT = 100;

/** `pageInfo` of a list input. */
const PageInfoInputSchema = z.looseObject({
  pageIndex: z.number().int().nonnegative().optional(),
  pageSize: z.number().int().positive().optional(),
});

const id = z.string().min(1);
const idList = z.array(id).min(1).max(BULK_LIMIT);
const oneOrMore = z.union([z.string().min(1), z.array(z.string().min(1))]);
const paged = { pageInfo: PageInfoInputSchema.optional() };

/** A component type as listed by `listComponentTypes`. */
const ComponentTypeListItemSchema = z.looseObject({
  id: z.string().optional(),
  code: z.string(),
  name: z.string().optional(),
});

/** A run of `listTestRunsByTestType` (a summary, maybe with its components). */
const TestRunListItemSchema = TestRunSummarySchema.extend({
  components: z.array(z.looseObject({ code: z.string() })).nullish(),
});

/** CommandInputs of every command. */
export const CommandInputs = {
  listInstitutions: z.looseObject({ ...paged }),
  listComponentTypes: z.looseObject({ project: ProjectCodeSchema, ...paged }),
  getComponentType: z.looseObject({
    id: id.optional(),
    code: id.optional(),
    project: ProjectCodeSchema.optional(),
  }).refine((v) => v.id !== undefined || v.code !== undefined, {
    message: "give id, or code and project",
    path: ["id"],
  }),
  listTestTypes: z.looseObject({
    project: ProjectCodeSchema,
    componentType: id,
    state: z.string().optional(),
    ...paged,
  }),
  getTestType: z.looseObject({
    id: id.optional(),
    code: id.optional(),
    project: ProjectCodeSchema.optional(),
    componentType: id.optional(),
  }).refine((v) => v.id !== undefined || v.code !== undefined, {
    message: "give id, or code, project and componentType",
    path: ["id"],
  }),
  registerComponent: RegisterComponentInputSchema.loose(),
  setComponentStage: z.looseObject({ component: id, stage: id }),
  getComponent: z.looseObject({ component: id }),
  getComponentBulk: z.looseObject({ component: idList }),
  listComponents: z.looseObject({
    project: ProjectCodeSchema,
    componentType: oneOrMore.optional(),
    institution: oneOrMore.optional(),
    type: oneOrMore.optional(),
    ...paged,
  }),
  uploadTestRunResults: TestRunUploadSchema,
  getTestRun: z.looseObject({ testRun: id }),
  getTestRunBulk: z.looseObject({ testRun: idList }),
  listTestRunsByComponent: z.looseObject({
    filterMap: z.looseObject({
      code: id,
      stage: oneOrMore.optional(),
      testType: oneOrMore.optional(),
      state: oneOrMore.optional(),
    }),
    ...paged,
  }),
  listTestRunsByTestType: z.looseObject({
    project: ProjectCodeSchema,
    componentType: id,
    testType: oneOrMore,
    state: oneOrMore.optional(),
    stage: oneOrMore.optional(),
    ...paged,
  }),
  deleteTestRun: z.looseObject({ testRun: id, reason: z.string().optional() }),
  getBinaryData: z.looseObject({ code: id }),
  createTestRunAttachment: z.object({ testRun: id, ...attachmentFields }),
  createComponentAttachment: z.object({ component: id, ...attachmentFields }),
  getTestRunAttachment: z.looseObject({ testRun: id, code: id }),
} as const;

const errorMap = { uuAppErrorMap: UuAppErrorMapSchema.optional() };
const pageOf = <T extends z.ZodType>(item: T) =>
  answer({ pageItemList: z.array(item), pageInfo: PageInfoSchema.optional() });

/**
 * CommandAnswers of every command (except getBinaryData and getTestRunAttachment, which answer
 * bytes).
 */
export const CommandAnswers = {
  listInstitutions: pageOf(InstitutionSchema),
  listComponentTypes: pageOf(ComponentTypeListItemSchema),
  getComponentType: ComponentTypeSchema.extend(errorMap),
  listTestTypes: answer({
    pageItemList: z.array(TestTypeSchema),
    pageInfo: PageInfoSchema.optional(),
    componentType: z.unknown().optional(),
  }),
  getTestType: TestTypeSchema.extend(errorMap),
  registerComponent: answer({ component: ComponentSchema }),
  setComponentStage: answer({ component: ComponentSchema.optional() }),
  getComponent: ComponentSchema.extend(errorMap),
  getComponentBulk: answer({ itemList: z.array(ComponentSchema) }),
  listComponents: pageOf(ComponentSchema),
  uploadTestRunResults: answer({ testRun: z.looseObject({ id: z.string() }) }),
  getTestRun: TestRunSchema.extend(errorMap),
  getTestRunBulk: answer({ itemList: z.array(TestRunSchema) }),
  listTestRunsByComponent: answer({
    itemList: z.array(TestRunSummarySchema),
    pageInfo: PageInfoSchema.optional(),
  }),
  listTestRunsByTestType: pageOf(TestRunListItemSchema),
  deleteTestRun: answer({ testRun: z.looseObject({ id: z.string() }).optional() }),
  createTestRunAttachment: TestRunSchema.extend(errorMap),
  createComponentAttachment: ComponentSchema.extend(errorMap),
} as const;

/**
 * What `uploadTestRunResults` takes, as a type that every test run meets once its component and
 * institution are known: a run built by the analysis (`wirebondPullTest`, `ivTestRun`, … passed
 * through `upload.identified`), the batch's dtoIn and a test-run document alike, whatever the
 * declared shape of their `properties` and `results` (`{code: value}` objects). The client checks
 * it against `TestRunUploadSchema` before sending; nothing is sent when it does not pass.
 */
export interface TestRunUploadInput {
  /** Component code or serial number. */
  component: string;
  testType: string;
  /** Institution code. */
  institution: string;
  runNumber: string;
  /** ISO date of the run. */
  date?: string;
  passed: boolean;
  problems: boolean;
  /** `{code: value}` of the test type's properties (`{}` when absent). */
  properties?: object;
  /** `{code: value}` of the test type's parameters. */
  results: object;
  /** The stage the component was tested at. */
  stage?: string;
  isRetroactive?: boolean;
  comments?: unknown;
  defects?: unknown;
}

/** A command with a typed input. */
export type CommandName = keyof typeof CommandInputs;
/** A command with a typed JSON answer. */
export type JsonCommandName = keyof typeof CommandAnswers;
/** The input of a command (before defaults). */
export type InputOf<C extends CommandName> = z.input<(typeof CommandInputs)[C]>;
/** The answer of a command. */
export type AnswerOf<C extends JsonCommandName> = z.infer<(typeof CommandAnswers)[C]>;

/**
 * The wire method of a command: GET (with a JSON body) for reads, i.e. commands starting with
 * `get` or `list`; POST for everything else (register/set/upload/create/delete/…).
 *
 * @example
 * ```ts
 * import { wireMethodOf } from "./commands.ts";
 * wireMethodOf("listTestTypes"); // "GET"
 * wireMethodOf("uploadTestRunResults"); // "POST"
 * ```
 */
export function wireMethodOf(command: string): "GET" | "POST" {
  const name = command.split("/").pop() ?? command;
  if (/^(get|list)/.test(name)) return "GET";
  return "POST";
}
