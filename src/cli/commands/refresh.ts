import { defineCommand } from "citty";
import { refresh } from "../../refresh/refresh.js";
import type { RefreshOutcome } from "../../refresh/run-refresh.js";
import { printSessionEvent, schemaArgs, warehouseArgs, warehouseOptions } from "../args.js";
import type { CliIo } from "../io.js";
import { isTruthy, type Progress, progressReporter } from "../progress.js";
import { INTERRUPTED_EXIT_CODE, interruptSignal } from "./interrupt.js";

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
    "dry-run": {
      type: "boolean",
      description:
        "List the views that would be refreshed and those that are fresh; submit nothing (DRY_RUN=1)",
    },
    wait: {
      type: "boolean",
      default: true,
      description:
        "Wait for the refreshes to end (--no-wait submits them and exits; `status` shows how they ended)",
    },
    json: { type: "boolean", description: "Print the result as JSON on stdout" },
  },
  async run({ args, data }) {
    const io = data as CliIo;
    const dryRun = args["dry-run"] === true || isTruthy(io.env.DRY_RUN);
    const wait = args.wait !== false;
    const { environment } = warehouseOptions(io, args);
    const interrupt = interruptSignal(
      io,
      "Interrupted: submitting nothing more and no longer waiting; refreshes already submitted keep running on the warehouse.",
    );
    let progress: Progress | undefined;
    try {
      const report = await refresh({
        ...warehouseOptions(io, args),
        all: args.all === true,
        ...(args.view === undefined ? {} : { view: args.view }),
        dryRun,
        wait,
        signal: interrupt.signal,
        onEvent: (event) => {
          switch (event.kind) {
            case "selected": {
              const { selection } = event;
              for (const view of selection.missing)
                io.stderr(
                  `${io.colors.yellow("!")} ${view.schema}.${view.name} does not exist: run redshift-views provision ${environment}`,
                );
              for (const view of selection.conflicts)
                io.stderr(
                  `${io.colors.yellow("!")} ${view.schema}.${view.name} was not created by prisma-redshift-views: left alone`,
                );
              if (dryRun) {
                const lines = [
                  `Would refresh ${selection.targets.length} view${selection.targets.length === 1 ? "" : "s"}:`,
                  ...selection.targets.map(
                    (target) =>
                      `  ${io.colors.yellow("~")} ${target.schema}.${target.name} (${target.reason})`,
                  ),
                  `Fresh, skipped (${selection.fresh.length}):`,
                  ...selection.fresh.map((view) => `  ${io.colors.dim("=")} ${view.schema}.${view.name}`),
                ];
                if (args.json !== true) io.stdout(lines.join("\n"));
                return;
              }
              const retried = selection.targets.filter((target) => target.reason === "failed");
              if (retried.length > 0 && io.verbosity !== "quiet")
                io.stderr(
                  `Retrying ${retried.length} fresh view${retried.length === 1 ? "" : "s"} whose last refresh failed: ${retried.map((view) => `${view.schema}.${view.name}`).join(", ")}`,
                );
              progress = progressReporter(io, wait ? "Refreshing" : "Submitting", selection.targets.length);
              return;
            }
            case "outcome":
              progress?.step(outcomeLine(io, event.outcome));
              return;
            default:
              printSessionEvent(io, event);
          }
        },
      });
      progress?.done();
      if (args.json === true) io.stdout(JSON.stringify(report, null, 2));
      if (report.dryRun) {
        if (io.verbosity !== "quiet")
          io.stderr(io.colors.dim("Dry run: nothing was submitted to the warehouse."));
        return 0;
      }
      const count = (kind: RefreshOutcome["kind"]) =>
        report.refreshed.filter((outcome) => outcome.kind === kind).length;
      const failed = count("failed");
      const submitted = count("submitted");
      io.stderr(
        `${failed === 0 ? io.colors.green("✔") : io.colors.red("✖")} ${count("refreshed")} refreshed, ${failed} failed, ${submitted > 0 ? `${submitted} left running, ` : ""}${report.fresh.length} already fresh, ${report.missing.length} missing.`,
      );
      if (submitted > 0)
        io.stderr(
          `  → The refreshes left running keep going on the warehouse; \`redshift-views status ${environment}\` shows how they ended.`,
        );
      if (interrupt.signal.aborted) return INTERRUPTED_EXIT_CODE;
      // A missing or foreign view is a problem too: the analysts' view is not what the template says.
      return failed > 0 || report.missing.length > 0 || report.conflicts.length > 0 ? 1 : 0;
    } finally {
      progress?.done();
      interrupt.dispose();
    }
  },
});

function outcomeLine(io: CliIo, outcome: RefreshOutcome): string {
  const view = `${outcome.schema}.${outcome.name}`;
  switch (outcome.kind) {
    case "refreshed":
      return `${io.colors.green("✔")} ${view} (${(outcome.durationMs / 1000).toFixed(1)} s)`;
    case "failed":
      return `${io.colors.red("✖")} ${view}: ${outcome.error}`;
    case "submitted":
      return `${io.colors.yellow("…")} ${view}: submitted (${outcome.statementId}), left running`;
    case "not_submitted":
      return `${io.colors.dim("·")} ${view}: not submitted`;
  }
}
