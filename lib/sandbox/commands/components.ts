/**
 * Component commands: registerComponent, setComponentStage, getComponent, getComponentBulk,
 * listComponents.
 *
 * @module
 */
import { appError, notFound } from "../command_error.ts";
import { componentDoc, withStage } from "../documents.ts";
import { pageOf } from "../paging.ts";
import type { ComponentDoc } from "../store.ts";
import {
  DtoIn,
  isAny,
  isBoolean,
  isObject,
  isPageInfo,
  isProject,
  isString,
  isStringList,
  isStringOrList,
} from "../validate.ts";
import { acceptDtoIn, type CommandContext, type CommandDef } from "./context.ts";

/** Most ids one bulk call takes. */
export const BULK_LIMIT = 100;

/** The stored component `ref` (code, serial number or id), or the command's not-found error. */
export function componentOrThrow(ctx: CommandContext, ref: string): ComponentDoc {
  const found = ctx.store.findComponent(ref);
  if (!found) throw notFound(ctx.command, "component", ref);
  return found;
}

/**
 * `registerComponent {project, subproject, institution, componentType, type, serialNumber?,
 * properties?}` → `{component}` (placed at the component type's initial stage).
 */
export const registerComponent: CommandDef = {
  write: true,
  handler: (ctx, input) => {
    const dto = new DtoIn(ctx.command, input, {
      required: {
        project: isProject,
        subproject: isString,
        institution: isString,
        componentType: isString,
        type: isString,
      },
      optional: {
        serialNumber: isString,
        alternativeIdentifier: isString,
        properties: isObject,
        comments: isAny,
      },
    });
    dto.throwIfInvalid();
    const { catalogue } = ctx;
    const dtoIn = dto.input as Record<string, string> & { properties?: Record<string, unknown> };
    const ct = catalogue.componentType(dtoIn.project, dtoIn.componentType);
    if (!ct || ct.project !== dtoIn.project) {
      throw notFound(ctx.command, "componentType", dtoIn.componentType);
    }
    const variant = ct.types.find((t) => t.code === dtoIn.type);
    if (!variant) {
      throw appError(
        400,
        ctx.command,
        "typeDoesNotExist",
        `The type ${JSON.stringify(dtoIn.type)} does not exist for component type ${ct.code}; ` +
          `known: ${ct.types.map((t) => t.code).join(", ")}.`,
        { type: dtoIn.type },
      );
    }
    const institution = catalogue.institution(dtoIn.institution);
    if (!institution) throw notFound(ctx.command, "institution", dtoIn.institution);
    const subproject = variant.subprojects.find((s) => s.code === dtoIn.subproject);
    if (!subproject) {
      dto.addInvalid(
        "$.subproject",
        "oneOf.e001",
        `The value must be one of [${variant.subprojects.map((s) => `'${s.code}'`).join(", ")}].`,
      );
    }
    const serial = dtoIn.serialNumber ?? null;
    if (serial === null && ct.snRequired) {
      dto.missing["$.serialNumber"] = { "isRequired.e001": "The value is required but missing." };
    }
    if (serial !== null && subproject) {
      const pattern = new RegExp(
        `^20U${subproject.code}${variant.snComponentIdentifier ?? ""}\\d{7}$`,
      );
      if (!pattern.test(serial)) {
        dto.addInvalid(
          "$.serialNumber",
          "pattern.e001",
          `The serial number must be 20U${subproject.code}${
            variant.snComponentIdentifier ?? ""
          } followed by 7 digits.`,
        );
      }
    }
    const unknown = dto.addValues(ct.properties, dtoIn.properties ?? {}, "$.properties");
    dto.throwIfInvalid();
    ctx.warn(dto.warnings());
    if (unknown.length) {
      ctx.warn({
        [`cern-itkpd-main/${ctx.command}/unsupportedKeys`]: {
          type: "warning",
          message: "DtoIn contains unsupported keys.",
          paramMap: { unsupportedKeyList: [...dto.unsupported, ...unknown] },
        },
      });
    }
    const doc = componentDoc({
      componentType: ct,
      variant,
      subproject: subproject!,
      institution,
      stage: catalogue.initialStage(ct),
      serialNumber: serial,
      alternativeIdentifier: dtoIn.alternativeIdentifier ?? null,
      properties: dtoIn.properties ?? {},
      user: ctx.user,
    });
    ctx.store.transaction(() => {
      if (serial !== null && ctx.store.serialExists(serial)) {
        throw appError(
          400,
          ctx.command,
          "serialNumberAlreadyExists",
          `A component with serial number ${serial} already exists.`,
          { serialNumber: serial },
        );
      }
      ctx.store.insertComponent(doc, {
        project: ct.project,
        componentType: ct.code,
        type: variant.code,
        institution: institution.code,
      });
    });
    return { component: doc };
  },
};

