import fs from "node:fs/promises";
import path from "node:path";
import type { GeneratorOptions } from "@prisma/generator-helper";
import internals from "@prisma/internals";
import { afterAll, afterEach, describe, expect, it, vi } from "vitest";
import { onGenerate } from "../../src/generator/on-generate.js";
import { DATASOURCE, GENERATOR, makeProject, removeDir, snapshotFolder } from "../helpers/index.js";

const projects: string[] = [];
afterAll(async () => {
  await Promise.all(projects.map(removeDir));
});
afterEach(() => {
  vi.restoreAllMocks();
});

const FILES = {
  "prisma/schema/main.prisma": `${DATASOURCE}\n\n${GENERATOR}\n`,
  "prisma/schema/user.prisma":
    '/// @exportToAnalytics\nmodel User {\n  id    Int    @id\n  /// @classification restricted\n  email String\n  @@map("users")\n}\n',
};

/** What `prisma generate` hands the generator for a multi-file schema folder. */
async function generatorOptions(dir: string): Promise<GeneratorOptions> {
  const schemaPath = path.join(dir, "prisma/schema");
  const datamodel = await Promise.all(
    Object.entries(FILES).map(
      async ([file]) =>
        [path.join(dir, file), await fs.readFile(path.join(dir, file), "utf8")] as [string, string],
    ),
  );
  const [dmmf, config] = await Promise.all([
    internals.getDMMF({ datamodel }),
    internals.getConfig({ datamodel }),
  ]);
  const generator = config.generators[0];
  if (generator === undefined) throw new Error("the test schema has no generator block");
  return {
    generator: { ...generator, output: { fromEnvVar: null, value: path.join(dir, "generated-views") } },
    otherGenerators: [],
    schemaPath,
    dmmf,
    datasources: config.datasources,
    datamodel: datamodel.map(([, text]) => text).join("\n"),
    version: "test",
  };
}

describe("the generator entry (onGenerate)", () => {
  it("writes the templates of a multi-file schema", async () => {
    const dir = await makeProject("on-generate", FILES);
    projects.push(dir);
    await onGenerate(await generatorOptions(dir));
    expect(Object.keys(await snapshotFolder(path.join(dir, "generated-views")))).toEqual([
      "users.sql.ejs",
      "users_pii.sql.ejs",
    ]);
  });

  it("fails with the read error when a schema file cannot be read, and writes nothing", async () => {
    const dir = await makeProject("on-generate", FILES);
    projects.push(dir);
    const options = await generatorOptions(dir);
    const readFile = fs.readFile;
    vi.spyOn(fs, "readFile").mockImplementation(async (...args: Parameters<typeof fs.readFile>) => {
      if (String(args[0]).endsWith("user.prisma"))
        throw Object.assign(new Error("EACCES: permission denied, open 'user.prisma'"), { code: "EACCES" });
      return readFile(...args);
    });
    await expect(onGenerate(options)).rejects.toThrow(
      /no file was changed\.\n\[E_SCHEMA_UNREADABLE\] prisma\/schema: Could not read the schema: EACCES: permission denied/,
    );
    expect(await snapshotFolder(path.join(dir, "generated-views"))).toEqual({});
  });

  it("fails when the schema path does not exist", async () => {
    const dir = await makeProject("on-generate", FILES);
    projects.push(dir);
    const options = await generatorOptions(dir);
    await expect(
      onGenerate({ ...options, schemaPath: path.join(dir, "prisma/gone.prisma") }),
    ).rejects.toThrow(/\[E_SCHEMA_UNREADABLE\] prisma\/gone\.prisma: Could not read the schema: ENOENT/);
  });
});
