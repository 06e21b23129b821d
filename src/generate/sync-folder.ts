import { diffTemplates, type FileAction, type TemplateFile } from "../files/sync-templates.js";
import { applyFileActions, readTemplateFolder } from "../files/template-folder.js";

/** What `generate` and `check` found: the actions on the output folder. */
export interface SyncResult {
  readonly outputDir: string;
  readonly actions: readonly FileAction[];
}

/** Compares the folder with the templates and, when `write` is set, applies the difference. */
export async function syncTemplates(
  outputDir: string,
  templates: readonly TemplateFile[],
  write: boolean,
): Promise<SyncResult> {
  const actions = diffTemplates(templates, await readTemplateFolder(outputDir), outputDir);
  if (write) await applyFileActions(outputDir, actions);
  return { outputDir, actions };
}
