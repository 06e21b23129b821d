import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
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

/** The packages a node process loads, by name, while running `args` (built package, in dist/). */
async function packagesLoaded(name: string, args: readonly string[]): Promise<string[]> {
  const log = path.join(dir, `${name}.log`);
  await run(process.execPath, ["--import", REGISTER, ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, MODULE_LOG: log, PRISMA_HIDE_UPDATE_MESSAGE: "1" },
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
});
