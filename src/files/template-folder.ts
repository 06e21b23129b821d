import { constants } from "node:fs";
import fs from "node:fs/promises";
import path from "node:path";
import { RedshiftViewsError } from "../errors.js";
import { type FileAction, TEMPLATE_SUFFIX, type TemplateFile } from "./sync-templates.js";

/** Reads every `*.sql.ejs` in the output folder; a missing folder reads as empty. */
export async function readTemplateFolder(outputDir: string): Promise<TemplateFile[]> {
  let names: string[];
  try {
    const stat = await fs.stat(outputDir);
    if (!stat.isDirectory()) {
      throw new RedshiftViewsError("E_OUTPUT_NOT_DIRECTORY", `${outputDir} is not a folder.`, {
        location: { file: outputDir },
        hint: "Point `output` (or --output) at a folder, or remove the file in its way.",
      });
    }
    names = await fs.readdir(outputDir);
  } catch (error) {
    if (isCode(error, "ENOENT")) return [];
    throw ioError(error, outputDir, "read");
  }
  const templates = names.filter((name) => name.endsWith(TEMPLATE_SUFFIX)).sort();
  return Promise.all(
    templates.map(async (fileName) => ({
      fileName,
      content: await fs.readFile(path.join(outputDir, fileName), "utf8"),
    })),
  );
}

/**
 * Applies a sync in two phases: every new content is written to a temporary file first, then all are
 * renamed into place, then stale templates are pruned. If any write fails (disk full, permissions),
 * the temporary files are removed and no template has changed.
 */
export async function applyFileActions(outputDir: string, actions: readonly FileAction[]): Promise<void> {
  const writes = actions.filter((action) => action.kind === "create" || action.kind === "update");
  const prunes = actions.filter((action) => action.kind === "prune");
  if (writes.length === 0 && prunes.length === 0) return;
  try {
    await fs.mkdir(outputDir, { recursive: true });
    await fs.access(outputDir, constants.W_OK);
  } catch (error) {
    throw ioError(error, outputDir, "write to");
  }
  const staged: { temporary: string; target: string }[] = [];
  try {
    for (const action of writes) {
      const target = path.join(outputDir, action.fileName);
      const temporary = path.join(outputDir, `.${action.fileName}.${process.pid}.tmp`);
      staged.push({ temporary, target });
      await fs.writeFile(temporary, action.content, { encoding: "utf8", flag: "w" });
    }
  } catch (error) {
    await Promise.all(staged.map(({ temporary }) => fs.rm(temporary, { force: true })));
    throw ioError(error, outputDir, "write to");
  }
  for (const { temporary, target } of staged) await fs.rename(temporary, target);
  for (const action of prunes) await fs.rm(path.join(outputDir, action.fileName), { force: true });
}

function isCode(error: unknown, code: string): boolean {
  return typeof error === "object" && error !== null && "code" in error && error.code === code;
}

function ioError(error: unknown, outputDir: string, verb: string): RedshiftViewsError {
  if (error instanceof RedshiftViewsError) return error;
  const code = isCode(error, "ENOSPC") ? "E_OUTPUT_DISK_FULL" : "E_OUTPUT_UNWRITABLE";
  const reason = error instanceof Error ? error.message : String(error);
  return new RedshiftViewsError(code, `Could not ${verb} ${outputDir}: ${reason}`, {
    location: { file: outputDir },
    hint:
      code === "E_OUTPUT_DISK_FULL"
        ? "Free some disk space and run the command again; no template was changed."
        : "Check that the folder exists and is writable by this user; no template was changed.",
    cause: error,
  });
}
