import { createHash, randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { lstat, mkdir, readdir, readFile, realpath, rename, rm, stat, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import type { DMMF, GeneratorConfig } from "@prisma/generator-helper";
import { cacheDirBeside } from "../cache/cache-dir.js";
import type { LoadedSchema, SchemaFile } from "./loaded-schema.js";

/** Where Prisma is told to look for the schema (the argument of its `getSchemaWithPath`). */
export type SchemaPathInput =
  | { readonly cliProvidedPath: string }
  | { readonly configProvidedPath: string }
  | { readonly baseDir: string };

/** What decides where the schema is, before it is read: the Prisma config files and what they read. */
export interface ConfigProbe {
  /** Every Prisma config file that exists in the project root, with the SHA-256 of its text. */
  readonly files: readonly (readonly [name: string, sha256: string])[];
  /** The environment variables those files read, by name (`null`: unset). */
  readonly env: Readonly<Record<string, string | null>>;
  /**
   * Whether the files' result depends only on their text, the variables above and the project root.
   * A config that imports other modules (which may read other files or change the environment) or
   * reaches `process.env` other than by a literal name is not: it is run every time.
   */
  readonly cacheable: boolean;
}

interface CachedSchema {
  readonly format: 1;
  /** This package's and Prisma's versions: another parser may build another model. */
  readonly versions: readonly [tool: string, internals: string, config: string];
  readonly cwd: string;
  readonly schemaArgument: string | null;
  readonly config: ConfigProbe;
  readonly input: SchemaPathInput;
  readonly schemaPath: string;
  readonly files: readonly (readonly [path: string, sha256: string])[];
  /** Variables read by `env("…")` in the schema files. */
  readonly schemaEnv: Readonly<Record<string, string | null>>;
  readonly datamodel: DMMF.Datamodel;
  readonly generators: readonly GeneratorConfig[];
  readonly provider: string | null;
}

/** Where one project's (working directory and `--schema`) parsed schema is kept. */
export interface SchemaCacheLocation {
  readonly file: string;
  readonly cwd: string;
  readonly schemaArgument: string | null;
}

const sha256 = (text: string): string => createHash("sha256").update(text).digest("hex");

/** The cache file for a project, or undefined when there is no cache folder (nothing is cached). */
export function schemaCacheLocation(
  cwd: string,
  schemaArgument: string | undefined,
  env: Readonly<Record<string, string | undefined>>,
): SchemaCacheLocation | undefined {
  let dir: string | undefined;
  try {
    dir = cacheDirBeside("@prisma/internals", env);
  } catch {
    return undefined;
  }
  if (dir === undefined) return undefined;
  const key = sha256(JSON.stringify([cwd, schemaArgument ?? null])).slice(0, 32);
  return { file: path.join(dir, `schema-${key}.json`), cwd, schemaArgument: schemaArgument ?? null };
}

const IMPORT_SPECIFIER = /\b(?:from|import|require)\s*\(?\s*["'`]([^"'`]+)["'`]/g;
const SAFE_IMPORTS = new Set(["prisma/config", "@prisma/config", "path", "node:path"]);
const LITERAL_ENV = [
  /\bprocess\.env\.([A-Za-z_$][\w$]*)/g,
  /\bprocess\.env\[\s*["'`]([^"'`]+)["'`]\s*\]/g,
  /\benv\(\s*["'`]([^"'`]+)["'`]/g,
];

function envNames(text: string): string[] {
  const names = new Set<string>();
  for (const pattern of LITERAL_ENV) for (const match of text.matchAll(pattern)) names.add(match[1] ?? "");
  return [...names].sort();
}

function envValues(
  names: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): Record<string, string | null> {
  return Object.fromEntries(names.map((name) => [name, env[name] ?? null]));
}

/** Reads the Prisma config files among `candidates` that exist in `cwd` (synchronously: a few small files). */
export function probeConfig(
  cwd: string,
  candidates: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): ConfigProbe {
  const files: [string, string][] = [];
  const names = new Set<string>();
  let cacheable = true;
  for (const name of candidates) {
    let text: string;
    try {
      text = readFileSync(path.join(cwd, name), "utf8");
    } catch {
      continue;
    }
    files.push([name, sha256(text)]);
    for (const found of envNames(text)) names.add(found);
    for (const match of text.matchAll(IMPORT_SPECIFIER))
      if (!SAFE_IMPORTS.has(match[1] ?? "")) cacheable = false;
    // `process.env` passed around, destructured or indexed by a computed name.
    const literalUses = LITERAL_ENV.slice(0, 2).reduce(
      (count, pattern) => count + [...text.matchAll(pattern)].length,
      0,
    );
    if ((text.match(/\bprocess\.env\b/g) ?? []).length !== literalUses) cacheable = false;
    if (/\b(?:readFileSync|readFile|existsSync|eval|Function)\b/.test(text)) cacheable = false;
  }
  return { files, env: envValues([...names].sort(), env), cacheable };
}

function versionOf(packageName: string): string {
  try {
    const manifest = createRequire(import.meta.url).resolve(`${packageName}/package.json`);
    return (JSON.parse(readFileSync(manifest, "utf8")) as { version: string }).version;
  } catch {
    return "unknown";
  }
}

let versions: readonly [string, string, string] | undefined;

function currentVersions(): readonly [string, string, string] {
  versions ??= [
    versionOf("prisma-redshift-views"),
    versionOf("@prisma/internals"),
    versionOf("@prisma/config"),
  ];
  return versions;
}

const sameJson = (left: unknown, right: unknown): boolean => JSON.stringify(left) === JSON.stringify(right);

/**
 * The files Prisma's `getSchemaWithPath` would read for `input`, found again without Prisma: a file,
 * every `.prisma` file under a folder (following links), or the first of `schema.prisma` and
 * `prisma/schema.prisma` that is a file. Undefined when anything is missing or unreadable; Prisma
 * then looks (and reports) itself.
 */
async function readSchemaFiles(input: SchemaPathInput): Promise<Map<string, string> | undefined> {
  try {
    if ("baseDir" in input) {
      for (const candidate of [
        path.join(input.baseDir, "schema.prisma"),
        path.join(input.baseDir, "prisma", "schema.prisma"),
      ]) {
        const found = await stat(candidate).catch(() => undefined);
        if (found?.isFile()) return new Map([[candidate, await readFile(candidate, "utf8")]]);
      }
      return undefined;
    }
    const at = "cliProvidedPath" in input ? input.cliProvidedPath : input.configProvidedPath;
    const found = await stat(at);
    if (found.isFile()) return new Map([[at, await readFile(at, "utf8")]]);
    if (!found.isDirectory()) return undefined;
    const files = new Map<string, string>();
    await collectPrismaFiles(at, files, new Set());
    return files;
  } catch {
    return undefined;
  }
}

/** Prisma's walk (`loadSchemaFiles`): a link is followed and named by its target. */
async function collectPrismaFiles(entry: string, into: Map<string, string>, visited: Set<string>) {
  const found = await lstat(entry);
  if (found.isSymbolicLink()) return collectPrismaFiles(await realpath(entry), into, visited);
  if (found.isFile()) {
    if (path.extname(entry) === ".prisma") into.set(entry, await readFile(entry, "utf8"));
    return;
  }
  if (!found.isDirectory()) return;
  const real = await realpath(entry);
  if (visited.has(real)) return;
  visited.add(real);
  for (const name of await readdir(entry)) await collectPrismaFiles(path.join(entry, name), into, visited);
}

function isCachedSchema(value: unknown): value is CachedSchema {
  if (typeof value !== "object" || value === null) return false;
  const record = value as Partial<Record<keyof CachedSchema, unknown>>;
  return (
    record.format === 1 &&
    Array.isArray(record.versions) &&
    typeof record.schemaPath === "string" &&
    Array.isArray(record.files) &&
    typeof record.config === "object" &&
    typeof record.input === "object" &&
    typeof record.datamodel === "object" &&
    record.datamodel !== null &&
    Array.isArray(record.generators)
  );
}

/**
 * The schema parsed by an earlier run, when nothing that decided it has changed: the same working
 * directory and `--schema`, the same Prisma config files and the variables they read, the same
 * schema files (paths and contents, looked up again) and the variables they read, the same versions
 * of this package and of Prisma. Undefined otherwise, or when the cache file is missing or damaged.
 */
export async function readCachedSchema(
  location: SchemaCacheLocation,
  config: ConfigProbe,
  env: Readonly<Record<string, string | undefined>>,
): Promise<LoadedSchema | undefined> {
  if (!config.cacheable) return undefined;
  let record: unknown;
  try {
    const text = await readFile(location.file, "utf8");
    const newline = text.indexOf("\n");
    const body = text.slice(newline + 1);
    // A checksum line first: a file damaged anywhere is ignored, not half believed.
    if (newline < 0 || text.slice(0, newline) !== sha256(body)) return undefined;
    record = JSON.parse(body);
  } catch {
    return undefined;
  }
  if (!isCachedSchema(record)) return undefined;
  if (
    record.cwd !== location.cwd ||
    record.schemaArgument !== location.schemaArgument ||
    !sameJson(record.versions, currentVersions()) ||
    !sameJson(record.config, config)
  )
    return undefined;
  const contents = await readSchemaFiles(record.input);
  if (contents === undefined || contents.size !== record.files.length) return undefined;
  const files: SchemaFile[] = [];
  for (const [file, hash] of record.files) {
    const content = contents.get(file);
    if (content === undefined || sha256(content) !== hash) return undefined;
    files.push([file, content]);
  }
  const schemaEnv = envValues(Object.keys(record.schemaEnv), env);
  if (!sameJson(schemaEnv, record.schemaEnv) || !sameJson(Object.keys(schemaEnv), schemaEnvNames(files)))
    return undefined;
  return {
    schemaPath: record.schemaPath,
    files,
    datamodel: record.datamodel,
    generators: record.generators,
    provider: record.provider ?? undefined,
  };
}

function schemaEnvNames(files: readonly SchemaFile[]): string[] {
  return [...new Set(files.flatMap(([, content]) => envNames(content)))].sort();
}

/**
 * Keeps a parsed schema for the next run: written to a unique temporary name and renamed into place,
 * so a reader sees a whole file or none. Failing to write only costs the next run a parse.
 */
export async function writeCachedSchema(
  location: SchemaCacheLocation,
  config: ConfigProbe,
  input: SchemaPathInput,
  schema: LoadedSchema,
  env: Readonly<Record<string, string | undefined>>,
): Promise<void> {
  if (!config.cacheable) return;
  const record: CachedSchema = {
    format: 1,
    versions: currentVersions(),
    cwd: location.cwd,
    schemaArgument: location.schemaArgument,
    config,
    input,
    schemaPath: schema.schemaPath,
    files: schema.files.map(([file, content]) => [file, sha256(content)] as const),
    schemaEnv: envValues(schemaEnvNames(schema.files), env),
    datamodel: schema.datamodel,
    generators: schema.generators,
    provider: schema.provider ?? null,
  };
  const body = JSON.stringify(record);
  const temporary = `${location.file}.${process.pid}-${randomUUID()}.tmp`;
  try {
    await mkdir(path.dirname(location.file), { recursive: true });
    await writeFile(temporary, `${sha256(body)}\n${body}`);
    await rename(temporary, location.file);
  } catch {
    // A read-only or full disk: the schema is parsed again next time.
  } finally {
    await rm(temporary, { force: true }).catch(() => {});
  }
}
