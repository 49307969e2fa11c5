/**
 * Test-run commands: uploadTestRunResults, getTestRun, getTestRunBulk, listTestRunsByComponent,
 * listTestRunsByTestType, deleteTestRun.
 *
 * @module
 */
import { appError, notFound } from "../command_error.ts";
import type { CatalogueComponentType } from "../catalogue.ts";
import { testRunDoc, testRunListItem, testRunSummary } from "../documents.ts";
import { pageOf } from "../paging.ts";
import type { TestRunDoc } from "../store.ts";
import {
  DtoIn,
  isAny,
  isBoolean,
  isDate,
  isObject,
  isPageInfo,
  isProject,
  isString,
  isStringList,
  isStringOrList,
} from "../validate.ts";
import { BULK_LIMIT, componentOrThrow, listOf } from "./components.ts";
import { acceptDtoIn, type CommandContext, type CommandDef } from "./context.ts";

/** The stored run `id`, or the command's not-found error. */
export function runOrThrow(ctx: CommandContext, id: string): TestRunDoc {
  const run = ctx.store.getTestRun(id);
  if (!run) throw notFound(ctx.command, "testRun", id);
  return run;
}

/**
 * `uploadTestRunResults {component, testType, institution, runNumber, date?, passed, problems?,
 * properties?, results?}` → `{testRun}`. Values are checked against the test type; codes it
 * does not define are stored with `dataType: null` and a warning. Duplicates are accepted.
 */
export const uploadTestRunResults: CommandDef = {
  write: true,
  handler: (ctx, input) => {
    const dto = new DtoIn(ctx.command, input, {
      required: {
        component: isString,
        testType: isString,
        institution: isString,
        runNumber: isString,
        passed: isBoolean,
      },
      optional: {
        date: isDate,
        problems: isBoolean,
        properties: isObject,
        results: isObject,
        stage: isString,
        isRetroactive: isBoolean,
        comments: isAny,
        defects: isAny,
      },
    });
    dto.throwIfInvalid();
    const dtoIn = dto.input;
    const component = componentOrThrow(ctx, dtoIn.component as string);
    const ct = ctx.catalogue.componentType(
      undefined,
      (component.componentType as { id: string }).id,
    ) as CatalogueComponentType;
    const testType = ctx.catalogue.testType(ct.project, ct.code, dtoIn.testType as string);
    if (!testType) {
      throw appError(
        400,
        ctx.command,
        "testTypeDoesNotExist",
        `The test type ${
          JSON.stringify(dtoIn.testType)
        } does not exist for ${ct.project}/${ct.code}; ` +
          `known: ${ctx.catalogue.testTypes(ct.project, ct.code).map((t) => t.code).join(", ")}.`,
        { testType: dtoIn.testType },
      );
    }
    const institution = ctx.catalogue.institution(dtoIn.institution as string);
    if (!institution) throw notFound(ctx.command, "institution", dtoIn.institution);
    const stageCode = (dtoIn.stage as string | undefined) ??
      (component.currentStage as { code: string } | null)?.code;
    const stage = stageCode === undefined ? undefined : ctx.catalogue.stage(ct, stageCode);
    if (stageCode !== undefined && !stage) {
      dto.addInvalid(
        "$.stage",
        "oneOf.e001",
        `The value must be one of [${ct.stages.map((s) => `'${s.code}'`).join(", ")}].`,
      );
    }
    const unknown = [
      ...dto.addValues(testType.properties, dtoIn.properties ?? {}, "$.properties"),
      ...dto.addValues(testType.parameters, dtoIn.results, "$.results"),
    ];
    dto.throwIfInvalid();
    ctx.warn(dto.warnings());
    if (unknown.length) {
      ctx.warn({
        [`cern-itkpd-main/${ctx.command}/unknownFields`]: {
          type: "warning",
          message:
            `Keys not defined by test type ${testType.code} were stored without a data type.`,
          paramMap: { unknownKeyList: unknown },
        },
      });
    }
    const run = testRunDoc({
      component,
      testType,
      institution,
      stage,
      input: dtoIn,
      user: ctx.user,
    });
    ctx.store.transaction(() =>
      ctx.store.insertTestRun(run, {
        componentCode: component.code,
        project: ct.project,
        componentType: ct.code,
        testType: testType.code,
        stage: stage?.code ?? null,
      })
    );
    return { testRun: run };
  },
};

/** `getTestRun {testRun}` → the full run. */
export const getTestRun: CommandDef = {
  write: false,
  handler: (ctx, input) => {
    const dto = acceptDtoIn(ctx, input, { required: { testRun: isString } });
    return runOrThrow(ctx, dto.testRun as string);
  },
};

