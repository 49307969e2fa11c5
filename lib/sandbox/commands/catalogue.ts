/**
 * Catalogue commands: listInstitutions, listComponentTypes, getComponentType, listTestTypes,
 * getTestType.
 *
 * @module
 */
import { notFound } from "../command_error.ts";
import type { CatalogueComponentType } from "../catalogue.ts";
import { pageOf, paginate } from "../paging.ts";
import { DtoIn, isPageInfo, isProject, isString } from "../validate.ts";
import { acceptDtoIn, type CommandDef } from "./context.ts";

/** The `componentType` object of a listTestTypes answer. */
function componentTypeHeader(ct: CatalogueComponentType) {
  return { id: ct.id, code: ct.code, name: ct.name, project: ct.project, stages: ct.stages };
}

/** `listInstitutions {pageInfo?}` → `pageItemList` of institutions + `pageInfo`. */
export const listInstitutions: CommandDef = {
  write: false,
  handler: (ctx, input) => {
    const dto = acceptDtoIn(ctx, input ?? {}, { optional: { pageInfo: isPageInfo } });
    return paginate(ctx.catalogue.institutions, pageOf(dto.pageInfo));
  },
};

/** `listComponentTypes {project, pageInfo?}` → `pageItemList` of component types. */
export const listComponentTypes: CommandDef = {
  write: false,
  handler: (ctx, input) => {
    const dto = acceptDtoIn(ctx, input, {
      required: { project: isProject },
      optional: { pageInfo: isPageInfo },
    });
    const list = ctx.catalogue.componentTypes.filter((ct) => ct.project === dto.project);
    return paginate(list, pageOf(dto.pageInfo));
  },
};

/** `getComponentType {id}` or `{code, project}` → the component type. */
export const getComponentType: CommandDef = {
  write: false,
  handler: (ctx, input) => {
    const dto = new DtoIn(ctx.command, input, {
      optional: { id: isString, code: isString, project: isProject },
    });
    if (dto.input.id === undefined && dto.input.code === undefined) {
      dto.missing["$.id"] = { "isRequired.e001": "The value is required but missing." };
    }
    dto.throwIfInvalid();
    ctx.warn(dto.warnings());
    const ref = (dto.input.id ?? dto.input.code) as string;
    const ct = ctx.catalogue.componentType(dto.input.project as string | undefined, ref);
    if (!ct) throw notFound(ctx.command, "componentType", ref);
    return structuredClone(ct);
  },
};

/** `listTestTypes {project, componentType, pageInfo?}` → `pageItemList`, `componentType`. */
export const listTestTypes: CommandDef = {
  write: false,
  handler: (ctx, input) => {
    const dto = acceptDtoIn(ctx, input, {
      required: { project: isProject, componentType: isString },
      optional: { pageInfo: isPageInfo, state: isString },
    });
    const ct = ctx.catalogue.componentType(dto.project as string, dto.componentType as string);
    if (!ct) throw notFound(ctx.command, "componentType", dto.componentType);
    let list = ctx.catalogue.testTypes(ct.project, ct.code);
    if (dto.state !== undefined) list = list.filter((t) => t.state === dto.state);
    const page = paginate(list, pageOf(dto.pageInfo));
    return {
      pageItemList: page.pageItemList,
      componentType: componentTypeHeader(ct),
      pageInfo: page.pageInfo,
    };
  },
};

/** `getTestType {id}` or `{code, project, componentType}` → the test type. */
export const getTestType: CommandDef = {
  write: false,
  handler: (ctx, input) => {
    const dto = new DtoIn(ctx.command, input, {
      optional: { id: isString, code: isString, project: isProject, componentType: isString },
    });
    const { id, code, project, componentType } = dto.input as Record<string, string | undefined>;
    if (id === undefined) {
      for (const [k, v] of Object.entries({ code, project, componentType })) {
        if (v === undefined) {
          dto.missing[`$.${k}`] = { "isRequired.e001": "The value is required but missing." };
        }
      }
    }
    dto.throwIfInvalid();
    ctx.warn(dto.warnings());
    if (id !== undefined) {
      const found = ctx.catalogue.testTypeById(id);
      if (!found) throw notFound(ctx.command, "testType", id);
      return { ...structuredClone(found.testType), componentType: header(found.componentType) };
    }
    const ct = ctx.catalogue.componentType(project, componentType!);
    if (!ct) throw notFound(ctx.command, "componentType", componentType);
    const tt = ctx.catalogue.testType(ct.project, ct.code, code!);
    if (!tt) throw notFound(ctx.command, "testType", code);
    return { ...structuredClone(tt), componentType: header(ct) };
  },
};

function header(ct: CatalogueComponentType) {
  return { id: ct.id, code: ct.code, name: ct.name, project: ct.project };
}
