import { cp, mkdir, rm, symlink, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadSchema } from "../../src/schema/load-schema.js";
import { REPO_ROOT, tempDir } from "../helpers/index.js";

describe("schema lookup through prisma.config.ts", () => {
  let project: string;

  beforeAll(async () => {
    project = await tempDir("prisma-config");
    await mkdir(path.join(project, "database"));
    await cp(path.join(REPO_ROOT, "prisma/schema.prisma"), path.join(project, "database/app.prisma"));
    await writeFile(path.join(project, "package.json"), JSON.stringify({ name: "app", type: "module" }));
    await symlink(path.join(REPO_ROOT, "node_modules"), path.join(project, "node_modules"), "dir");
    await writeFile(
      path.join(project, "prisma.config.ts"),
      'import { defineConfig } from "prisma/config";\nexport default defineConfig({ schema: "database/app.prisma" });\n',
    );
  });

  afterAll(async () => {
    await rm(project, { recursive: true, force: true });
  });

  it("finds the schema where prisma.config.ts says it is", async () => {
    const loaded = await loadSchema({ cwd: project });
    expect(loaded.schemaPath).toBe(path.join(project, "database/app.prisma"));
    expect(loaded.datamodel.models.some((model) => model.name === "User")).toBe(true);
  });

  it("lets --schema win over prisma.config.ts", async () => {
    await mkdir(path.join(project, "other"), { recursive: true });
    await cp(path.join(REPO_ROOT, "prisma/schema.prisma"), path.join(project, "other/schema.prisma"));
    const loaded = await loadSchema({ cwd: project, schemaPath: "other/schema.prisma" });
    expect(loaded.schemaPath).toBe(path.join(project, "other/schema.prisma"));
  });
});
