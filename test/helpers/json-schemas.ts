import { readFile } from "node:fs/promises";
import path from "node:path";
import { Ajv2020, type ValidateFunction } from "ajv/dist/2020.js";
import { REPO_ROOT } from "./index.js";

/**
 * The documented JSON outputs (`docs/schemas/*.schema.json`, JSON Schema 2020-12) checked with ajv:
 * what a test gets from `--json` or a library function must be valid against what users are told.
 */
export type JsonSchema = { readonly [keyword: string]: unknown };

// `required` inside `if`/`then` names properties declared beside it, in the parent's `properties`,
// which strict mode's `strictRequired` cannot see; every other strict check stays on.
const ajv = new Ajv2020({ allErrors: true, strict: true, strictRequired: false });
const compiled = new WeakMap<JsonSchema, ValidateFunction>();

export async function readSchema(name: string): Promise<JsonSchema> {
  return JSON.parse(await readFile(path.join(REPO_ROOT, "docs/schemas", name), "utf8")) as JsonSchema;
}

/** Every violation of `schema` by `value`, as `path: message`; empty when valid. */
export function checkJson(schema: JsonSchema, value: unknown): string[] {
  let validate = compiled.get(schema);
  if (validate === undefined) {
    validate = ajv.compile(schema);
    compiled.set(schema, validate);
  }
  if (validate(value)) return [];
  return (validate.errors ?? []).map(
    (error) =>
      `${error.instancePath === "" ? "(root)" : error.instancePath}: ${error.message ?? error.keyword}${
        error.keyword === "additionalProperties"
          ? ` (${String((error.params as { additionalProperty?: unknown }).additionalProperty)})`
          : ""
      }`,
  );
}
