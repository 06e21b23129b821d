import { defineCommand } from "citty";
import { formatProblemLogLine } from "../../metrics/problem-log.js";
import type { MetricsDestination } from "../../metrics/status-report-metrics.js";
import { formatStatusCsv, formatStatusTable } from "../../status/format-status.js";
import { status } from "../../status/status.js";
import { printSessionEvent, schemaArgs, warehouseArgs, warehouseOptions } from "../args.js";
import type { CliIo } from "../io.js";
import { UsageError } from "../usage-error.js";

export const statusCommand = defineCommand({
  meta: {
    name: "status",
    description:
      "One row per view: exists, stale, state, last operation, problems. Exit 1 when any view has a problem",
  },
  args: {
    ...warehouseArgs,
    ...schemaArgs,
    format: {
      type: "enum",
      options: ["table", "csv", "json"],
      default: "table",
      description: "Output format",
    },
    metrics: {
      type: "string",
      valueHint: "cloudwatch|emf",
      description:
        "Also publish the monitoring metrics to CloudWatch (--metrics), or print them as Embedded Metric Format on stdout (--metrics emf); logs one JSON line per view with a problem on stderr",
    },
  },
  async run({ args, data }) {
    const io = data as CliIo;
    const metrics = metricsDestination(args.metrics);
    if (metrics === "emf" && args.format === "json")
      throw new UsageError(
        "--metrics emf prints on stdout: use it without --format json (or publish with --metrics).",
      );
    const report = await status({
      ...warehouseOptions(io, args),
      ...(metrics === undefined ? {} : { metrics }),
      onEvent: (event) => printSessionEvent(io, event),
    });
    switch (args.format) {
      case "csv":
        io.stdout(formatStatusCsv(report.views));
        break;
      case "json":
        io.stdout(JSON.stringify(report, null, 2));
        break;
      default:
        io.stdout(formatStatusTable(report.views, io.colors));
    }
    const problems = report.views.some((row) => row.conditions.length > 0) ? 1 : 0;
    if (report.metrics === undefined) return problems;
    // One structured line per view in a problem state, for log-based alarms and searches.
    for (const entry of report.metrics.problems) io.stderr(formatProblemLogLine(entry));
    switch (report.metrics.kind) {
      case "emf":
        io.stdout(report.metrics.line);
        return problems;
      case "published":
        if (io.verbosity !== "quiet")
          io.stderr(
            io.colors.dim(
              `Published ${report.metrics.data.length} metrics to CloudWatch (namespace ${report.metrics.namespace}, Environment=${report.environment}).`,
            ),
          );
        return problems;
      case "failed":
        io.stderr(
          `${io.colors.red("✖")} [${report.metrics.code}] Could not publish the metrics: ${report.metrics.error}\n  → ${report.metrics.hint}`,
        );
        return 1;
    }
  },
});

function metricsDestination(value: string | undefined): MetricsDestination | undefined {
  if (value === undefined) return undefined;
  if (value === "" || value === "cloudwatch") return "cloudwatch";
  if (value === "emf") return "emf";
  throw new UsageError(`--metrics ${value}: expected cloudwatch (the default) or emf.`);
}
