import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { LOCAL_STATE_DIR } from "../config/index.js";
import type { Warning } from "./options.js";

const run = promisify(execFile);

/** Whether the local emulator's state folder exists yet (it is created on first use). */
export function hasLocalState(projectRoot: string): boolean {
  return existsSync(path.join(projectRoot, LOCAL_STATE_DIR));
}

/**
 * Asked once, right after the tool created `.redshift-views/`: whether git would pick it up. Git
 * itself answers (`git check-ignore`), so every way of ignoring counts (a parent `.gitignore`, a
 * global excludes file). Outside a repository, or without git, there is nothing to warn about.
 */
export async function localStateWarning(projectRoot: string): Promise<Warning | undefined> {
  try {
    await run("git", ["check-ignore", "--quiet", `${LOCAL_STATE_DIR}/`], { cwd: projectRoot });
    return undefined;
  } catch (error) {
    // Exit 1: not ignored. 128: not a repository. ENOENT: no git.
    if ((error as { code?: unknown }).code !== 1) return undefined;
  }
  return {
    kind: "warning",
    code: "local_state_not_ignored",
    message: `Created ${LOCAL_STATE_DIR}/ (the local emulator's data), which git does not ignore.`,
    hint: `Add this line to .gitignore: /${LOCAL_STATE_DIR}/`,
  };
}
