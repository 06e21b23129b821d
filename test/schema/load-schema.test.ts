import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { loadSchema } from "../../src/schema/load-schema.js";
import { locate, locateEnum } from "../../src/schema/locate.js";
import { stripDatasourceUrls } from "../../src/schema/strip-datasource-urls.js";
import { caughtErrors, GENERATOR, parseText, removeDir, schema, tempDir } from "../helpers/index.js";

const PRISMA_6_DATASOURCE = `datasource db {
  provider          = "postgresql"
  url               = env("DATABASE_URL")
  directUrl         = env("DIRECT_URL")
  shadowDatabaseUrl = "postgresql://localhost/shadow"
}`;

describe("stripDatasourceUrls", () => {
  it("blanks the URL lines of datasource blocks only, keeping line numbers", () => {
    const text = `${PRISMA_6_DATASOURCE}\n\nmodel Link {\n  id  Int    @id\n  url String\n}\n`;
    const stripped = stripDatasourceUrls(text);
    expect(stripped.split("\n")).toHaveLength(text.split("\n").length);
    expect(stripped).not.toContain("DATABASE_URL");
    expect(stripped).not.toContain("shadow");
    expect(stripped).toContain('provider          = "postgresql"');
    expect(stripped).toContain("  url String");
  });

  it("lets a Prisma 6 schema with url = env(...) parse", async () => {
    const loaded = await parseText(schema("model A {\n  id Int @id\n}", { datasource: PRISMA_6_DATASOURCE }));
    expect(loaded.provider).toBe("postgresql");
    expect(loaded.datamodel.models.map((model) => model.name)).toEqual(["A"]);
  });
});

describe("parseSchemaFiles", () => {
  it("turns Prisma's parse errors into E_SCHEMA_INVALID naming the file and line", async () => {
    const text = schema("model A {\n  id Int @id\n  name Strin\n}");
    const errors = await caughtErrors(() => parseText(text));
    expect(errors.map((error) => [error.code, error.location])).toEqual([
      ["E_SCHEMA_INVALID", { file: "/project/prisma/schema.prisma" }],
    ]);
    const line = text.split("\n").findIndex((candidate) => candidate.includes("Strin")) + 1;
    expect(errors[0]?.message).toContain(`/project/prisma/schema.prisma:${line}`);
    expect(errors[0]?.message).toContain("Strin");
    // Colour codes and Prisma's internal context lines are removed.
    expect(errors[0]?.message).not.toContain(String.fromCharCode(27));
    expect(errors[0]?.message).not.toContain("[Context:");
  });
});

describe("loadSchema", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await tempDir("load");
  });
  afterEach(() => removeDir(dir));

  it("finds prisma/schema.prisma from the project root", async () => {
    await mkdir(path.join(dir, "prisma"));
    await writeFile(path.join(dir, "prisma/schema.prisma"), schema("model A {\n  id Int @id\n}"));
    const loaded = await loadSchema({ cwd: dir });
    expect(loaded.schemaPath).toBe(path.join(dir, "prisma/schema.prisma"));
    expect(loaded.generators.map((generator) => generator.name)).toEqual(["views"]);
  });

  it("loads a multi-file schema folder", async () => {
    const folder = path.join(dir, "prisma/schema");
    await mkdir(folder, { recursive: true });
    await writeFile(
      path.join(folder, "main.prisma"),
      `datasource db {\n  provider = "mysql"\n}\n\n${GENERATOR}\n`,
    );
    await writeFile(path.join(folder, "user.prisma"), "model User {\n  id Int @id\n}\n");
    const loaded = await loadSchema({ cwd: dir, schemaPath: "prisma/schema" });
    expect(loaded.files.map(([file]) => path.basename(file)).sort()).toEqual(["main.prisma", "user.prisma"]);
    expect(locate(loaded.files, "User")).toEqual({ file: path.join(folder, "user.prisma"), line: 1 });
  });

  it("says where it looked when there is no schema", async () => {
    const errors = await caughtErrors(() => loadSchema({ cwd: dir, schemaPath: "nope.prisma" }));
    expect(errors.map((error) => [error.code, error.location.file])).toEqual([
      ["E_SCHEMA_NOT_FOUND", "nope.prisma"],
    ]);
  });
});

describe("locate", () => {
  const files = [
    ["/a.prisma", "enum Role {\n  A\n}\n"],
    [
      "/b.prisma",
      "model UserProfile {\n  id Int @id\n}\n\nmodel User {\n  /// doc\n  id Int @id\n  name String\n}\n",
    ],
  ] as const;

  it("finds models, fields and enums across files by whole name", () => {
    expect(locate(files, "User")).toEqual({ file: "/b.prisma", line: 5 });
    expect(locate(files, "User", "name")).toEqual({ file: "/b.prisma", line: 8 });
    expect(locate(files, "User", "missing")).toEqual({ file: "/b.prisma", line: 5 });
    expect(locate(files, "Nope")).toBeUndefined();
    expect(locateEnum(files, "Role")).toEqual({ file: "/a.prisma", line: 1 });
  });
});
