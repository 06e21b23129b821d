import { readFile } from "node:fs/promises";
import path from "node:path";
import { REPO_ROOT } from "../helpers/index.js";

/**
 * A small checker for the JSON Schema keywords our documented schemas use (no validator is a
 * dependency): type (one or a list), const, enum, pattern, minimum, required, properties, additionalProperties,
 * items, $ref into $defs, allOf, oneOf, if/then. Any other keyword fails loudly, so the schema
 * cannot quietly grow beyond what is checked. Returns every violation as `path: message`.
 */
export type JsonSchema = { readonly [keyword: string]: unknown };

const KNOWN = new Set([
  "$schema",
  "$defs",
  "title",
  "description",
  "type",
  "const",
  "enum",
  "pattern",
  "minimum",
  "required",
  "properties",
  "additionalProperties",
  "items",
  "$ref",
  "allOf",
  "oneOf",
  "if",
  "then",
]);

export async function readSchema(name: string): Promise<JsonSchema> {
  return JSON.parse(await readFile(path.join(REPO_ROOT, "docs/schemas", name), "utf8")) as JsonSchema;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function typeMatches(type: unknown, value: unknown): boolean {
  switch (type) {
    case "object":
      return isObject(value);
    case "array":
      return Array.isArray(value);
    case "string":
      return typeof value === "string";
    case "number":
      return typeof value === "number" && Number.isFinite(value);
    case "integer":
      return Number.isInteger(value);
    case "boolean":
      return typeof value === "boolean";
    case "null":
      return value === null;
    default:
      throw new Error(`unsupported type ${String(type)}`);
  }
}

export function checkJson(root: JsonSchema, value: unknown): string[] {
  const errors: string[] = [];
  const resolve = (ref: string): JsonSchema => {
    const match = /^#\/\$defs\/(.+)$/.exec(ref);
    const defs = root.$defs;
    const found = match?.[1] !== undefined && isObject(defs) ? defs[match[1]] : undefined;
    if (!isObject(found)) throw new Error(`unresolvable $ref ${ref}`);
    return found;
  };
  const visit = (schema: JsonSchema, data: unknown, at: string, out: string[]): void => {
    for (const keyword of Object.keys(schema))
      if (!KNOWN.has(keyword)) throw new Error(`unsupported keyword ${keyword} at ${at}`);
    if (typeof schema.$ref === "string") visit(resolve(schema.$ref), data, at, out);
    const types = Array.isArray(schema.type) ? schema.type : schema.type === undefined ? [] : [schema.type];
    if (types.length > 0 && !types.some((type) => typeMatches(type, data))) {
      out.push(`${at}: expected ${types.join(" or ")}, got ${JSON.stringify(data)}`);
      return;
    }
    if ("const" in schema && data !== schema.const)
      out.push(`${at}: expected ${JSON.stringify(schema.const)}, got ${JSON.stringify(data)}`);
    if (Array.isArray(schema.enum) && !schema.enum.includes(data))
      out.push(`${at}: ${JSON.stringify(data)} is not one of ${JSON.stringify(schema.enum)}`);
    if (
      typeof schema.pattern === "string" &&
      typeof data === "string" &&
      !new RegExp(schema.pattern, "u").test(data)
    )
      out.push(`${at}: ${JSON.stringify(data)} does not match ${schema.pattern}`);
    if (typeof schema.minimum === "number" && typeof data === "number" && data < schema.minimum)
      out.push(`${at}: ${data} is below ${schema.minimum}`);
    if (isObject(data)) {
      const properties = isObject(schema.properties) ? schema.properties : {};
      if (Array.isArray(schema.required))
        for (const key of schema.required)
          if (typeof key === "string" && !(key in data)) out.push(`${at}: missing required "${key}"`);
      for (const [key, item] of Object.entries(data)) {
        const property = properties[key];
        if (isObject(property)) visit(property, item, `${at}.${key}`, out);
        else if (schema.additionalProperties === false) out.push(`${at}: unexpected property "${key}"`);
      }
    }
    const items = schema.items;
    if (Array.isArray(data) && isObject(items))
      for (const [index, item] of data.entries()) visit(items, item, `${at}[${index}]`, out);
    if (Array.isArray(schema.allOf))
      for (const part of schema.allOf) if (isObject(part)) visit(part, data, at, out);
    if (Array.isArray(schema.oneOf)) {
      const passing = schema.oneOf.filter((part) => {
        const trial: string[] = [];
        if (isObject(part)) visit(part, data, at, trial);
        return trial.length === 0;
      }).length;
      if (passing !== 1)
        out.push(`${at}: matches ${passing} of oneOf's ${schema.oneOf.length} schemas, not 1`);
    }
    if (isObject(schema.if) && isObject(schema.then)) {
      const condition: string[] = [];
      visit(schema.if, data, at, condition);
      if (condition.length === 0) visit(schema.then, data, at, out);
    }
  };
  visit(root, value, "$", errors);
  return errors;
}