/** `setComponentStage {component, stage}` → `{component}`. */
export const setComponentStage: CommandDef = {
  write: true,
  handler: (ctx, input) => {
    const dto = acceptDtoIn(ctx, input, {
      required: { component: isString, stage: isString },
      optional: { rework: isBoolean, comment: isString, history: isAny },
    });
    const component = ctx.store.transaction(() => {
      const doc = componentOrThrow(ctx, dto.component as string);
      const ctRef = doc.componentType as { id: string };
      const ct = ctx.catalogue.componentType(undefined, ctRef.id)!;
      const stage = ctx.catalogue.stage(ct, dto.stage as string);
      if (!stage) {
        throw appError(
          400,
          ctx.command,
          "stageDoesNotExist",
          `The stage ${JSON.stringify(dto.stage)} does not exist for component type ${ct.code}; ` +
            `known: ${ct.stages.map((s) => s.code).join(", ")}.`,
          { stage: dto.stage },
        );
      }
      const next = withStage(doc, stage);
      ctx.store.updateComponent(next);
      return next;
    });
    return { component };
  },
};

/** `getComponent {component}` (code or serial number) → the component. */
export const getComponent: CommandDef = {
  write: false,
  handler: (ctx, input) => {
    const dto = acceptDtoIn(ctx, input, {
      required: { component: isString },
      optional: { noEagerLoad: isAny, alternativeIdentifier: isBoolean },
    });
    return componentOrThrow(ctx, dto.component as string);
  },
};

/** `getComponentBulk {component:[…]}` (at most 100) → `itemList` (unknown ids left out). */
export const getComponentBulk: CommandDef = {
  write: false,
  handler: (ctx, input) => {
    const dto = acceptDtoIn(ctx, input, {
      required: { component: isStringList(BULK_LIMIT) },
      optional: { noEagerLoad: isAny },
    });
    const itemList = (dto.component as string[])
      .map((ref) => ctx.store.findComponent(ref))
      .filter((c): c is ComponentDoc => c !== undefined);
    return { itemList };
  },
};

/** `listComponents {project, componentType?, institution?, type?, pageInfo?}` → `pageItemList`. */
export const listComponents: CommandDef = {
  write: false,
  handler: (ctx, input) => {
    const dto = acceptDtoIn(ctx, input, {
      required: { project: isProject },
      optional: {
        componentType: isStringOrList,
        institution: isStringOrList,
        type: isStringOrList,
        pageInfo: isPageInfo,
      },
    });
    const page = pageOf(dto.pageInfo);
    const { items, total } = ctx.store.listComponents(
      {
        project: dto.project as string,
        componentType: listOf(dto.componentType),
        institution: listOf(dto.institution),
        type: listOf(dto.type),
      },
      page.offset,
      page.pageSize,
    );
    return {
      pageItemList: items,
      pageInfo: { pageIndex: page.pageIndex, pageSize: page.pageSize, total },
    };
  },
};

/** A string or list input as a list (undefined when absent). */
export function listOf(v: unknown): string[] | undefined {
  if (v === undefined || v === null) return undefined;
  return Array.isArray(v) ? v as string[] : [v as string];
}
