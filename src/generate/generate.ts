import path from "node:path";
import {
  findGeneratorBlock,
  parseGeneratorOptions,
  resolveOutputDir,
  type ViewsOptions,
} from "../schema/generator-options.js";
import { type LoadedSchema, loadSchema } from "../schema/load-schema.js";
import { type BuiltTemplates, buildTemplates } from "./build-templates.js";
import { displayPathFrom, findProjectRoot, packageName } from "./project.js";
import type { ProjectOptions } from "./project-options.js";
import { type SyncResult, syncTemplates } from "./sync-folder.js";

/** What `prepareViews` reads: the project, and an `--output` override. */
export interface PrepareOptions {
  readonly cwd: string;
  /** `--schema` */
  readonly schemaPath?: string | undefined;
  /** `--output`, overriding the generator block's `output`. */
  readonly outputDir?: string | undefined;
  /** `--generator`: the name of our generator block when there are several. */
  readonly generatorName?: string | undefined;
}

/** A schema loaded and turned into templates in memory; nothing written yet. */
export interface PreparedViews extends BuiltTemplates {
  readonly schema: LoadedSchema;
  readonly projectRoot: string;
  readonly options: ViewsOptions;
}

/** Loads the schema, reads our generator block and builds every template, without touching the disk. */
export async function prepareViews(options: PrepareOptions): Promise<PreparedViews> {
  const schema = await loadSchema({ cwd: options.cwd, schemaPath: options.schemaPath });
  const projectRoot = findProjectRoot(schema.schemaPath);
  const displayPath = displayPathFrom(projectRoot);
  const mainFile = schema.files[0]?.[0] ?? schema.schemaPath;
  const generator = findGeneratorBlock(schema.generators, displayPath(mainFile), options.generatorName);
  const declaredIn = generator.sourceFilePath || mainFile;
  const viewsOptions = parseGeneratorOptions(
    generator.config,
    resolveOutputDir(
      generator,
      mainFile,
      options.outputDir === undefined ? undefined : path.resolve(options.cwd, options.outputDir),
    ),
    {
      file: displayPath(declaredIn),
      generator: generator.name,
      provider: schema.provider,
      packageName: packageName(projectRoot),
    },
  );
  const built = buildTemplates({
    datamodel: schema.datamodel,
    files: schema.files,
    displayPath,
    options: viewsOptions,
  });
  return { ...built, schema, projectRoot, options: viewsOptions };
}

export interface GenerateOptions extends ProjectOptions {
  /** The folder to write, overriding the generator block's `output` (relative to `cwd`). */
  readonly output?: string;
}

/** What `generate` did, or what `check` found, in the output folder. */
export interface GenerateReport extends SyncResult {
  /** Whether the folder already matched the schema (nothing to write, update or prune). */
  readonly upToDate: boolean;
}

/**
 * Writes one template per view from the schema and prunes stale ones, without the Prisma CLI: what
 * `prisma generate` does through the generator, byte for byte. A schema error changes no file.
 */
export function generate(options: GenerateOptions = {}): Promise<GenerateReport> {
  return syncFromSchema(options, true);
}

/** What `generate` would change, writing nothing (for CI: `upToDate` false means regenerate). */
export function check(options: GenerateOptions = {}): Promise<GenerateReport> {
  return syncFromSchema(options, false);
}

async function syncFromSchema(options: GenerateOptions, write: boolean): Promise<GenerateReport> {
  const cwd = path.resolve(options.cwd ?? process.cwd());
  const prepared = await prepareViews({
    cwd,
    schemaPath: options.schema,
    generatorName: options.generator,
    outputDir: options.output,
  });
  const result = await syncTemplates(prepared.options.outputDir, prepared.templates, write);
  return { ...result, upToDate: result.actions.every((action) => action.kind === "unchanged") };
}

export { type SyncResult, syncTemplates };
