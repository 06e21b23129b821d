import { existsSync } from "node:fs";
import path from "node:path";
import { stripVTControlCharacters } from "node:util";
import { RedshiftViewsError } from "../errors.js";
import type { LoadedSchema, SchemaFile } from "./loaded-schema.js";
import {
  probeConfig,
  readCachedSchema,
  type SchemaPathInput,
  schemaCacheLocation,
  writeCachedSchema,
} from "./schema-cache.js";
import { stripDatasourceUrls } from "./strip-datasource-urls.js";

/** Prisma's parser, loaded on first use: importing it takes about a second. */
async function prismaInternals() {
  return (await import("@prisma/internals")).default;
}

export type { LoadedSchema, SchemaFile } from "./loaded-schema.js";

export interface LoadSchemaOptions {
  /** `--schema`: a file or a multi-file schema folder. Default: Prisma's own lookup from `cwd`. */
  readonly schemaPath?: string | undefined;
  readonly cwd: string;
}

/**
 * Finds and parses the schema the way Prisma does (`--schema`, then `prisma.config.ts`'s `schema`,
 * then `prisma/schema.prisma` / `schema.prisma`), using Prisma's WASM parser only: no Prisma CLI,
 * no engine, no network.
 */
export async function loadSchema(options: LoadSchemaOptions): Promise<LoadedSchema> {
  // What Prisma's config and `env("…")` read.
  const env = process.env;
  // Loading Prisma's config and parser costs most of a short command: an unchanged project's parsed
  // schema is read back instead (see schema-cache.ts for what counts as a change).
  const cache = schemaCacheLocation(options.cwd, options.schemaPath, env);
  const config = cache === undefined ? undefined : probeConfig(options.cwd, PRISMA_CONFIG_FILES, env);
  if (cache !== undefined && config !== undefined) {
    const cached = await readCachedSchema(cache, config, env);
    if (cached !== undefined) return cached;
  }
  const input: SchemaPathInput =
    options.schemaPath !== undefined
      ? { cliProvidedPath: path.resolve(options.cwd, options.schemaPath) }
      : await defaultSchemaPathInput(options.cwd);
  const found = await findSchema(options, input);
  const schema = await parseSchemaFiles(found.schemaPath, found.files);
  if (cache !== undefined && config !== undefined) await writeCachedSchema(cache, config, input, schema, env);
  return schema;
}

/** Parses schema files already in memory (used by tests and by the Prisma generator entry). */
export async function parseSchemaFiles(
  schemaPath: string,
  files: readonly SchemaFile[],
): Promise<LoadedSchema> {
  // Prisma 6 schemas keep connection URLs in the datasource block, which the Prisma 7 parser bundled
  // here rejects. We never need them, so they are blanked (line numbers stay the same).
  const datamodel = files.map(([file, content]) => [file, stripDatasourceUrls(content)] as [string, string]);
  try {
    const [dmmf, config] = await Promise.all([
      (await prismaInternals()).getDMMF({ datamodel }),
      (await prismaInternals()).getConfig({ datamodel }),
    ]);
    return {
      schemaPath,
      files,
      datamodel: dmmf.datamodel,
      generators: config.generators,
      provider: config.datasources[0]?.activeProvider,
    };
  } catch (error) {
    throw new RedshiftViewsError(
      "E_SCHEMA_INVALID",
      `Prisma could not parse the schema:\n${cleanPrismaMessage(error)}`,
      {
        location: { file: schemaPath },
        hint: "Fix the schema errors above (`npx prisma validate` shows the same ones), then run the command again.",
        cause: error,
      },
    );
  }
}

async function findSchema(
  options: LoadSchemaOptions,
  schemaPathInput: SchemaPathInput,
): Promise<{ schemaPath: string; files: SchemaFile[] }> {
  try {
    const result = await (await prismaInternals()).getSchemaWithPath({
      schemaPath: schemaPathInput,
      cwd: options.cwd,
    });
    return {
      schemaPath: result.schemaPath,
      files: result.schemas.map(([file, content]) => [file, content] as const),
    };
  } catch (error) {
    throw new RedshiftViewsError("E_SCHEMA_NOT_FOUND", cleanPrismaMessage(error), {
      location: { file: options.schemaPath ?? options.cwd },
      hint: "Pass --schema <path to schema.prisma or a schema folder>, or run the command from the project root.",
      cause: error,
    });
  }
}

const PRISMA_CONFIG_FILES = ["ts", "mts", "cts", "js", "mjs", "cjs"].flatMap((extension) => [
  `prisma.config.${extension}`,
  `.config/prisma.${extension}`,
]);

/** `prisma.config.ts` may move the schema; honour it when the config loads, otherwise use the defaults. */
async function defaultSchemaPathInput(cwd: string): Promise<SchemaPathInput> {
  // Loading @prisma/config costs over a second; most projects have no config file for it to read.
  if (!PRISMA_CONFIG_FILES.some((file) => existsSync(path.join(cwd, file)))) return { baseDir: cwd };
  try {
    const { loadConfigFromFile } = await import("@prisma/config");
    const loaded = await loadConfigFromFile({ configRoot: cwd });
    if (loaded.error === undefined && loaded.config.schema !== undefined && loaded.resolvedPath !== null) {
      return { configProvidedPath: path.resolve(path.dirname(loaded.resolvedPath), loaded.config.schema) };
    }
  } catch {
    // No usable prisma.config.ts: Prisma's default locations apply.
  }
  return { baseDir: cwd };
}

function cleanPrismaMessage(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  // Prisma colours its messages.
  return stripVTControlCharacters(message)
    .split("\n")
    .filter((line) => !/^\[Context: |^Prisma CLI Version :/.test(line.trim()))
    .join("\n")
    .trim();
}
