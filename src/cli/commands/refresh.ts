import { defineCommand } from "citty";
import { refresh } from "../../refresh/refresh.js";
import { printSessionEvent, schemaArgs, warehouseArgs, warehouseOptions } from "../args.js";
import type { CliIo } from "../io.js";
import { type Progress, progressReporter } from "../progress.js";

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
    let progress: Progress | undefined;
    try {
      const report = await refresh({
        ...warehouseOptions(io, args),
        all: args.all === true,
        ...(args.view === undefined ? {} : { view: args.view }),
        onEvent: (event) => {
          switch (event.kind) {
            case "selected": {
              const { environment } = warehouseOptions(io, args);
              const { selection } = event;
              for (const view of selection.missing)
                io.stderr(
                  `${io.colors.yellow("!")} ${view.schema}.${view.name} does not exist: run redshift-views provision ${environment}`,
                );
              for (const view of selection.conflicts)
                io.stderr(
                  `${io.colors.yellow("!")} ${view.schema}.${view.name} was not created by prisma-redshift-views: left alone`,
                );
              const retried = selection.targets.filter((target) => target.reason === "failed");
              if (retried.length > 0 && io.verbosity !== "quiet")
                io.stderr(
                  `Retrying ${retried.length} fresh view${retried.length === 1 ? "" : "s"} whose last refresh failed: ${retried.map((view) => `${view.schema}.${view.name}`).join(", ")}`,
                );
              progress = progressReporter(io, "Refreshing", selection.targets.length);
              return;
            }
            case "outcome": {
              const { outcome } = event;
              progress?.step(
                outcome.kind === "refreshed"
                  ? `${io.colors.green("✔")} ${outcome.schema}.${outcome.name} (${(outcome.durationMs / 1000).toFixed(1)} s)`
                  : `${io.colors.red("✖")} ${outcome.schema}.${outcome.name}: ${outcome.error}`,
              );
              return;
            }
            default:
              printSessionEvent(io, event);
          }
        },
      });
      progress?.done();
      const failed = report.refreshed.filter((outcome) => outcome.kind === "failed");
      if (args.json === true) io.stdout(JSON.stringify(report, null, 2));
      io.stderr(
        `${failed.length === 0 ? io.colors.green("✔") : io.colors.red("✖")} ${report.refreshed.length - failed.length} refreshed, ${failed.length} failed, ${report.fresh.length} already fresh, ${report.missing.length} missing.`,
      );
      // A missing or foreign view is a problem too: the analysts' view is not what the template says.
      return failed.length > 0 || report.missing.length > 0 || report.conflicts.length > 0 ? 1 : 0;
    } finally {
      progress?.done();
    }
  },
});
