import { defineCommand } from "citty";
import { HISTORY_RELATION, historyHint } from "../../history/history-table.js";
import { formatStatusCsv, formatStatusTable } from "../../status/format-status.js";
import { readStatus } from "../../status/read-status.js";
import { openCommandSession, schemaArgs, warehouseArgs } from "../args.js";
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
    const session = await openCommandSession(io, args);
    try {
      const { rows, history, historyError } = await readStatus(session);
      if (history === "unreadable")
        io.stderr(
          `${io.colors.yellow("!")} Could not read the operation history (${HISTORY_RELATION}): ${historyError}\n  → Last operations are not shown, so failed_provisioning and unrefreshable cannot be detected. ${historyHint(historyError ?? "", true)}`,
        );
      switch (args.format) {
        case "csv":
          io.stdout(formatStatusCsv(rows));
          break;
        case "json":
          io.stdout(
            JSON.stringify({ version: 1, environment: session.environment, history, views: rows }, null, 2),
          );
          break;
        default:
          io.stdout(formatStatusTable(rows, io.colors));
      }
      return rows.some((row) => row.conditions.length > 0) ? 1 : 0;
    } finally {
      await session.close();
    }
  },
});
