import { defineCommand } from "citty";
import { prepareViews } from "../../generate/generate.js";
import {
  columnReport,
  formatDictionaryMarkdown,
  formatReportMarkdown,
  formatReportTable,
} from "../../report/column-report.js";
import { schemaArgs } from "../args.js";
import type { CliIo } from "../io.js";

export const reportCommand = defineCommand({
  meta: {
    name: "report",
    description:
      "Every column of every exported model: its level, whether it was annotated or defaulted, and its views",
  },
  args: {
    ...schemaArgs,
    format: {
      type: "enum",
      options: ["table", "json", "md", "dictionary"],
      default: "table",
      description:
        "Output format: table, json, md (for reviewers), dictionary (Markdown for analysts: each view's columns with level and description)",
    },
    strict: {
      type: "boolean",
      description: "Exit 1 when any exported column relies on a default classification",
    },
  },
  async run({ args, data }) {
    const io = data as CliIo;
    const prepared = await prepareViews({
      cwd: io.cwd,
      schemaPath: args.schema,
      generatorName: args.generator,
    });
    const rows = columnReport(prepared.tables);
    switch (args.format) {
      case "json":
        io.stdout(JSON.stringify({ version: 1, columns: rows }, null, 2));
        break;
      case "md":
        io.stdout(formatReportMarkdown(rows));
        break;
      case "dictionary":
        io.stdout(formatDictionaryMarkdown(prepared.specs, prepared.tables));
        break;
      default:
        io.stdout(formatReportTable(rows, io.colors));
    }
    const defaulted = rows.filter((row) => row.source === "default");
    if (args.strict === true && defaulted.length > 0) {
      io.stderr(
        `${io.colors.red("✖")} ${defaulted.length} exported column(s) have no /// @classification: ${defaulted
          .map((row) => `${row.model}.${row.field}`)
          .join(
            ", ",
          )}\n  → Annotate each one (the default is fail-safe, but --strict wants every decision written down).`,
      );
      return 1;
    }
    return 0;
  },
});
