import path from "node:path";
import {
  findGeneratorBlock,
  parseGeneratorOptions,
  resolveOutputDir,
  type ViewsOptions,
} from "../schema/generator-options.js";
import { type LoadedSchema, loadSchema } from "../schema/load-schema.js";
import { type BuiltTemplates, buildTemplates } from "./build-templates.js";
import { displayPathFrom, findProjectRoot } from "./project.js";
import { type SyncResult, syncTemplates } from "./sync-folder.js";

export interface GenerateOptions {
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
export async function prepareViews(options: GenerateOptions): Promise<PreparedViews> {
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
    { file: displayPath(declaredIn), generator: generator.name, provider: schema.provider },
  );
  const built = buildTemplates({
    datamodel: schema.datamodel,
    files: schema.files,
    displayPath,
    options: viewsOptions,
  });
  return { ...built, schema, projectRoot, options: viewsOptions };
}

/** `generate` (write = true) and `check` (write = false). */
export async function generate(options: GenerateOptions & { readonly write: boolean }): Promise<SyncResult> {
  const prepared = await prepareViews(options);
  return syncTemplates(prepared.options.outputDir, prepared.templates, options.write);
}

export { type SyncResult, syncTemplates };
