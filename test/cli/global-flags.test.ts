import { cp, mkdir, rm, symlink } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/main.js";
import { fakeIo, REPO_ROOT, tempDir } from "../helpers/index.js";

describe("global flags", () => {
  let project: string;

  beforeAll(async () => {
    project = await tempDir("global-flags");
    await mkdir(path.join(project, "prisma"));
    await cp(path.join(REPO_ROOT, "prisma/schema.prisma"), path.join(project, "prisma/schema.prisma"));
    await cp(path.join(REPO_ROOT, "package.json"), path.join(project, "package.json"));
    await symlink(path.join(REPO_ROOT, "node_modules"), path.join(project, "node_modules"), "dir");
  });

  afterAll(async () => {
    await rm(project, { recursive: true, force: true });
  });

  it("--verbose prints the SQL submitted to the warehouse", async () => {
    const io = fakeIo(project);
    expect(await runCli(["provision", "development", "--dry-run", "--verbose"], io)).toBe(0);
    const err = io.err.join("\n");
    expect(err).toContain("-- redshift-views:development:catalog");
    expect(err).toContain("FROM pg_class c");
  });

  it("--quiet and -q are accepted anywhere and leave results alone", async () => {
    for (const argv of [
      ["--quiet", "check"],
      ["check", "-q"],
    ]) {
      const io = fakeIo(REPO_ROOT);
      expect(await runCli(argv, io)).toBe(0);
      expect(io.out.join("\n")).toContain("up to date");
    }
  });

  it("help lists the global options", async () => {
    const io = fakeIo(REPO_ROOT);
    expect(await runCli(["provision", "--help"], io)).toBe(0);
    expect(io.out.join("\n")).toContain("--verbose");
  });
});
