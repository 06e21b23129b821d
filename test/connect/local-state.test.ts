import { execFileSync } from "node:child_process";
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { localStateWarning } from "../../src/connect/local-state.js";
import { type SessionEvent, status } from "../../src/index.js";
import { exampleSchema, makeProject, removeDir } from "../helpers/index.js";

// `.redshift-views/` holds the local emulator's data: the tool says once, as it creates the folder,
// when git would pick it up.

const projects: string[] = [];
afterAll(async () => {
  await Promise.all(projects.map(removeDir));
});

async function repository(files: Record<string, string>): Promise<string> {
  const dir = await makeProject("local-state", files);
  projects.push(dir);
  execFileSync("git", ["init", "--quiet"], { cwd: dir });
  return dir;
}

describe("localStateWarning", () => {
  it("asks git: warns only in a repository that does not ignore the folder, with the line to add", async () => {
    const bare = await repository({});
    expect(await localStateWarning(bare)).toEqual({
      kind: "warning",
      code: "local_state_not_ignored",
      message: "Created .redshift-views/ (the local emulator's data), which git does not ignore.",
      hint: "Add this line to .gitignore: /.redshift-views/",
    });
    for (const line of [".redshift-views/", "/.redshift-views", ".*"]) {
      const ignoring = await repository({ ".gitignore": `node_modules/\n${line}\n` });
      expect(await localStateWarning(ignoring), line).toBeUndefined();
    }
    const outside = await makeProject("local-state", {});
    projects.push(outside);
    expect(await localStateWarning(outside)).toBeUndefined();
  });

  it("is said by the command that creates the folder, and not again", async () => {
    const dir = await repository({ "prisma/schema.prisma": await exampleSchema() });
    const warnings = async () => {
      const events: SessionEvent[] = [];
      await status({ cwd: dir, environment: "development", env: {}, onEvent: (event) => events.push(event) });
      return events.flatMap((event) => (event.kind === "warning" ? [event.code] : []));
    };
    expect(await warnings()).toContain("local_state_not_ignored");
    expect(await warnings()).not.toContain("local_state_not_ignored");
    await writeFile(path.join(dir, ".gitignore"), "/.redshift-views/\n");
    expect(await localStateWarning(dir)).toBeUndefined();
  });
});
