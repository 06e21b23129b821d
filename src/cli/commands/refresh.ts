import { defineCommand } from "citty";
import { readRefreshSelection } from "../../refresh/read-refresh-selection.js";
import { refreshViews } from "../../refresh/refresh.js";
import { openCommandSession, schemaArgs, warehouseArgs, warnIfHistoryFailed } from "../args.js";
import type { CliIo } from "../io.js";
import { progressReporter } from "../progress.js";

export const refreshCommand = defineCommand({
  meta: {
    name: "refresh",
    description:
      "REFRESH MATERIALIZED VIEW for the stale managed views and those whose last refresh failed (every one with --all)",
  },
  args: {
    ...warehouseArgs,
    ...schemaArgs,
    all: { type: "boolean", description: "Refresh every managed view, stale or not" },
    view: { type: "string", description: "Refresh only this view (schema.view)", valueHint: "name" },
    json: { type: "boolean", description: "Print the result as JSON on stdout" },
  },
  async run({ args, data }) {
    const io = data as CliIo;
    const session = await openCommandSession(io, args);
    try {
      const { environment, warehouse } = session;
      const selection = await readRefreshSelection(session, { all: args.all === true, view: args.view });
      for (const view of selection.missing) {
        io.stderr(
          `${io.colors.yellow("!")} ${view.schema}.${view.name} does not exist: run redshift-views provision ${environment}`,
        );
      }
      for (const view of selection.conflicts) {
        io.stderr(
          `${io.colors.yellow("!")} ${view.schema}.${view.name} was not created by prisma-redshift-views: left alone`,
        );
      }
      const retried = selection.targets.filter((target) => target.reason === "failed");
      if (retried.length > 0 && io.verbosity !== "quiet")
        io.stderr(
          `Retrying ${retried.length} fresh view${retried.length === 1 ? "" : "s"} whose last refresh failed: ${retried.map((view) => `${view.schema}.${view.name}`).join(", ")}`,
        );
      const progress = progressReporter(io, "Refreshing", selection.targets.length);
      const { outcomes, history } = await refreshViews(warehouse, environment, selection.targets, {
        onOutcome: (outcome) =>
          progress.step(
            outcome.kind === "refreshed"
              ? `${io.colors.green("✔")} ${outcome.schema}.${outcome.name} (${(outcome.durationMs / 1000).toFixed(1)} s)`
              : `${io.colors.red("✖")} ${outcome.schema}.${outcome.name}: ${outcome.error}`,
          ),
      });
      progress.done();
      const failed = outcomes.filter((outcome) => outcome.kind === "failed");
      if (args.json === true) {
        io.stdout(
          JSON.stringify(
            {
              version: 1,
              environment,
              targets: selection.targets,
              refreshed: outcomes,
              fresh: selection.fresh,
              missing: selection.missing,
              conflicts: selection.conflicts,
              history,
            },
            null,
            2,
          ),
        );
      }
      io.stderr(
        `${failed.length === 0 ? io.colors.green("✔") : io.colors.red("✖")} ${outcomes.length - failed.length} refreshed, ${failed.length} failed, ${selection.fresh.length} already fresh, ${selection.missing.length} missing.`,
      );
      warnIfHistoryFailed(io, environment, history);
      // A missing or foreign view is a problem too: the analysts' view is not what the template says.
      return failed.length > 0 || selection.missing.length > 0 || selection.conflicts.length > 0 ? 1 : 0;
    } finally {
      await session.close();
    }
  },
});
