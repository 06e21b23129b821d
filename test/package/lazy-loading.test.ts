import { execFile } from "node:child_process";
import { cp, mkdir, mkdtemp, readFile, rm, symlink } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO_ROOT } from "../helpers/index.js";

// What a command loads is part of what it costs: `check` runs in CI on every pull request and a
// config file imports `defineConfig`, so neither may pull in the emulator (PGlite) or the AWS SDK.

const run = promisify(execFile);
const REGISTER = path.join(REPO_ROOT, "test/fixtures/module-log/register.mjs");
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "rv-modules-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/**
 * The packages a node process loads, by name, while running `args` (built package, in dist/), in `cwd`
 * (default the repository) with the cache folder `cacheDir` (default a new one: nothing cached).
 */
async function packagesLoaded(
  name: string,
  args: readonly string[],
  where: { readonly cwd?: string; readonly cacheDir?: string; readonly exitCode?: number } = {},
): Promise<string[]> {
  const log = path.join(dir, `${name}.log`);
  await run(process.execPath, ["--import", REGISTER, ...args], {
    cwd: where.cwd ?? REPO_ROOT,
    env: {
      ...process.env,
      MODULE_LOG: log,
      PRISMA_HIDE_UPDATE_MESSAGE: "1",
      REDSHIFT_VIEWS_CACHE_DIR: where.cacheDir ?? path.join(dir, `${name}-cache`),
    },
  }).catch((error: { code?: unknown }) => {
    if (where.exitCode === undefined || error.code !== where.exitCode) throw error;
  });
  const urls = (await readFile(log, "utf8")).split("\n");
  const packages = new Set<string>();
  for (const url of urls) {
    const match = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
    if (match?.[1] !== undefined) packages.add(match[1]);
  }
  return [...packages].sort();
}

describe("what is loaded", () => {
  it("importing the package loads no other package", async () => {
    expect(await packagesLoaded("import", ["-e", 'await import("prisma-redshift-views")'])).toEqual([]);
  });

  it("`redshift-views check` loads neither PGlite nor the AWS SDK", async () => {
    const loaded = await packagesLoaded("check", [path.join(REPO_ROOT, "dist/cli/bin.js"), "check"]);
    expect(loaded).toContain("@prisma/internals");
    expect(
      loaded.filter((name) => name.startsWith("@electric-sql/") || name.startsWith("@aws-sdk/")),
    ).toEqual([]);
  });

  it("a second `check` in an unchanged project loads neither Prisma's parser nor its config", async () => {
    const cacheDir = path.join(dir, "check-again-cache");
    const bin = path.join(REPO_ROOT, "dist/cli/bin.js");
    expect(await packagesLoaded("check-first", [bin, "check"], { cacheDir })).toContain("@prisma/config");
    const again = await packagesLoaded("check-again", [bin, "check"], { cacheDir });
    expect(again.filter((name) => name.startsWith("@prisma/"))).toEqual([]);
  });

  it("a second `status` against the local emulator loads neither Prisma's parser nor its config", async () => {
    const project = path.join(dir, "status-project");
    await mkdir(project);
    for (const entry of ["prisma", "prisma.config.ts", "package.json", "generated-views"])
      await cp(path.join(REPO_ROOT, entry), path.join(project, entry), { recursive: true });
    await symlink(path.join(REPO_ROOT, "dist"), path.join(project, "dist"), "dir");
    await symlink(path.join(REPO_ROOT, "node_modules"), path.join(project, "node_modules"), "dir");
    const cacheDir = path.join(dir, "status-cache");
    const status = [path.join(project, "dist/cli/bin.js"), "status", "development"];
    // Nothing provisioned: every view is missing, so status exits 1.
    const where = { cwd: project, cacheDir, exitCode: 1 };
    const first = await packagesLoaded("status-first", status, where);
    expect(first).toContain("@prisma/internals");
    const again = await packagesLoaded("status-again", status, where);
    expect(again).toContain("@electric-sql/pglite");
    expect(again.filter((name) => name.startsWith("@prisma/"))).toEqual([]);
    // Without --metrics nor a redshift-views.config file: no CloudWatch client, no config loader.
    expect(again.filter((name) => ["@aws-sdk/client-cloudwatch", "c12", "jiti"].includes(name))).toEqual([]);
  });
});