/** `getTestRunBulk {testRun:[ids]}` (at most 100) → `itemList` of full runs. */
export const getTestRunBulk: CommandDef = {
  write: false,
  handler: (ctx, input) => {
    const dto = acceptDtoIn(ctx, input, { required: { testRun: isStringList(BULK_LIMIT) } });
    const itemList = (dto.testRun as string[])
      .map((id) => ctx.store.getTestRun(id))
      .filter((r): r is TestRunDoc => r !== undefined);
    return { itemList };
  },
};

/**
 * `listTestRunsByComponent {filterMap:{code, stage?, testType?, state?}, pageInfo?}` →
 * `itemList` of run summaries + `pageInfo`. Deleted runs only when `state` asks for them.
 */
export const listTestRunsByComponent: CommandDef = {
  write: false,
  handler: (ctx, input) => {
    const dto = new DtoIn(ctx.command, input, {
      required: { filterMap: isObject },
      optional: { pageInfo: isPageInfo },
    });
    const filter = (dto.valid("filterMap") ? dto.input.filterMap : {}) as Record<string, unknown>;
    if (dto.valid("filterMap")) {
      const inner = new DtoIn(ctx.command, filter, {
        required: { code: isString },
        optional: {
          stage: isStringOrList,
          testType: isStringOrList,
          state: isStringOrList,
          component: isAny,
        },
      });
      for (const [k, v] of Object.entries(inner.missing)) {
        dto.missing[k.replace("$", "$.filterMap")] = v;
      }
      for (const [k, v] of Object.entries(inner.invalid)) {
        dto.invalid[k.replace("$", "$.filterMap")] = v;
      }
      for (const k of inner.unsupported) dto.unsupported.push(k.replace("$", "$.filterMap"));
    }
    dto.throwIfInvalid();
    ctx.warn(dto.warnings());
    const component = componentOrThrow(ctx, filter.code as string);
    const page = pageOf(dto.input.pageInfo);
    const { items, total } = ctx.store.listTestRuns(
      {
        componentCode: component.code,
        stages: listOf(filter.stage),
        testTypes: listOf(filter.testType),
        states: listOf(filter.state),
      },
      page.offset,
      page.pageSize,
    );
    return {
      itemList: items.map(testRunSummary),
      pageInfo: { pageIndex: page.pageIndex, pageSize: page.pageSize, total },
    };
  },
};

/**
 * `listTestRunsByTestType {project, componentType, testType, state?, pageInfo?}` →
 * `pageItemList` of run summaries with their components + `pageInfo`.
 */
export const listTestRunsByTestType: CommandDef = {
  write: false,
  handler: (ctx, input) => {
    const dto = acceptDtoIn(ctx, input, {
      required: { project: isProject, componentType: isString, testType: isStringOrList },
      optional: { state: isStringOrList, stage: isStringOrList, pageInfo: isPageInfo },
    });
    const ct = ctx.catalogue.componentType(dto.project as string, dto.componentType as string);
    if (!ct) throw notFound(ctx.command, "componentType", dto.componentType);
    const testTypes = listOf(dto.testType)!;
    for (const code of testTypes) {
      if (!ctx.catalogue.testType(ct.project, ct.code, code)) {
        throw notFound(ctx.command, "testType", code);
      }
    }
    const page = pageOf(dto.pageInfo);
    const { items, total } = ctx.store.listTestRuns(
      {
        project: ct.project,
        componentType: ct.code,
        testTypes,
        stages: listOf(dto.stage),
        states: listOf(dto.state),
      },
      page.offset,
      page.pageSize,
    );
    return {
      pageItemList: items.map(testRunListItem),
      pageInfo: { pageIndex: page.pageIndex, pageSize: page.pageSize, total },
    };
  },
};

/** `deleteTestRun {testRun}` → `{testRun}` with state "deleted" (the run is kept). */
export const deleteTestRun: CommandDef = {
  write: true,
  handler: (ctx, input) => {
    const dto = acceptDtoIn(ctx, input, {
      required: { testRun: isString },
      optional: { reason: isString },
    });
    const testRun = ctx.store.transaction(() => {
      const run = runOrThrow(ctx, dto.testRun as string);
      const ts = new Date().toISOString();
      const sys = run.sys as { cts: string; rev: number };
      const next: TestRunDoc = {
        ...run,
        state: "deleted",
        stateTs: ts,
        stateUserIdentity: ctx.user.sub,
        sys: { ...sys, mts: ts, rev: sys.rev + 1 },
      };
      ctx.store.updateTestRun(next);
      return next;
    });
    return { testRun };
  },
};
