import { RedshiftViewsError } from "../errors.js";
import type { CliIo } from "./io.js";

/**
 * Asks `Proceed? [y/N]` before a command changes something in AWS; `--yes` answers for scripts.
 * Without a terminal to ask on, and without `--yes`, it refuses rather than assume either answer.
 * `rerun` is the command to run with `--yes` once the preview has been reviewed.
 */
export async function confirmChange(io: CliIo, options: { yes: boolean; rerun: string }): Promise<boolean> {
  if (options.yes) return true;
  if (!io.interactive)
    throw new RedshiftViewsError(
      "E_CONFIRMATION_REQUIRED",
      "Refusing to apply without confirmation: no terminal to ask on.",
      { hint: `Review the plan (DRY_RUN=1 or --dry-run), then run again with --yes: ${options.rerun} --yes` },
    );
  const yes = await io.confirm("Proceed?");
  if (!yes) io.stderr("Nothing was applied.");
  return yes;
}
