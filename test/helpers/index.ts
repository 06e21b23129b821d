import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import pc from "picocolors";
import type { CliIo } from "../../src/cli/io.js";
import { RedshiftViewsError, RedshiftViewsErrors } from "../../src/errors.js";
import { type BuiltTemplates, buildTemplates } from "../../src/generate/build-templates.js";
import { displayPathFrom } from "../../src/generate/project.js";
import type { ViewsOptions } from "../../src/schema/generator-options.js";
import { type LoadedSchema, parseSchemaFiles } from "../../src/schema/load-schema.js";
import { type ClassifyInput, classifyModels } from "../../src/views/classify-models.js";

export const REPO_ROOT = path.resolve(import.meta.dirname, "../..");
export const OFFLINE_SCHEMA_ENGINE = path.join(REPO_ROOT, "scripts/schema-engine-offline");

/** The project root of in-memory schemas: headers and messages show paths relative to it. */
export const VIRTUAL_ROOT = "/project";
export const VIRTUAL_SCHEMA = `${VIRTUAL_ROOT}/prisma/schema.prisma`;

export const VIEW_OPTIONS: Pick<
  ViewsOptions,
  "viewSchema" | "piiViewSchema" | "sourceSchema" | "viewNaming"
> = {
  viewSchema: "analytics_<%= environment %>",
  piiViewSchema: "analytics_<%= environment %>_pii",
  sourceSchema: { database: "<%= environment %>_app_zeroetl", schema: "app" },
  viewNaming: "table",
};

export const DATASOURCE = `datasource db {
  provider = "mysql"
}`;

export const GENERATOR = `generator views {
  provider     = "prisma-redshift-views"
  sourceSchema = "\\"<%= environment %>_app_zeroetl\\".\\"app\\""
}`;

/** A complete schema: datasource, our generator block (unless replaced) and the given models. */
export function schema(body: string, options: { generator?: string; datasource?: string } = {}): string {
  return `${options.datasource ?? DATASOURCE}\n\n${options.generator ?? GENERATOR}\n\n${body.trim()}\n`;
}

/** Parses schema text held in memory, as if it were `/project/prisma/schema.prisma`. */
export function parseText(text: string, file = VIRTUAL_SCHEMA): Promise<LoadedSchema> {
  return parseSchemaFiles(file, [[file, text]]);
}

/** Classifies every model of a schema text, collecting errors rather than throwing them. */
export async function classifyText(text: string, options: ClassifyInput["options"] = VIEW_OPTIONS) {
  const loaded = await parseText(text);
  return classifyModels({
    datamodel: loaded.datamodel,
    files: loaded.files,
    displayPath: displayPathFrom(VIRTUAL_ROOT),
    options,
  });
}

/** Schema text → templates, with the default test view options. Throws what `buildTemplates` throws. */
export async function buildFromText(text: string): Promise<BuiltTemplates> {
  const loaded = await parseText(text);
  return buildTemplates({
    datamodel: loaded.datamodel,
    files: loaded.files,
    displayPath: displayPathFrom(VIRTUAL_ROOT),
    options: VIEW_OPTIONS,
  });
}

/** The package's errors carried by whatever `run` throws; fails when it does not throw. */
export async function caughtErrors(run: () => unknown): Promise<readonly RedshiftViewsError[]> {
  try {
    await run();
  } catch (error) {
    if (error instanceof RedshiftViewsErrors) return error.errors;
    if (error instanceof RedshiftViewsError) return [error];
    throw error;
  }
  throw new Error("expected an error, but nothing was thrown");
}

/** Template content by file name. */
export function byFileName(built: Pick<BuiltTemplates, "templates">): Record<string, string> {
  return Object.fromEntries(built.templates.map((file) => [file.fileName, file.content]));
}

export interface FakeIo extends CliIo {
  readonly out: string[];
  readonly err: string[];
  /** Everything written to stdout and stderr, in one string. */
  readonly output: () => string;
}

/** A non-interactive, colourless CLI I/O that records what the command prints. */
export function fakeIo(cwd: string, env: NodeJS.ProcessEnv = {}): FakeIo {
  const out: string[] = [];
  const err: string[] = [];
  return {
    cwd,
    env,
    stdout: (text) => out.push(text),
    stderr: (text) => err.push(text),
    interactive: false,
    colors: pc.createColors(false),
    confirm: async () => false,
    out,
    err,
    output: () => [...out, ...err].join("\n"),
  };
}

export function tempDir(prefix: string): Promise<string> {
  return mkdtemp(path.join(os.tmpdir(), `redshift-views-${prefix}-`));
}

export function removeDir(dir: string): Promise<void> {
  return rm(dir, { recursive: true, force: true });
}

export interface FileState {
  readonly content: string;
  readonly mtimeMs: number;
}

/** Every file of a folder (recursively, hidden ones too) with its bytes and mtime; `{}` if it does not exist. */
export async function snapshotFolder(dir: string): Promise<Record<string, FileState>> {
  const result: Record<string, FileState> = {};
  let entries: string[];
  try {
    entries = (await readdir(dir, { recursive: true })).sort();
  } catch (error) {
    if (error instanceof Error && "code" in error && error.code === "ENOENT") return result;
    throw error;
  }
  for (const entry of entries) {
    const file = path.join(dir, entry);
    const info = await stat(file);
    if (!info.isFile()) continue;
    result[entry.split(path.sep).join("/")] = {
      content: await readFile(file, "utf8"),
      mtimeMs: info.mtimeMs,
    };
  }
  return result;
}

/** Only the contents of a snapshot, for comparisons that do not care about times. */
export function contents(snapshot: Record<string, FileState>): Record<string, string> {
  return Object.fromEntries(Object.entries(snapshot).map(([name, state]) => [name, state.content]));
}

/** Names of the files whose contents differ (or exist on one side only), sorted. */
export function changedFiles(before: Record<string, string>, after: Record<string, string>): string[] {
  const names = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...names].filter((name) => before[name] !== after[name]).sort();
}

/** A temporary project folder with a package.json and the given files (paths relative to it). */
export async function makeProject(prefix: string, files: Record<string, string>): Promise<string> {
  const dir = await tempDir(prefix);
  await writeFile(path.join(dir, "package.json"), `${JSON.stringify({ name: prefix, private: true })}\n`);
  await writeFiles(dir, files);
  return dir;
}

export async function writeFiles(dir: string, files: Record<string, string>): Promise<void> {
  for (const [name, content] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, name)), { recursive: true });
    await writeFile(path.join(dir, name), content);
  }
}

/** The example app's schema, the one whose templates are committed in generated-views/. */
export function exampleSchema(): Promise<string> {
  return readFile(path.join(REPO_ROOT, "prisma/schema.prisma"), "utf8");
}

/** Two small exported models: four views (users and posts, each non-PII and PII). */
export const MODELS = `
/// @exportToAnalytics
model User {
  id        Int      @id
  /// @classification restricted
  email     String
  /// @classification public
  country   String
  createdAt DateTime @map("created_at")
  @@map("users")
}

/// @exportToAnalytics
model Post {
  id       Int    @id
  authorId Int    @map("author_id")
  /// @classification public
  title    String
  @@map("posts")
}
`;

/** `count` extra exported models (two views each), for runs with many views. */
export function manyModels(count: number): string {
  return Array.from(
    { length: count },
    (_, index) => `
/// @exportToAnalytics
model Thing${index} {
  id    Int    @id
  /// @classification public
  label String
  /// @classification restricted
  owner String
  @@map("thing_${index}")
}`,
  ).join("\n");
}
