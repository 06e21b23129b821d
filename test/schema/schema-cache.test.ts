import { createHash } from "node:crypto";
import { cp, mkdir, readdir, readFile, rm, symlink, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { loadSchema } from "../../src/schema/load-schema.js";
import { REPO_ROOT, tempDir } from "../helpers/index.js";

// The parsed schema is read back from the cache while nothing that decided it changed. To tell a
// cached result from a parsed one, the tests plant a model in the cache file (with a valid checksum):
// it shows up only when the cache is believed.

const PLANTED = "PlantedByTheTest";
const CONFIG = (schema: string, extra = "") =>
  `import { defineConfig } from "prisma/config";\n${extra}export default defineConfig({ schema: ${schema} });\n`;

let root: string;
let project: string;
let cacheDir: string;
const savedCacheDir = process.env.REDSHIFT_VIEWS_CACHE_DIR;

beforeAll(async () => {
  root = await tempDir("schema-cache");
});
afterAll(async () => {
  if (savedCacheDir === undefined) delete process.env.REDSHIFT_VIEWS_CACHE_DIR;
  else process.env.REDSHIFT_VIEWS_CACHE_DIR = savedCacheDir;
  await rm(root, { recursive: true, force: true });
});

let round = 0;
beforeEach(async () => {
  round++;
  project = path.join(root, `project-${round}`);
  cacheDir = path.join(root, `cache-${round}`);
  process.env.REDSHIFT_VIEWS_CACHE_DIR = cacheDir;
  await mkdir(path.join(project, "database"), { recursive: true });
  await cp(path.join(REPO_ROOT, "prisma/schema.prisma"), path.join(project, "database/app.prisma"));
  await writeFile(path.join(project, "package.json"), JSON.stringify({ name: "app", type: "module" }));
  await symlink(path.join(REPO_ROOT, "node_modules"), path.join(project, "node_modules"), "dir");
  await writeFile(path.join(project, "prisma.config.ts"), CONFIG('"database/app.prisma"'));
});
afterEach(() => {
  delete process.env.SCHEMA_CACHE_TEST_DIR;
});

async function cacheFiles(): Promise<string[]> {
  try {
    return (await readdir(cacheDir)).filter((name) => name.startsWith("schema-"));
  } catch {
    return [];
  }
}

/** Adds a model to the cached datamodel, keeping the file's checksum valid. */
async function plantModel(): Promise<void> {
  const [name] = await cacheFiles();
  expect(name).toBeDefined();
  const file = path.join(cacheDir, name ?? "");
  const text = await readFile(file, "utf8");
  const record = JSON.parse(text.slice(text.indexOf("\n") + 1));
  record.datamodel.models.push({ ...record.datamodel.models[0], name: PLANTED });
  const body = JSON.stringify(record);
  await writeFile(file, `${createHash("sha256").update(body).digest("hex")}\n${body}`);
}

const modelNames = async (options: { schemaPath?: string } = {}) =>
  (await loadSchema({ cwd: project, ...options })).datamodel.models.map((model) => model.name);

describe("the parsed-schema cache", () => {
  it("gives an unchanged project the schema parsed before, as parsed", async () => {
    const parsed = await loadSchema({ cwd: project });
    expect(await cacheFiles()).toHaveLength(1);
    const cached = await loadSchema({ cwd: project });
    expect(cached).toEqual(parsed);
    await plantModel();
    expect(await modelNames()).toContain(PLANTED);
  });

  it("parses again when a schema file changed", async () => {
    await loadSchema({ cwd: project });
    await plantModel();
    const file = path.join(project, "database/app.prisma");
    await writeFile(file, `${await readFile(file, "utf8")}\nmodel Added {\n  id Int @id\n}\n`);
    const names = await modelNames();
    expect(names).toContain("Added");
    expect(names).not.toContain(PLANTED);
  });

  it("parses again when prisma.config.ts changed, and follows it", async () => {
    await loadSchema({ cwd: project });
    await plantModel();
    await mkdir(path.join(project, "moved"));
    await cp(path.join(project, "database/app.prisma"), path.join(project, "moved/schema.prisma"));
    await writeFile(path.join(project, "prisma.config.ts"), CONFIG('"moved/schema.prisma"'));
    const loaded = await loadSchema({ cwd: project });
    expect(loaded.schemaPath).toBe(path.join(project, "moved/schema.prisma"));
    expect(loaded.datamodel.models.map((model) => model.name)).not.toContain(PLANTED);
  });

  it("parses again when a variable the config reads changed", async () => {
    await mkdir(path.join(project, "other"));
    await cp(path.join(project, "database/app.prisma"), path.join(project, "other/app.prisma"));
    await writeFile(
      path.join(project, "prisma.config.ts"),
      CONFIG('(process.env.SCHEMA_CACHE_TEST_DIR ?? "database") + "/app.prisma"'),
    );
    await loadSchema({ cwd: project });
    await plantModel();
    expect(await modelNames()).toContain(PLANTED);
    process.env.SCHEMA_CACHE_TEST_DIR = "other";
    const loaded = await loadSchema({ cwd: project });
    expect(loaded.schemaPath).toBe(path.join(project, "other/app.prisma"));
    expect(loaded.datamodel.models.map((model) => model.name)).not.toContain(PLANTED);
  });

  it("parses again when --schema differs, and when a file is added to a schema folder", async () => {
    await loadSchema({ cwd: project, schemaPath: "database" });
    await plantModel();
    expect(await modelNames({ schemaPath: "database" })).toContain(PLANTED);
    expect(await modelNames({ schemaPath: "database/app.prisma" })).not.toContain(PLANTED);
    await writeFile(path.join(project, "database/more.prisma"), "model More {\n  id Int @id\n}\n");
    const names = await modelNames({ schemaPath: "database" });
    expect(names).toContain("More");
    expect(names).not.toContain(PLANTED);
  });

  it("ignores a damaged cache file and replaces it", async () => {
    const parsed = await loadSchema({ cwd: project });
    const [name] = await cacheFiles();
    const file = path.join(cacheDir, name ?? "");
    const text = await readFile(file, "utf8");
    // One character changed in the middle: still JSON, but not what was written.
    const middle = Math.floor(text.length / 2);
    await writeFile(
      file,
      `${text.slice(0, middle)}${text[middle] === "a" ? "b" : "a"}${text.slice(middle + 1)}`,
    );
    expect(await loadSchema({ cwd: project })).toEqual(parsed);
    await writeFile(file, text.slice(0, 100));
    expect(await loadSchema({ cwd: project })).toEqual(parsed);
    // Rewritten whole: believed again.
    await plantModel();
    expect(await modelNames()).toContain(PLANTED);
  });

  it("never caches a config that imports other modules", async () => {
    await writeFile(path.join(project, "paths.ts"), 'export const schema = "database/app.prisma";\n');
    await writeFile(
      path.join(project, "prisma.config.ts"),
      CONFIG("schema", 'import { schema } from "./paths.ts";\n'),
    );
    const loaded = await loadSchema({ cwd: project });
    expect(loaded.schemaPath).toBe(path.join(project, "database/app.prisma"));
    expect(await cacheFiles()).toEqual([]);
  });
});
