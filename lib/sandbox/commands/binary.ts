/**
 * `uu-app-binarystore/getBinaryData {code}`: the sandbox stores no binary data, so every code
 * is unknown and answered with a not-found error (HTTP 404).
 *
 * @module
 */
import { CommandError, errorEntry } from "../command_error.ts";
import { isString } from "../validate.ts";
import { acceptDtoIn, type CommandDef } from "./context.ts";

/** `getBinaryData {code}` → always 404 `uu-app-binarystore/getBinaryData/binaryDataDoesNotExist`. */
export const getBinaryData: CommandDef = {
  write: false,
  handler: (ctx, input) => {
    const dto = acceptDtoIn(ctx, input, { required: { code: isString } });
    throw new CommandError(404, {
      "uu-app-binarystore/getBinaryData/binaryDataDoesNotExist": errorEntry(
        `Binary data ${JSON.stringify(dto.code)} does not exist.`,
        { code: dto.code },
      ),
    });
  },
};
