import { execFile } from "node:child_process";
import { cp, mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO_ROOT } from "../helpers/index.js";

// Issue 13's acceptance: a short script using only the package's exports provisions the example app
// on the local target, prints the plan and the result as data, and a second plan finds nothing to do.

const run = promisify(execFile);
let project: string;

beforeAll(async () => {
  project = await mkdtemp(path.join(os.tmpdir(), "rv-script-"));
  await cp(path.join(REPO_ROOT, "prisma"), path.join(project, "prisma"), { recursive: true });
  await writeFile(path.join(project, "package.json"), '{ "name": "example-app", "private": true }\n');
});
afterAll(async () => {
  await rm(project, { recursive: true, force: true });
});

describe("the library from a script", () => {
  it("provisions the example app, then plans every view unchanged", async () => {
    const { stdout } = await run(
      process.execPath,
      [path.join(REPO_ROOT, "examples/provision-from-code.mjs"), "development", project],
      { cwd: REPO_ROOT, env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" } },
    );
    const [first, second] = stdout
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line));
    expect(first).toEqual({
      planned: {
        add: 19,
        update: 0,
        comment: 0,
        drop: 0,
        conflict: 0,
        unchanged: 0,
        unmanaged: 0,
        foreign: 0,
      },
      failed: [],
    });
    expect(second).toEqual({
      after: { add: 0, update: 0, comment: 0, drop: 0, conflict: 0, unchanged: 19, unmanaged: 0, foreign: 0 },
    });
  });
});
