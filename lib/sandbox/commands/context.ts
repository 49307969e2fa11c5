/**
 * What every sandbox command gets: the store, the catalogue, the calling user, and a place to
 * put warnings for the answer's uuAppErrorMap.
 *
 * @module
 */
import type { UuAppErrorMap } from "../../errors.ts";
import type { TokenUser } from "../auth.ts";
import type { Catalogue } from "../catalogue.ts";
import type { Store } from "../store.ts";
import { DtoIn, type DtoInSpec } from "../validate.ts";

/** The context of one command call. */
export interface CommandContext {
  /** The command name as called (e.g. `getComponent`, `uu-app-binarystore/getBinaryData`). */
  command: string;
  store: Store;
  catalogue: Catalogue;
  user: TokenUser;
  /** Adds warning entries to the answer's uuAppErrorMap. */
  warn(entries: UuAppErrorMap): void;
  /** Most bytes one attached file may have. */
  maxAttachmentBytes: number;
}

/** An answer of raw bytes (a download), sent with its content type and file name. */
export class BinaryAnswer {
  constructor(
    /** The bytes. */
    readonly data: Uint8Array,
    /** Their content type, e.g. `text/csv`. */
    readonly contentType: string,
    /** The file name given in `Content-Disposition`. */
    readonly filename: string,
  ) {}
}

/**
 * A command: its dtoIn → its dtoOut (without uuAppErrorMap) or bytes, or a thrown CommandError.
 */
export type CommandHandler = (
  ctx: CommandContext,
  input: unknown,
) =>
  | Record<string, unknown>
  | BinaryAnswer
  | Promise<Record<string, unknown> | BinaryAnswer>;

/**
 * A command and whether it writes (a write may be dropped after it was committed).
 *
 * The commands (commands/*.ts) are declared alike on purpose: `{ write, handler }`, the handler
 * stating its own dtoIn (`acceptDtoIn`), finding what it names and answering. What they share is
 * that shape, written out per command as the service documents it, not logic to factor out.
 */
export interface CommandDef {
  write: boolean;
  handler: CommandHandler;
  /**
   * The command takes `multipart/form-data` (a file upload): the token is checked before the
   * body is read, and the body may be as large as an attachment.
   */
  multipart?: boolean;
}

/** Checks a dtoIn against `spec`: throws the 400 answer, or records warnings and returns it. */
export function acceptDtoIn(
  ctx: CommandContext,
  input: unknown,
  spec: DtoInSpec,
): Record<string, unknown> {
  const dto = new DtoIn(ctx.command, input, spec);
  dto.throwIfInvalid();
  ctx.warn(dto.warnings());
  return dto.input;
}
