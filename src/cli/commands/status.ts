import { defineCommand } from "citty";
import { formatStatusCsv, formatStatusTable } from "../../status/format-status.js";
import { status } from "../../status/status.js";
import { printSessionEvent, schemaArgs, warehouseArgs, warehouseOptions } from "../args.js";
import type { CliIo } from "../io.js";

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
  },
  async run({ args, data }) {
    const io = data as CliIo;
    const report = await status({
      ...warehouseOptions(io, args),
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
    return report.views.some((row) => row.conditions.length > 0) ? 1 : 0;
  },
});
