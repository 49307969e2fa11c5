/**
 * Attachment commands: `createTestRunAttachment`, `createComponentAttachment` (multipart
 * uploads of a file) and `getTestRunAttachment` (its bytes). The bytes are stored in the
 * sandbox database; the owner's `attachments` list gets an entry
 * `{code, dateTime, title, description, userIdentity, type: "file", contentType, filename}` and
 * its `sys.mts`/`sys.rev` move on. Only `type: "file"` is served: EOS attachments are not.
 *
 * @module
 */
import { appError, CommandError, errorEntry } from "../command_error.ts";
import { randomHex } from "../ids.ts";
import type { ComponentDoc, StoredAttachment, TestRunDoc } from "../store.ts";
import { type Check, DtoIn, isString } from "../validate.ts";
import { componentOrThrow } from "./components.ts";
import { acceptDtoIn, BinaryAnswer, type CommandContext, type CommandDef } from "./context.ts";
import { runOrThrow } from "./test_runs.ts";

/** A file part of a multipart body. */
const isFile: Check = (v) =>
  v instanceof Blob ? null : {
    "type.e001": "The value must be a file part of a multipart/form-data body.",
  };

/** Any string, the empty one included. */
const isText: Check = (v) =>
  typeof v === "string" ? null : { "type.e001": "The value must be a string." };

/** What a create command takes besides its owner key. */
const FIELDS = { title: isText, description: isText, type: isText, url: isText };

/** Checks a create's dtoIn; resolves to the owner key, the entry fields and the bytes. */
async function acceptUpload(
  ctx: CommandContext,
  input: unknown,
  owner: "testRun" | "component",
): Promise<
  {
    ownerRef: string;
    file: Omit<StoredAttachment, "ownerKind" | "ownerId" | "code">;
    entry: { title: string; description: string };
  }
> {
  const dto = new DtoIn(ctx.command, input, {
    required: { [owner]: isString, data: isFile },
    optional: FIELDS,
  });
  const type = dto.input.type ?? "file";
  if (dto.valid("type") || dto.input.type === undefined) {
    if (type === "eos") {
      throw appError(
        400,
        ctx.command,
        "eosNotSupported",
        'Attachments of type "eos" (files on CERN EOS) are not served by the sandbox.',
        { type },
      );
    }
    if (type !== "file") {
      dto.addInvalid("$.type", "oneOf.e001", "The value must be one of ['file', 'eos'].");
    }
  }
  dto.throwIfInvalid();
  ctx.warn(dto.warnings());
  const data = dto.input.data as File;
  if (data.size > ctx.maxAttachmentBytes) {
    throw new CommandError(413, {
      [`cern-itkpd-main/${ctx.command}/fileTooLarge`]: errorEntry(
        `The file exceeds the binary store's limit of ${ctx.maxAttachmentBytes} bytes; ` +
          `large files go to CERN EOS (type "eos").`,
        { maxBytes: ctx.maxAttachmentBytes, size: data.size },
      ),
    });
  }
  const url = dto.input.url as string | undefined;
  const filename = data.name || url || "file";
  return {
    ownerRef: dto.input[owner] as string,
    file: {
      filename,
      contentType: data.type || "application/octet-stream",
      data: new Uint8Array(await data.arrayBuffer()),
    },
    entry: {
      title: (dto.input.title as string | undefined) || filename,
      description: (dto.input.description as string | undefined) ?? "",
    },
  };
}

/** The `attachments` entry of a new attachment. */
function attachmentEntry(
  ctx: CommandContext,
  code: string,
  upload: Awaited<ReturnType<typeof acceptUpload>>,
  now: string,
): Record<string, unknown> {
  return {
    code,
    dateTime: now,
    title: upload.entry.title,
    description: upload.entry.description,
    userIdentity: ctx.user.sub,
    type: "file",
    contentType: upload.file.contentType,
    filename: upload.file.filename,
  };
}

/** `doc` with one more attachment and its modification stamped. */
function withAttachment<T extends Record<string, unknown>>(
  doc: T,
  entry: Record<string, unknown>,
  now: string,
): T {
  const sys = doc.sys as { cts: string; rev: number };
  const list = Array.isArray(doc.attachments) ? doc.attachments : [];
  return { ...doc, attachments: [...list, entry], sys: { ...sys, mts: now, rev: sys.rev + 1 } };
}

/**
 * `createTestRunAttachment` (multipart: `testRun`, `title`, `description`, `type: "file"`,
 * `url`, `data` = the file) → the test run with its `attachments`.
 */
export const createTestRunAttachment: CommandDef = {
  write: true,
  multipart: true,
  handler: async (ctx, input) => {
    const upload = await acceptUpload(ctx, input, "testRun");
    return ctx.store.transaction(() => {
      const run = runOrThrow(ctx, upload.ownerRef);
      const code = randomHex(32);
      const now = new Date().toISOString();
      ctx.store.insertAttachment({ code, ownerKind: "testRun", ownerId: run.id, ...upload.file });
      const next: TestRunDoc = withAttachment(run, attachmentEntry(ctx, code, upload, now), now);
      ctx.store.updateTestRun(next);
      return next;
    });
  },
};

/**
 * `createComponentAttachment` (multipart: `component`, `title`, `description`, `type: "file"`,
 * `url`, `data` = the file) → the component with its `attachments`.
 */
export const createComponentAttachment: CommandDef = {
  write: true,
  multipart: true,
  handler: async (ctx, input) => {
    const upload = await acceptUpload(ctx, input, "component");
    return ctx.store.transaction(() => {
      const component = componentOrThrow(ctx, upload.ownerRef);
      const code = randomHex(32);
      const now = new Date().toISOString();
      ctx.store.insertAttachment({
        code,
        ownerKind: "component",
        ownerId: component.code,
        ...upload.file,
      });
      const next: ComponentDoc = withAttachment(
        component,
        attachmentEntry(ctx, code, upload, now),
        now,
      );
      ctx.store.updateComponent(next);
      return next;
    });
  },
};

/** `getTestRunAttachment {testRun, code}` → the attached file's bytes. */
export const getTestRunAttachment: CommandDef = {
  write: false,
  handler: (ctx, input) => {
    const dto = acceptDtoIn(ctx, input, { required: { testRun: isString, code: isString } });
    const run = runOrThrow(ctx, dto.testRun as string);
    const listed = (run.attachments as { code: string }[] | undefined ?? [])
      .some((a) => a.code === dto.code);
    const stored = listed ? ctx.store.getAttachment(dto.code as string) : undefined;
    if (!stored) {
      throw new CommandError(404, {
        [`cern-itkpd-main/${ctx.command}/attachmentDoesNotExist`]: errorEntry(
          `The test run ${JSON.stringify(dto.testRun)} has no attachment ${
            JSON.stringify(dto.code)
          }.`,
          { testRun: dto.testRun, code: dto.code },
        ),
      });
    }
    return new BinaryAnswer(stored.data, stored.contentType, stored.filename);
  },
};
