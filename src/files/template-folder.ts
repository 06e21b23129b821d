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
  assertPlainFileNames(templates, outputDir);
  return Promise.all(
    templates.map(async (fileName) => ({
      fileName,
      content: await fs.readFile(path.join(outputDir, fileName), "utf8"),
    })),
  );
}

/**
 * Every file name must be a plain name inside the output folder: a table name such as
 * `../../escaped` must never make us write or delete outside it. Checked before touching the disk.
 */
function assertPlainFileNames(fileNames: readonly string[], outputDir: string): void {
  const bad = fileNames.filter(
    (name) =>
      name === "" ||
      name === "." ||
      name === ".." ||
      path.basename(name) !== name ||
      path.posix.basename(name) !== name ||
      path.win32.basename(name) !== name ||
      name.includes("\0"),
  );
  if (bad.length === 0) return;
  throw new RedshiftViewsError(
    "E_OUTPUT_FILE_NAME_INVALID",
    `Refusing to write or delete files outside ${outputDir}: ${bad.map((name) => JSON.stringify(name)).join(", ")} ${bad.length === 1 ? "is" : "are"} not a plain file name.`,
    {
      location: { file: outputDir },
      hint: "Template names come from table names: rename the table with @@map to a name without slashes, backslashes or a leading dot. No template was changed.",
    },
  );
}

/**
 * Applies a sync in three phases: every new content is written to a temporary file first, then all are
 * renamed into place, then stale templates are pruned. If any write fails (disk full, permissions),
 * the temporary files are removed and no template has changed. A rename or prune failing part-way
 * cannot be undone: then the templates renamed (or pruned) before it are new, the rest are old, the
 * temporary files left are removed, and the error says the folder may be partly updated; running the
 * command again finishes the job.
 */
export async function applyFileActions(outputDir: string, actions: readonly FileAction[]): Promise<void> {
  assertPlainFileNames(
    actions.map((action) => action.fileName),
    outputDir,
  );
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
  const removeTemporary = (files: readonly { temporary: string }[]) =>
    Promise.all(files.map(({ temporary }) => fs.rm(temporary, { force: true }).catch(() => undefined)));
  try {
    for (const action of writes) {
      const target = path.join(outputDir, action.fileName);
      staged.push({ temporary: path.join(outputDir, `.${action.fileName}.${process.pid}.tmp`), target });
    }
    // Staged in parallel: a schema of a thousand models writes two thousand files.
    // allSettled, not all: every write has ended before any cleanup, so none can land after it.
    const results = await Promise.allSettled(
      writes.map((action, index) =>
        fs.writeFile(staged[index]?.temporary ?? "", action.content, { encoding: "utf8", flag: "w" }),
      ),
    );
    const failure = results.find((result) => result.status === "rejected");
    if (failure !== undefined) throw failure.reason;
  } catch (error) {
    await removeTemporary(staged);
    throw ioError(error, outputDir, "write to");
  }
  let renamed = 0;
  try {
    for (const { temporary, target } of staged) {
      await fs.rename(temporary, target);
      renamed++;
    }
  } catch (error) {
    // The temporary files not yet renamed are removed; the templates renamed so far stay updated.
    await removeTemporary(staged.slice(renamed));
    throw partialError(error, outputDir, "rename a new template into", renamed, staged.length);
  }
  for (const action of prunes) {
    try {
      await fs.rm(path.join(outputDir, action.fileName), { force: true });
    } catch (error) {
      throw partialError(error, outputDir, `prune ${action.fileName} from`, staged.length, staged.length);
    }
  }
}

/** A failure after some templates were already replaced: say so rather than claim nothing changed. */
function partialError(
  error: unknown,
  outputDir: string,
  verb: string,
  done: number,
  total: number,
): RedshiftViewsError {
  const reason = error instanceof Error ? error.message : String(error);
  return new RedshiftViewsError("E_OUTPUT_UNWRITABLE", `Could not ${verb} ${outputDir}: ${reason}`, {
    location: { file: outputDir },
    hint: `${done} of ${total} new templates were already in place and no temporary file is left, so the folder may be partly updated: fix the permissions or the file in the way, then run the command again to finish.`,
    cause: error,
  });
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
