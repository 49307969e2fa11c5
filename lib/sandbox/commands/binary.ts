/**
 * `uu-app-binarystore/getBinaryData {code}`: the bytes of an attachment (of a test run or a
 * component) by its code; an unknown code is answered with a not-found error (HTTP 404).
 *
 * @module
 */
import { CommandError, errorEntry } from "../command_error.ts";
import { isString } from "../validate.ts";
import { acceptDtoIn, BinaryAnswer, type CommandDef } from "./context.ts";

/**
 * `getBinaryData {code}` → the stored bytes, or 404
 * `uu-app-binarystore/getBinaryData/binaryDataDoesNotExist`.
 */
export const getBinaryData: CommandDef = {
  write: false,
  handler: (ctx, input) => {
    const dto = acceptDtoIn(ctx, input, { required: { code: isString } });
    const stored = ctx.store.getAttachment(dto.code as string);
    if (stored) return new BinaryAnswer(stored.data, stored.contentType, stored.filename);
    throw new CommandError(404, {
      "uu-app-binarystore/getBinaryData/binaryDataDoesNotExist": errorEntry(
        `Binary data ${JSON.stringify(dto.code)} does not exist.`,
        { code: dto.code },
      ),
    });
  },
};
