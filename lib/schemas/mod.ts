/**
 * zod shapes of ITkPD objects, and builders that turn a field definition into a schema or a
 * prototype. Shared by the client and the sandbox.
 *
 * @module
 */
export * from "./common.ts";
export * from "./test_type.ts";
export * from "./catalogue.ts";
export * from "./component.ts";
export * from "./test_run.ts";
export * from "./attachment.ts";
export * from "./field_values.ts";
export * from "./prototype.ts";
export * from "./field_shape.ts";
export * from "./value_words.ts";
export * from "./certain.ts";
