import { execFile } from "node:child_process";
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const run = promisify(execFile);
const repo = path.resolve(import.meta.dirname, "../..");
const offlineEngine = path.join(repo, "scripts/schema-engine-offline");

const SCHEMA = `datasource db {
  provider = "postgresql"
}

generator views {
  provider     = "prisma-redshift-views"
  sourceSchema = "\\"shop_<%= environment %>_zeroetl\\".\\"public\\""
}

/// @exportToAnalytics
model Customer {
  id        Int      @id @default(autoincrement())
  /// @classification restricted
  email     String
  /// @classification public
  country   String
  createdAt DateTime @default(now()) @map("created_at")
  @@map("customers")
}
`;

/**
 * Installs the packed tarball into a fresh Prisma project, as a user would, proving that `bin`,
 * `files`, `exports` and the peer range are right. Packages come from the npm cache that `npm ci`
 * filled, so this needs no more network than the install itself.
 */
describe("packaged install", () => {
  let project: string;

  beforeAll(async () => {
    project = await mkdtemp(path.join(os.tmpdir(), "redshift-views-pack-"));
    const { stdout } = await run(
      "npm",
      ["pack", "--ignore-scripts", "--json", "--pack-destination", project],
      { cwd: repo },
    );
    const [{ filename }] = JSON.parse(stdout) as [{ filename: string }];
    const prismaVersion = JSON.parse(
      await readFile(path.join(repo, "node_modules/prisma/package.json"), "utf8"),
    ).version;
    await writeFile(
      path.join(project, "package.json"),
      JSON.stringify({
        name: "shop",
        private: true,
        type: "module",
        devDependencies: { prisma: prismaVersion, "prisma-redshift-views": `file:./${filename}` },
      }),
    );
    await mkdir(path.join(project, "prisma"));
    await writeFile(path.join(project, "prisma/schema.prisma"), SCHEMA);
    await run("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", "--loglevel=error"], {
      cwd: project,
      timeout: 240_000,
    });
  }, 300_000);

  afterAll(async () => {
    if (project !== undefined) await rm(project, { recursive: true, force: true });
  });

  it("ships only the built package", async () => {
    const installed = path.join(project, "node_modules/prisma-redshift-views");
    // npm may nest dependencies it could not hoist; everything else is what `files` lets through.
    const entries = (await readdir(installed)).filter((entry) => entry !== "node_modules").sort();
    expect(entries).toEqual(["LICENSE", "README.md", "dist", "docs", "package.json"]);
    // docs/ carries the JSON Schemas only (the config's, for editors; the outputs', for consumers).
    expect(await readdir(path.join(installed, "docs"))).toEqual(["schemas"]);
  });

  it("runs as a Prisma generator and as a CLI, with the same result", async () => {
    const env = { ...process.env, PRISMA_SCHEMA_ENGINE_BINARY: offlineEngine, NO_COLOR: "1" };
    await run("npx", ["prisma", "generate"], { cwd: project, env });
    const fromPrisma = (await readdir(path.join(project, "generated-views"))).sort();
    expect(fromPrisma).toEqual(["customers.sql.ejs", "customers_pii.sql.ejs"]);

    const { stdout } = await run("npx", ["redshift-views", "generate", "--output", "cli-views"], {
      cwd: project,
      env,
    });
    expect(stdout).toContain("2 written");
    for (const file of fromPrisma) {
      expect(await readFile(path.join(project, "cli-views", file), "utf8")).toBe(
        await readFile(path.join(project, "generated-views", file), "utf8"),
      );
    }
    const check = await run("npx", ["redshift-views", "check"], { cwd: project, env });
    expect(check.stdout).toContain("up to date");
  });

  it("exposes the library entry point to ESM importers", async () => {
    const script = "import { defineConfig } from 'prisma-redshift-views'; console.log(typeof defineConfig);";
    const { stdout } = await run("node", ["--input-type=module", "-e", script], { cwd: project });
    expect(stdout.trim()).toBe("function");
  });
});
