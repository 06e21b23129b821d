import fs from "node:fs/promises";
import path from "node:path";
import type { GeneratorOptions } from "@prisma/generator-helper";
import { formatErrorLine, RedshiftViewsError, toRedshiftViewsErrors } from "../errors.js";
import { buildTemplates } from "../generate/build-templates.js";
import { displayPathFrom, findProjectRoot, packageName } from "../generate/project.js";
import { syncTemplates } from "../generate/sync-folder.js";
import { DEFAULT_OUTPUT, parseGeneratorOptions } from "../schema/generator-options.js";
import type { SchemaFile } from "../schema/load-schema.js";

/**
 * `prisma generate` hands us the parsed schema; we only read the schema files again (no second
 * parse) so that errors can point at lines.
 */
export async function onGenerate(options: GeneratorOptions): Promise<void> {
  const projectRoot = findProjectRoot(options.schemaPath);
  const displayPath = displayPathFrom(projectRoot);
  try {
    const files = await readSchemaFiles(options.schemaPath, displayPath);
    const outputDir = options.generator.output?.value;
    if (outputDir === null || outputDir === undefined)
      throw new Error(`Prisma passed no output folder (default ${DEFAULT_OUTPUT}).`);
    const viewsOptions = parseGeneratorOptions(options.generator.config, outputDir, {
      file: displayPath(options.generator.sourceFilePath || options.schemaPath),
      generator: options.generator.name,
      provider: options.datasources[0]?.activeProvider,
      packageName: packageName(projectRoot),
    });
    const built = buildTemplates({
      datamodel: options.dmmf.datamodel,
      files,
      displayPath,
      options: viewsOptions,
    });
    await syncTemplates(outputDir, built.templates, true);
  } catch (error) {
    // Prisma prints the message of what we throw; make it the same text the CLI prints.
    throw new Error(
      `prisma-redshift-views: no file was changed.\n${toRedshiftViewsErrors(error).map(formatErrorLine).join("\n")}`,
    );
  }
}

/**
 * The schema's files, read directly: `schemaPath` is the file, or the folder of a multi-file schema.
 * (Not through @prisma/internals, whose import alone would add a second to every `prisma generate`.)
 * A file that cannot be read is an error: carrying on with less (Prisma's joined datamodel text, or
 * some of the files) would check `//` comments in part of the schema only and point at wrong lines.
 */
async function readSchemaFiles(
  schemaPath: string,
  displayPath: (file: string) => string,
): Promise<SchemaFile[]> {
  try {
    if (!(await fs.stat(schemaPath)).isDirectory())
      return [[schemaPath, await fs.readFile(schemaPath, "utf8")]];
    const entries = await fs.readdir(schemaPath, { recursive: true, withFileTypes: true });
    const files = entries
      .filter((entry) => entry.isFile() && entry.name.endsWith(".prisma"))
      .map((entry) => path.join(entry.parentPath, entry.name))
      .sort();
    // Awaited here, so that a file that cannot be read is caught below.
    return await Promise.all(files.map(async (file) => [file, await fs.readFile(file, "utf8")] as const));
  } catch (error) {
    throw new RedshiftViewsError(
      "E_SCHEMA_UNREADABLE",
      `Could not read the schema: ${error instanceof Error ? error.message : String(error)}`,
      {
        location: { file: displayPath(schemaPath) },
        hint: "Check that the schema files exist and can be read by this user, then run prisma generate again.",
        cause: error,
      },
    );
  }
}
