/**
 * One registration on the service: `registerComponent`, then `setComponentStage` when the
 * chosen stage is not the one a new component starts at.
 *
 * @module
 */
import { ItkpdError, NetworkError } from "../errors.ts";
import type { Component, RegisterComponentInput } from "../schemas/component.ts";
import type { ComponentType } from "../schemas/catalogue.ts";
import type { RegisterApi } from "./catalogue.ts";

/** A registration checked against the catalogue, ready to send. */
export interface ResolvedRegistration {
  /** The `registerComponent` input, complete. */
  input: RegisterComponentInput & { properties: Record<string, unknown> };
  /** The stage to leave the component at. */
  stage: string;
  /** The stage a new component is placed at by the service. */
  initialStage: string;
  /** The component type definition it was checked against. */
  componentType: ComponentType;
}

/** A registered component. */
export interface RegistrationResult {
  /** The new component's code. */
  code: string;
  /** Its serial number (null when it has none). */
  serialNumber: string | null;
  /** The stage it is at now. */
  stage: string;
  /** The component as the service answered. */
  component: Component;
}

/** The component was registered but its stage could not be set: it must not be registered again. */
export class StageNotSetError extends ItkpdError {
  /** The registered component. */
  readonly component: Component;
  constructor(component: Component, stage: string, cause: unknown) {
    const why = cause instanceof Error ? cause.message.split("\n")[0] : String(cause);
    super(
      `registered ${component.serialNumber ?? component.code} (code ${component.code}) but ` +
        `setting its stage to ${stage} failed: ${why}`,
      {
        hint: `do not register it again; set the stage with setComponentStage ` +
          `{component: "${component.code}", stage: "${stage}"}`,
        cause,
      },
    );
    this.name = "StageNotSetError";
    this.component = component;
  }
}

/**
 * Registers one component and sets its stage.
 *
 * @throws {StageNotSetError} when the component was registered but the stage was not set.
 * @throws {NetworkError} with `maybeSent` when the outcome is unknown (look the serial number up
 *   before registering again).
 *
 * @example
 * ```ts ignore
 * const result = await registerOne(client, resolved);
 * console.log(result.code, result.serialNumber, result.stage);
 * ```
 */
export async function registerOne(
  api: Pick<RegisterApi, "registerComponent" | "setComponentStage">,
  resolved: ResolvedRegistration,
): Promise<RegistrationResult> {
  let component: Component;
  try {
    component = await api.registerComponent(resolved.input);
  } catch (e) {
    if (e instanceof NetworkError && e.maybeSent && resolved.input.serialNumber) {
      throw new NetworkError(
        `${e.message.split("\n")[0]}; the component ${resolved.input.serialNumber} may have ` +
          `been registered`,
        { url: e.url, maybeSent: true, cause: e, hint: "look it up before registering again" },
      );
    }
    throw e;
  }
  let stage = resolved.initialStage;
  if (resolved.stage !== resolved.initialStage) {
    try {
      const answer = await api.setComponentStage({
        component: component.code,
        stage: resolved.stage,
      });
      if (answer.component) component = answer.component;
      stage = resolved.stage;
    } catch (e) {
      throw new StageNotSetError(component, resolved.stage, e);
    }
  }
  return {
    code: component.code,
    serialNumber: component.serialNumber ?? null,
    stage,
    component,
  };
}

/** The result line of a registration: `registered 20UPGM20000001 code … stage MODULE/ASSEMBLY`. */
export function resultLine(result: RegistrationResult): string {
  return `registered ${result.serialNumber ?? "(no serial number)"} code ${result.code} ` +
    `stage ${result.stage}`;
}
