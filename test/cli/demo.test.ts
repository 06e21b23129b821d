import { execFile } from "node:child_process";
import { cp, readFile, symlink } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO_ROOT, removeDir, tempDir } from "../helpers/index.js";

// `npm ci && npm run demo` is the README's first screen: the example app's workflow, end to end, on
// the embedded emulator. Run here on a copy of the example, so the repository's own local state is
// untouched.

const run = promisify(execFile);
let dir: string;

beforeAll(async () => {
  dir = await tempDir("rv-demo-");
  for (const entry of ["prisma", "prisma.config.ts", "package.json", "generated-views", "scripts/demo.mjs"])
    await cp(path.join(REPO_ROOT, entry), path.join(dir, entry), { recursive: true });
  await symlink(path.join(REPO_ROOT, "dist"), path.join(dir, "dist"));
  await symlink(path.join(REPO_ROOT, "node_modules"), path.join(dir, "node_modules"));
});

afterAll(async () => {
  if (dir !== undefined) await removeDir(dir);
});

describe("npm run demo", () => {
  it("is the script that runs the four commands, shown as typed, in order, to a healthy status", async () => {
    const { scripts } = JSON.parse(await readFile(path.join(REPO_ROOT, "package.json"), "utf8")) as {
      scripts: Record<string, string>;
    };
    expect(scripts.demo).toBe("node scripts/demo.mjs");
    const { stdout } = await run(process.execPath, ["scripts/demo.mjs"], {
      cwd: dir,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: "1" },
    });
    const shown = stdout.split("\n").filter((line) => line.startsWith("$ "));
    expect(shown).toEqual([
      "$ redshift-views generate",
      "$ redshift-views provision development --yes",
      "$ redshift-views refresh development",
      "$ redshift-views status development",
    ]);
    expect(stdout).toContain("19 to add, 0 to update, 0 to drop, 0 unchanged.");
    expect(stdout).toContain("19 views: no problems");
  }, 300_000);

  it("stops at the first command that fails, with its exit code", async () => {
    await cp(path.join(REPO_ROOT, "package.json"), path.join(dir, "prisma/schema.prisma"));
    const failed = await run(process.execPath, ["scripts/demo.mjs"], {
      cwd: dir,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: "1" },
    }).catch((error: { code: number; stdout: string }) => error);
    expect("code" in failed ? failed.code : 0).toBe(1);
    expect(failed.stdout.split("\n").filter((line) => line.startsWith("$ "))).toEqual([
      "$ redshift-views generate",
    ]);
  }, 120_000);
});
